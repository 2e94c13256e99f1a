"""/api/v1/coordination — the monthly escalation batch (seeds/000 二, Annex 2)."""

from __future__ import annotations

from django.utils import timezone

from zhitong.common.errors import Forbidden
from zhitong.organizations.choices import Role

from .. import selectors, services
from ..schemas import ReasonIn
from ..schemas.batches import AcceptIn, BatchDetailOut, BatchOut, EscalationOut, batch_out, escalation_out
from ._common import ERRORS, active_user, parse_month, require_hub, router


@router.get("/batches", response={200: list[BatchOut], **ERRORS}, summary="提请市领导协调批次列表")
def batch_list(request):
    require_hub(request)
    return [
        batch_out(r.batch, total=r.total, pending=r.pending)
        for r in selectors.batch_list(today=timezone.localdate())
    ]


def _batch_detail(month) -> dict:
    batch = selectors.batch_for_month(month)
    reqs = list(selectors.batch_requests(month=month))
    return batch_out(batch, total=len(reqs), requests=[escalation_out(r) for r in reqs])


@router.get("/batches/{month}", response={200: BatchDetailOut, **ERRORS}, summary="批次详情（含附件2各项）")
def batch_detail(request, month: str):
    require_hub(request)
    return _batch_detail(parse_month(month))


@router.post(
    "/batches/{month}/start-review", response={200: BatchDetailOut, **ERRORS}, summary="截止后开始审核"
)
def batch_start_review(request, month: str):
    m = parse_month(month)
    services.batch_start_review(actor=request.user, month=m)
    return _batch_detail(m)


@router.post("/batches/{month}/submit", response={200: BatchDetailOut, **ERRORS}, summary="报送分管市领导")
def batch_submit(request, month: str):
    m = parse_month(month)
    services.batch_submit(actor=request.user, month=m)
    return _batch_detail(m)


@router.post("/requests/{request_id}/accept", response={200: EscalationOut, **ERRORS}, summary="审核通过")
def request_accept(request, request_id: int, body: AcceptIn):
    selectors.escalation_get_for_user(user=request.user, request_id=request_id)
    req = services.escalation_accept(
        actor=request.user,
        request_id=request_id,
        leader=active_user(body.leader_id, "leader_id"),
        note=body.note,
    )
    return escalation_out(req)


@router.post(
    "/requests/{request_id}/return", response={200: EscalationOut, **ERRORS}, summary="退回（须说明理由）"
)
def request_return(request, request_id: int, body: ReasonIn):
    selectors.escalation_get_for_user(user=request.user, request_id=request_id)
    return escalation_out(
        services.escalation_return(actor=request.user, request_id=request_id, reason=body.reason)
    )


@router.get("/my-batch", response={200: list[EscalationOut], **ERRORS}, summary="报我协调的问题（市领导）")
def my_batch(request):
    if request.user.role != Role.LEADER:
        raise Forbidden("只有市领导可以查看报其协调的问题")
    return [escalation_out(r) for _, reqs in selectors.leader_batch(user=request.user) for r in reqs]
