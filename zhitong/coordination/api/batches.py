"""/api/v1/coordination — the monthly escalation batch (seeds/000 二, Annex 2)."""

from __future__ import annotations

from django.utils import timezone

from zhitong.core.errors import Forbidden
from zhitong.core.fields import Id, Month, Text
from zhitong.organizations.choices import Role

from .. import selectors
from ..machines.batches import BATCH, ESCALATION
from ..schemas.batches import BatchDetailOut, BatchOut, EscalationOut, batch_out, escalation_out
from ._common import ERRORS, move_body, parse_month, require_hub, router
from ._common import move as perform_move


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
def batch_detail(request, month: Month):
    require_hub(request)
    return _batch_detail(parse_month(month))


@router.post(
    "/batches/{month}/moves/{move}",
    response={200: BatchDetailOut, **ERRORS},
    summary="批次操作：start_review 截止后开始审核 / submit 报送分管市领导（version）",
    openapi_extra=move_body(BATCH),
)
def batch_move(request, month: Month, move: Text(40)):
    require_hub(request)
    m = parse_month(month)
    perform_move(request, BATCH, pk=m, name=move)
    return _batch_detail(m)


@router.post(
    "/requests/{request_id}/moves/{move}",
    response={200: EscalationOut, **ERRORS},
    summary="申报操作：accept 审核通过(leader_id, note) / return 退回(reason)（version）",
    openapi_extra=move_body(ESCALATION),
)
def request_move(request, request_id: Id, move: Text(40)):
    selectors.escalation_get_for_user(user=request.user, request_id=request_id)
    return escalation_out(perform_move(request, ESCALATION, pk=request_id, name=move))


@router.get("/my-batch", response={200: list[EscalationOut], **ERRORS}, summary="报我协调的问题（市领导）")
def my_batch(request):
    if request.user.role != Role.LEADER:
        raise Forbidden("只有市领导可以查看报其协调的问题")
    return [escalation_out(r) for _, reqs in selectors.leader_batch(user=request.user) for r in reqs]
