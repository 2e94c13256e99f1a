"""/api/v1/coordination — coordination meetings (协调会) and Annex 3."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Query, Schema, Status

from zhitong.core.errors import AccessDenied, Forbidden
from zhitong.core.fields import Id, Month, Text
from zhitong.organizations.access import require_government
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import county_supervision_root, scope_root, user_sees_all

from .. import permissions, selectors, services
from ..machines.meetings import MEETING
from ..schemas.meetings import ItemsIn, MeetingIn, MeetingOut, meeting_out
from ._common import ERRORS, active_user, move_body, parse_month, router
from ._common import move as perform_move


def _meeting(request, meeting_id: int) -> dict:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return meeting_out(meeting, items=list(selectors.meeting_items(meeting)))


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="协调会列表（按用户范围）")
def meeting_list(request):
    require_government(request.user)
    qs = (
        selectors.meeting_list_for_user(user=request.user)
        .prefetch_related("units_present")
        .order_by("-held_at")
    )
    return [meeting_out(m) for m in qs[:200]]


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, summary="安排协调会")
def meeting_create(request, body: MeetingIn):
    convener = active_user(body.convener_id, "convener_id")
    meeting = services.meeting_create(
        actor=request.user,
        title=body.title,
        convener=convener,
        held_at=body.held_at,
        place=body.place,
        unit_ids=body.unit_ids,
        level=body.level,
    )
    return Status(201, _meeting(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, summary="协调会详情")
def meeting_detail(request, meeting_id: Id):
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/items", response={200: MeetingOut, **ERRORS}, summary="列入议题")
def meeting_add_items(request, meeting_id: Id, body: ItemsIn):
    selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    services.meeting_add_items(
        actor=request.user,
        meeting_id=meeting_id,
        appeal_ids=body.appeal_ids,
        escalation_ids=body.escalation_ids,
    )
    return _meeting(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/moves/{move}",
    response={200: MeetingOut, **ERRORS},
    summary="协调会操作：minutes 上传会议纪要(upload, multipart) / opinion 录入协调意见并交办（version）",
    openapi_extra=move_body(MEETING),
)
def meeting_move(request, meeting_id: Id, move: Text(40)):
    selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    perform_move(request, MEETING, pk=meeting_id, name=move)
    return _meeting(request, meeting_id)


@router.delete(
    "/meeting-items/{item_id}", response={200: MeetingOut, **ERRORS}, summary="移出议题（尚无协调意见）"
)
def meeting_remove_item(request, item_id: Id):
    item = selectors.meeting_item_get_for_user(user=request.user, item_id=item_id)
    services.meeting_remove_item(actor=request.user, item_id=item_id)
    return _meeting(request, item.meeting_id)


class Annex3Query(Schema):
    unit_id: Id | None = None
    month: Month | None = None
    # city: Annex 3 itself, the city leaders' meetings; county: the unit's own table of its
    # principal leaders' meetings (seeds/000 五(二)1), never under the city leaders' title.
    section: Literal["city", "county"] = "city"


@router.get(
    "/annex3",
    response={200: list[list], **ERRORS},
    summary="附件3落实情况表（行；section=county 为县(市)区主要领导协调会表）",
)
def annex3(request, q: Query[Annex3Query]):
    user = request.user
    if user_sees_all(user):
        unit = Unit.objects.filter(pk=q.unit_id).first() if q.unit_id else None
    elif county_supervision_root(user) is not None:
        # The page's rule (permissions.annex3_units): a county office reads its county's units.
        unit = permissions.annex3_unit(user, q.unit_id)
    elif user.role in (Role.HANDLER, Role.UNIT_HEAD, Role.CLERK) and user.unit_id:
        own = scope_root(user.unit)
        unit = own if q.unit_id in (None, own.pk) else None
    else:
        raise Forbidden("无权查看落实情况表")
    if unit is None:
        raise AccessDenied()
    month = parse_month(q.month) if q.month else timezone.localdate().replace(day=1)
    return selectors.annex3_rows(unit=unit, month=month, section=q.section)
