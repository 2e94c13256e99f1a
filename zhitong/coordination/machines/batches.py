"""The tables of the monthly escalation batch (seeds/000 二: requests reported by the 10th,
reviewed by the hub, reported to the vice mayor or mayor in charge) and of one escalation
request (提请市领导协调申报, Annex 2) in it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.appeals.choices import EscalationStatus
from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.coordination.models import EscalationRequest
from zhitong.organizations.capabilities import is_city_leader, is_hub

from ..choices import BatchStatus
from ..models import EscalationBatch

HUB = "hub"  # 市发改委审核 (the hub reviews and reports)
LEADER = "leader"  # a city leader (convenes the meeting that coordinates a request)


def _hub(user, obj) -> set[str]:
    return {HUB} if is_hub(user) else set()


def _cutoff_passed(batch, today) -> str | None:
    if today is not None and today <= batch.cutoff:
        return f"{batch.label}批次的申报截止日为{batch.cutoff:%Y-%m-%d}，截止日之后方可开始审核"
    return None


BATCH = Machine(
    kind="escalation_batch",
    model=EscalationBatch,
    noun="批次",
    states=BatchStatus,
    moves=[
        move(
            "start_review",
            _("截止，开始审核"),
            {BatchStatus.OPEN},
            BatchStatus.UNDER_REVIEW,
            {HUB},
            guard=_cutoff_passed,
            description=_("申报截止日（每月10日，遇休息日顺延）之后开始审核"),
            style="primary",
        ),
        move(
            "submit",
            _("报送分管市领导"),
            {BatchStatus.UNDER_REVIEW},
            BatchStatus.SUBMITTED,
            {HUB},
            description=_("全部申报审核（通过或退回）后报送；审核通过的申报报送各自的分管市领导"),
            style="primary",
        ),
    ],
    relations=_hub,
    relation_labels={HUB: "统筹协调专员"},
    audited=("review_started_at", "review_started_by_id", "submitted_at", "submitted_by_id"),
    history=record_state_change,
    stale_message="该批次已被他人处理，请刷新后重试",
    initial=(BatchStatus.OPEN,),
    pk_arg="month",
)


def batch_status_of(req) -> str | None:
    """The status of the request's batch; pages set `req.batch_status` for a whole list."""
    if not hasattr(req, "batch_status"):
        req.batch_status = (
            EscalationBatch.objects.filter(month=req.batch_month).values_list("status", flat=True).first()
        )
    return req.batch_status


def _under_review(req, today) -> str | None:
    if batch_status_of(req) != BatchStatus.UNDER_REVIEW:
        return "该申报所在批次尚未开始审核或已报送，不能审核"
    return None


def _batch_submitted(req, today) -> str | None:
    if batch_status_of(req) != BatchStatus.SUBMITTED:
        return "审核通过的申报随批次一并报送"
    return None


def _has_opinion(req, today) -> str | None:
    from ..models import MeetingItem

    if not MeetingItem.objects.filter(escalation_id=req.pk, opinion_at__isnull=False).exists():
        return "协调会尚未对该申报录入协调意见"
    return None


def _not_reported(req, today) -> str | None:
    if batch_status_of(req) == BatchStatus.SUBMITTED:
        return "所在批次已报送市领导，不能撤回"
    return None


def _request_relations(user, req) -> set[str]:
    rel = _hub(user, req)
    if is_city_leader(user):
        rel.add(LEADER)
    return rel


E = EscalationStatus
ESCALATION = Machine(
    kind="escalation",
    model=EscalationRequest,
    noun="申报",
    states=EscalationStatus,
    fields=[
        Field("leader_id", _("分管市领导"), "user", required=False, help=_("留空则按分管范围确定")),
        Field("note", _("审核意见"), "textarea", required=False),
        Field("reason", _("理由"), "textarea"),
    ],
    moves=[
        move(
            "accept",
            _("审核通过"),
            {E.SUBMITTED, E.ACCEPTED},
            E.ACCEPTED,
            {HUB},
            ("leader_id", "note"),
            guard=_under_review,
            description=_("确定报送的分管市领导：所选领导，否则申报所填领导，否则分管申报单位的领导"),
            style="primary",
        ),
        move(
            "return",
            _("退回"),
            {E.SUBMITTED, E.ACCEPTED},
            E.RETURNED,
            {HUB},
            ("reason",),
            needs_reason=True,
            guard=_under_review,
            description=_("退回后由牵头单位继续办理诉求"),
            style="secondary",
        ),
        move(
            "withdraw",
            _("撤回(申报单位要求)"),
            {E.SUBMITTED, E.ACCEPTED},
            E.WITHDRAWN,
            {HUB},
            ("reason",),
            needs_reason=True,
            guard=_not_reported,
            description=_("批次报送市领导前，应申报单位要求撤回；诉求由牵头单位继续办理"),
            style="secondary",
        ),
        move(
            "send",
            _("报送市领导"),
            {E.ACCEPTED},
            E.SENT_TO_LEADER,
            {HUB},
            guard=_batch_submitted,
            description=_("批次报送时，审核通过的申报报送各自的分管市领导"),
        ),
        move(
            "coordinate",
            _("已召开协调会"),
            {E.SENT_TO_LEADER},
            E.COORDINATED,
            {HUB, LEADER},
            guard=_has_opinion,
            description=_("协调会对该申报的议题录入协调意见时"),
        ),
    ],
    relations=_request_relations,
    relation_labels={HUB: "统筹协调专员", LEADER: "市领导"},
    audited=("batch_month", "leader_id", "review_note", "reviewed_by_id", "reviewed_at"),
    history=record_state_change,
    stale_message="该申报已被他人处理，请刷新后重试",
    initial=(E.SUBMITTED,),
    pk_arg="request_id",
)
