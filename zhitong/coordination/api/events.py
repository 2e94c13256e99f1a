"""/api/v1/coordination — face-to-face events (面对面, seeds/001)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Schema, Status

from zhitong.core.downloads import DOCX, file_download
from zhitong.core.errors import AccessDenied
from zhitong.core.fields import Id, IdList, Text
from zhitong.organizations.access import require_government

from .. import selectors, services
from ..documents.opinions import opinions_file_name
from ..machines.events import EVENT
from ..schemas import OpinionIn
from ..schemas.events import EventIn, EventOut, ProblemIn, VerifyIn, event_out
from ._common import ERRORS, active_user, move_body, router
from ._common import move as perform_move


def _event(request, event_id: int, *, with_items: bool = True) -> dict:
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    step = next(
        s.number for s in selectors.event_steps(event) if s.state == "current" or event.status in s.statuses
    )
    return event_out(
        event,
        step=step,
        warning=services.catalog_warning(event, timezone.localdate()),
        force_label=selectors.task_force_for(event).label if with_items else "",
        items=list(selectors.event_items(event)) if with_items else None,
        moves=[m.name for m in EVENT.available(request.user, event)] if with_items else (),
    )


@router.get("/events", response={200: list[EventOut], **ERRORS}, summary="面对面活动列表")
def event_list(request):
    require_government(request.user)
    return [
        _event(request, e.pk, with_items=False)
        for e in selectors.event_list_for_user(user=request.user)[:200]
    ]


@router.post("/events", response={201: EventOut, **ERRORS}, summary="新建面对面活动（专班办公室）")
def event_create(request, body: EventIn):
    event = services.event_create(
        actor=request.user,
        title=body.title,
        kind=body.kind,
        level=body.level,
        scheduled_at=body.scheduled_at,
        place=body.place,
        chair=active_user(body.chair_id, "chair_id"),
        deputy=active_user(body.deputy_id, "deputy_id"),
    )
    return Status(201, _event(request, event.pk))


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS}, summary="面对面活动详情")
def event_detail(request, event_id: Id):
    return _event(request, event_id)


class AppealIdsIn(Schema):
    appeal_ids: IdList(200)


@router.post("/events/{event_id}/appeals", response={200: EventOut, **ERRORS}, summary="从在办诉求选取问题")
def event_add_appeals(request, event_id: Id, body: AppealIdsIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    services.event_add_appeals(actor=request.user, event_id=event_id, appeal_ids=body.appeal_ids)
    return _event(request, event_id)


@router.post(
    "/events/{event_id}/problems", response={201: EventOut, **ERRORS}, summary="登记企业新提出的问题"
)
def event_register_problem(request, event_id: Id, body: ProblemIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    services.event_register_problem(
        actor=request.user,
        event_id=event_id,
        enterprise=body.enterprise_id,
        project=body.project_id,
        title=body.title,
        description=body.description,
        category=body.category_id,
        unit=body.unit_id,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
    )
    return Status(201, _event(request, event_id))


@router.post(
    "/event-items/{item_id}/verify", response={200: EventOut, **ERRORS}, summary="核实问题（有关部门）"
)
def event_item_verify(request, item_id: Id, body: VerifyIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_item_verify(actor=request.user, item_id=item_id, result=body.result, note=body.note)
    return _event(request, item.event_id)


@router.post("/event-items/{item_id}/opinion", response={200: EventOut, **ERRORS}, summary="录入现场处理意见")
def event_item_opinion(request, item_id: Id, body: OpinionIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_record_opinion(
        actor=request.user,
        item_id=item_id,
        opinion=body.opinion,
        unit_ids=body.unit_ids,
        due_workdays=body.due_workdays,
        due_date=body.due_date,
    )
    return _event(request, item.event_id)


class UnitIn(Schema):
    unit_id: Id


@router.post("/event-items/{item_id}/unit", response={200: EventOut, **ERRORS}, summary="调整核实单位")
def event_item_set_unit(request, item_id: Id, body: UnitIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_item_set_unit(actor=request.user, item_id=item_id, unit_id=body.unit_id)
    return _event(request, item.event_id)


@router.delete("/event-items/{item_id}", response={200: EventOut, **ERRORS}, summary="移出问题目录")
def event_remove_item(request, item_id: Id):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_remove_item(actor=request.user, item_id=item_id)
    return _event(request, item.event_id)


@router.post(
    "/events/{event_id}/moves/{move}",
    response={200: EventOut, **ERRORS},
    summary="推进活动环节（活动状态表中的一步）",
    openapi_extra=move_body(EVENT),
)
def event_move(request, event_id: Id, move: Text(40)):
    """Any move of machines/events.py by name, with its fields and the version the caller
    saw: 409 for a stale version or a move the state does not allow (or its condition is
    not met), 403 for a move this user may not make, 404 for an event out of sight, 422
    for a field of the wrong type or a key the move does not take. review → proposals
    ({item_id: text}) and note; approve → item_ids and note; reschedule → scheduled_at and
    place; return_document → reason; review_document, approve_document, withdraw_document
    → note; carry_on → item_id and carry_on_reason (a problem whose appeal is not 办结 is
    carried on to regular handling; close needs each problem 办结 or carried on)."""
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    perform_move(request, EVENT, pk=event_id, name=move)
    return _event(request, event_id)


@router.get(
    "/events/{event_id}/document", response={200: None, **ERRORS}, summary="下载《企业诉求事项处理意见》"
)
def event_document(request, event_id: Id):
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    if not event.document:
        raise AccessDenied("尚未生成《企业诉求事项处理意见》")
    name, fallback = opinions_file_name(event)
    return file_download(event.document.open("rb"), name=name, fallback=fallback, content_type=DOCX)
