"""/api/v1/public: the public reads (no token, rate-limited per client address: 429), the
status lookup, and the catalog's keeping (token of unit staff or the hub)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import Throttled
from pydantic import Field

from zhitong.common import api_moves
from zhitong.core.errors import (
    ErrorOut,
    Forbidden,
)
from zhitong.core.fields import LONG_TEXT_MAX, NAME_MAX, Id, Text, Version, WorkdayCount

from . import selectors, services, throttle
from .machine import COMMITMENT_ITEM

router = Router(tags=["public"])
PUBLIC_ERRORS = {429: ErrorOut}
ERRORS = {403: ErrorOut, 409: ErrorOut}


def _throttle(request, bucket=throttle.PAGES):
    if not throttle.hit(request, bucket):
        raise Throttled(throttle.retry_after(bucket))


class ServiceCommitmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    category_code: str
    legal_days: int
    committed_days: int
    materials: str
    fees: str
    procedure: str
    basis: str


class CommitmentStaffOut(ServiceCommitmentOut):
    status: str
    status_label: str
    version: int


def _item_out(i) -> dict:
    return {
        "id": i.pk,
        "unit_id": i.unit_id,
        "unit_name": i.unit.name,
        "title": i.title,
        "category_code": i.category.code if i.category_id else "",
        "legal_days": i.legal_days,
        "committed_days": i.committed_days,
        "materials": i.materials,
        "fees": i.fees,
        "procedure": i.procedure,
        "basis": i.basis,
        "status": i.status,
        "status_label": str(i.get_status_display()),
        "version": i.version,
    }


class CatalogQuery(Schema):
    unit_id: Id | None = None
    q: Text(100) | None = None


@router.get(
    "/commitments",
    auth=None,
    response={200: list[ServiceCommitmentOut], **PUBLIC_ERRORS},
    summary="服务承诺事项目录（公开）",
)
def catalog(request, q: Query[CatalogQuery]):
    _throttle(request)
    return [_item_out(i) for i in selectors.published_catalog(unit_id=q.unit_id, q=q.q or None)]


class PublicWindowOut(Schema):
    unit_id: int
    unit_name: str
    leader_name: str
    leader_position: str
    section_name: str
    phone: str
    address: str
    hours: str
    services: list[str]


@router.get(
    "/windows",
    auth=None,
    response={200: list[PublicWindowOut], **PUBLIC_ERRORS},
    summary="企业服务窗口（公开）",
)
def windows(request):
    _throttle(request)
    out = []
    for _kind, _label, entries in selectors.public_directory():
        for e in entries:
            w = e.window
            out.append(
                {
                    "unit_id": w.unit_id,
                    "unit_name": w.unit.name,
                    "leader_name": w.leader_name,
                    "leader_position": w.leader_position,
                    "section_name": w.section_name,
                    "phone": w.phone,
                    "address": w.address,
                    "hours": w.hours,
                    "services": [i.title for i in e.items],
                }
            )
    return out


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    issued_on: date
    valid_until: date | None
    industries: list[str]
    sizes: list[str]
    tags: list[str]
    summary: str
    link: str


class PolicyQuery(Schema):
    industry: Text(20) | None = None
    size: Text(20) | None = None
    tag: Text(30) | None = None
    q: Text(100) | None = None


def _policy_out(p) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "issuer": p.issuer,
        "issued_on": p.issued_on,
        "valid_until": p.valid_until,
        "industries": p.industries,
        "sizes": p.sizes,
        "tags": p.tags,
        "summary": p.summary,
        "link": p.link,
    }


@router.get(
    "/policies", auth=None, response={200: list[PolicyOut], **PUBLIC_ERRORS}, summary="惠企政策（公开）"
)
def policies(request, q: Query[PolicyQuery]):
    _throttle(request)
    rows = selectors.policies_public(
        industry=q.industry or "", size=q.size or "", tag=q.tag or "", q=q.q or "", today=timezone.localdate()
    )
    return [_policy_out(p) for p in rows]


class LookupIn(Schema):
    code: Text(20)
    credit_code: Text(18)


class LookupOut(Schema):
    found: bool
    code: str = ""
    stage: str = ""
    deadline_label: str = ""
    due: date | None = None
    hint: str = ""


@router.post(
    "/lookup",
    auth=None,
    response={200: LookupOut, **PUBLIC_ERRORS},
    summary="诉求进度查询（编号+统一社会信用代码）",
)
def lookup(request, body: LookupIn):
    """The same answer (`found: false`) for a wrong pair and a missing appeal."""
    _throttle(request, throttle.LOOKUP)
    answer = selectors.appeal_status_lookup(code=body.code, credit_code=body.credit_code)
    if answer is None:
        return {"found": False}
    return {
        "found": True,
        "code": answer.code,
        "stage": answer.stage,
        "deadline_label": answer.deadline_label,
        "due": answer.due,
        "hint": answer.hint,
    }


# -- keeping the catalog -------------------------------------------------------------------------


class ServiceCommitmentIn(Schema):
    unit_id: Id
    title: Text(NAME_MAX)
    category_id: Id | None = None
    legal_days: WorkdayCount
    committed_days: WorkdayCount
    materials: Text(LONG_TEXT_MAX) = ""
    fees: Text(NAME_MAX) = ""
    procedure: Text(LONG_TEXT_MAX) = ""
    basis: Text(LONG_TEXT_MAX) = ""


class CommitmentEditIn(Schema):
    title: Text(NAME_MAX)
    category_id: Id | None = None
    legal_days: WorkdayCount
    committed_days: WorkdayCount
    materials: Text(LONG_TEXT_MAX) = ""
    fees: Text(NAME_MAX) = ""
    procedure: Text(LONG_TEXT_MAX) = ""
    basis: Text(LONG_TEXT_MAX) = ""
    version: Version = Field(description="读取时的版本号；过期则 409")


def _keeper(request):
    if not selectors.keeps_any_catalog(request.user):
        raise Forbidden("只有各单位工作人员和统筹协调专员可以维护服务承诺事项")
    return request.user


class ManageQuery(Schema):
    status: Text(20) | None = None
    unit_id: Id | None = None


@router.get(
    "/manage/commitments", response={200: list[CommitmentStaffOut], **ERRORS}, summary="我维护的承诺事项"
)
def manage_list(request, q: Query[ManageQuery]):
    user = _keeper(request)
    status = q.status if q.status in COMMITMENT_ITEM.states.values else ""
    return [_item_out(i) for i in selectors.catalog_for_user(user=user, status=status, unit_id=q.unit_id)]


@router.post(
    "/manage/commitments", response={201: CommitmentStaffOut, **ERRORS}, summary="新增承诺事项（草稿）"
)
def manage_create(request, body: ServiceCommitmentIn):
    user = _keeper(request)
    item = services.commitment_create(actor=user, **body.dict())
    return Status(201, _item_out(selectors.commitment_get_for_user(user=user, item_id=item.pk)))


@router.get(
    "/manage/commitments/{commitment_item_id}",
    response={200: CommitmentStaffOut, **ERRORS},
    summary="承诺事项",
)
def manage_get(request, commitment_item_id: Id):
    return _item_out(selectors.commitment_get_for_user(user=_keeper(request), item_id=commitment_item_id))


@router.put(
    "/manage/commitments/{commitment_item_id}",
    response={200: CommitmentStaffOut, **ERRORS},
    summary="修改草稿",
)
def manage_update(request, commitment_item_id: Id, body: CommitmentEditIn):
    item_id = commitment_item_id
    user = _keeper(request)
    selectors.commitment_get_for_user(user=user, item_id=item_id)
    data = body.dict()
    version = data.pop("version")
    services.commitment_update(actor=user, item_id=item_id, expected_version=version, **data)
    return _item_out(selectors.commitment_get_for_user(user=user, item_id=item_id))


@router.post(
    "/manage/commitments/{commitment_item_id}/moves/{move}",
    response={200: CommitmentStaffOut, **ERRORS},
    summary="承诺事项操作：publish 公布 / withdraw 撤回(reason) / redraft 重新编辑（version）",
    openapi_extra=api_moves.move_body(COMMITMENT_ITEM),
)
def manage_move(request, commitment_item_id: Id, move: Text(40)):
    item_id = commitment_item_id
    user = _keeper(request)
    selectors.commitment_get_for_user(user=user, item_id=item_id)
    api_moves.move(request, COMMITMENT_ITEM, pk=item_id, name=move)
    return _item_out(selectors.commitment_get_for_user(user=user, item_id=item_id))
