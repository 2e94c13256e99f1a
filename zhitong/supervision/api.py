"""/api/v1/supervision — the supervision office's lists, rectification orders (their moves
through the ORDER table, as on the pages) and findings. 404 for an object out of scope, 403
for a user who may not read or write here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhitong.common import api_moves
from zhitong.core.errors import (
    ErrorOut,
    Forbidden,
    ServiceError,
)
from zhitong.core.fields import LONG_TEXT_MAX, NAME_MAX, Id, IdList, Month, SaneDate, Text, VisibleText
from zhitong.organizations import capabilities as can

from . import selectors, services
from .machines import ORDER

router = Router(tags=["supervision"])


ERRORS = {403: ErrorOut, 409: ErrorOut}


class Ref(Schema):
    id: int
    name: str


def _ref(obj) -> dict:
    return {"id": obj.pk, "name": getattr(obj, "display_name", None) or str(obj)}


class ItemOut(Schema):
    kind: str  # "appeal" | "task"
    id: int
    code: str
    title: str
    unit: Ref | None
    status: str
    due: date | None
    url: str


class ListOut(Schema):
    key: str
    total: int
    items: list[ItemOut]


class OrderOut(Schema):
    id: int
    code: str
    unit: Ref
    title: str
    requirement: str
    status: str
    status_label: str
    due: date
    due_workdays: int
    due_provisional: bool
    light: str
    appeal_ids: list[int]
    task_ids: list[int]
    meeting_ids: list[int]
    last_report: str
    has_evidence: bool
    version: int
    moves: list[str]


class OrderIn(Schema):
    unit_id: Id
    title: VisibleText(200)
    requirement: VisibleText(LONG_TEXT_MAX)
    workdays: Annotated[int, Field(ge=1, le=services.MAX_WORKDAYS)]
    appeal_ids: IdList(50) = []
    task_ids: IdList(50) = []
    meeting_ids: IdList(50) = []


class FindingOut(Schema):
    id: int
    unit: Ref
    month: date
    source: str
    points: Decimal
    clause: str
    basis: str
    order_id: int | None
    appeal_id: int | None
    task_id: int | None


class FindingIn(Schema):
    unit_id: Id
    month: SaneDate
    points: Annotated[Decimal, Field(gt=0, le=100, max_digits=6, decimal_places=2)]
    clause: VisibleText(NAME_MAX)
    basis: VisibleText(LONG_TEXT_MAX)
    appeal_id: Id | None = None
    task_id: Id | None = None


class OrderQuery(Schema):
    status: Text(20) = ""


class FindingQuery(Schema):
    month: Month | None = None


def _reader(request) -> None:
    if not can.reads_supervision(request.user):
        raise Forbidden("无权查看督查督办信息")


def _order_out(request, order) -> dict:
    today = timezone.localdate()
    return {
        "id": order.pk,
        "code": order.code or "",
        "unit": _ref(order.unit),
        "title": order.title,
        "requirement": order.requirement,
        "status": order.status,
        "status_label": order.get_status_display(),
        "due": order.due,
        "due_workdays": order.due_workdays,
        "due_provisional": order.due_provisional,
        "light": selectors.order_light(order, today),
        "appeal_ids": sorted(a.pk for a in order.appeals.all()),
        "task_ids": sorted(t.pk for t in order.tasks.all()),
        "meeting_ids": sorted(m.pk for m in order.meetings.all()),
        "last_report": order.last_report,
        "has_evidence": bool(order.evidence),
        "version": order.version,
        "moves": [m.name for m in ORDER.available(request.user, order, today=today)],
    }


def _order(request, order_id) -> dict:
    return _order_out(request, selectors.order_get_for_user(user=request.user, order_id=order_id))


def _finding_out(f) -> dict:
    return {
        "id": f.pk,
        "unit": _ref(f.unit),
        "month": f.month,
        "source": f.source,
        "points": f.points,
        "clause": f.clause,
        "basis": f.basis,
        "order_id": f.order_id,
        "appeal_id": f.appeal_id,
        "task_id": f.task_id,
    }


@router.get(
    "/lists/{key}",
    response={200: ListOut, **ERRORS},
    summary="督查清单：overdue 超期未办结 / unreported 问题不上报 / stalled 久拖不动（前500条）",
)
def supervision_list(request, key: Text(20)):
    from django.urls import reverse

    _reader(request)
    if key not in selectors.LISTS:
        raise ServiceError("清单应为 overdue、unreported 或 stalled", field="key")
    lst = selectors.supervision_list(user=request.user, key=key)
    items = [
        {
            "kind": "appeal",
            "id": a.pk,
            "code": a.code,
            "title": a.title,
            "unit": _ref(a.lead_unit or a.received_unit) if (a.lead_unit_id or a.received_unit_id) else None,
            "status": a.status,
            "due": a.clock_due,
            "url": reverse("appeals:detail", args=[a.pk]),
        }
        for a in lst.appeals[:500]
    ] + [
        {
            "kind": "task",
            "id": t.pk,
            "code": t.appeal.code,
            "title": t.content[:200],
            "unit": _ref(t.unit),
            "status": t.status,
            "due": t.due,
            "url": reverse("coordination:task_detail", args=[t.pk]),
        }
        for t in lst.tasks[:500]
    ]
    return {"key": key, "total": lst.total(), "items": items}


@router.get(
    "/orders",
    response={200: list[OrderOut], **ERRORS},
    summary="督促整改通知（按用户范围；status: open/red/reported/closed）",
)
def order_list(request, q: Query[OrderQuery]):
    if not (can.reads_supervision(request.user) or can.is_unit_staff(request.user)):
        raise Forbidden("无权查看督促整改通知")
    qs = selectors.order_filter(selectors.orders_for_user(request.user), status=q.status).prefetch_related(
        "appeals", "tasks", "meetings"
    )
    return [_order_out(request, o) for o in qs[:500]]


@router.post("/orders", response={201: OrderOut, **ERRORS}, summary="下发督促整改通知（督查室）")
def order_issue(request, payload: OrderIn):
    order = services.order_issue(actor=request.user, **payload.dict())
    return Status(201, _order(request, order.pk))


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS}, summary="督促整改通知详情")
def order_detail(request, order_id: Id):
    return _order(request, order_id)


@router.post(
    "/orders/{order_id}/moves/{move}",
    response={200: OrderOut, **ERRORS},
    summary="督促整改操作：acknowledge 签收 / report 报整改情况（multipart，含佐证材料）/ verify 核验通过 / return 退回 / fail 认定整改不到位（字段及version）",
    openapi_extra=api_moves.move_body(ORDER),
)
def order_move(request, order_id: Id, move: Text(40)):
    selectors.order_get_for_user(user=request.user, order_id=order_id)
    api_moves.move(request, ORDER, pk=order_id, name=move)
    return _order(request, order_id)


@router.get("/findings", response={200: list[FindingOut], **ERRORS}, summary="督查监督发现（按月）")
def finding_list(request, q: Query[FindingQuery]):
    _reader(request)
    qs = selectors.findings_for_user(request.user)
    if q.month:
        from zhitong.common.pages import month_param

        month = month_param(q.month, None)
        if month is None:
            raise ServiceError("月份不正确", field="month")
        qs = qs.filter(month=month)
    return [_finding_out(f) for f in qs[:500]]


@router.post(
    "/findings", response={201: FindingOut, **ERRORS}, summary="记录督查监督发现（督查室、人大监督）"
)
def finding_record(request, payload: FindingIn):
    finding = services.finding_record(actor=request.user, **payload.dict())
    return Status(201, _finding_out(selectors.finding_get_for_user(user=request.user, finding_id=finding.pk)))


@router.get("/findings/{finding_id}", response={200: FindingOut, **ERRORS}, summary="督查监督发现详情")
def finding_detail(request, finding_id: Id):
    return _finding_out(selectors.finding_get_for_user(user=request.user, finding_id=finding_id))
