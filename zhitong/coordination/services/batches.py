"""The monthly escalation batch (seeds/000 二): requests for city-leader coordination
reported by the 10th of a month are reviewed by the hub (市发改委审核) and reported to the
vice mayor or mayor in charge (上报市政府分管副市长、市长协调解决, Annex 2).

The cut-off when the 10th is not a working day
-----------------------------------------------
"每月10日前报送" is a time limit like any statutory one, and a limit that ends on a rest
day runs to the next working day (《民法典》第二百零三条 / 《行政许可法》的期间规定: 期间的
最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日). So the cut-off of month M is
the 10th of M when that is a working day, otherwise the first working day after it, by the
official calendar (adjusted working days 调休 count as working days: 2026-10-10, a
Saturday, is a working day and is itself the cut-off). A unit never loses days to a
holiday: a request received on Sunday 11 January 2026 still joins January's batch, whose
cut-off is Monday 12 January. "By the 10th" includes the cut-off day itself. A request
received after the cut-off joins next month's batch.

The rule itself is deadline arithmetic and lives in `zhitong.workdays.services`
(`monthly_cutoff`, `cutoff_month_for`, `cutoff_window`), which both this module and the
appeals app's `escalation_batch_month` call; `batch_start_review` re-files any request whose
stored `batch_month` disagrees with it, a safety net for rows stored under an older rule.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_noop

from zhitong.appeals.choices import EscalationStatus
from zhitong.audit.services import audit_record
from zhitong.common.transitions import lock_rows
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import User
from zhitong.workdays.services import (
    MONTHLY_CUTOFF_DAY,
    WorkdayResult,
    cutoff_month_for,
    cutoff_window,
    monthly_cutoff,
)

from ..machines.batches import BATCH, ESCALATION
from ..models import EscalationBatch, EscalationRequest
from ._common import Said, month_start, next_month, prev_month, required, said, timeline_note, units_by_ids

CUTOFF_DAY = MONTHLY_CUTOFF_DAY  # seeds/000 二: 每月10日前报送市发改委 (the rule: workdays.services)


def batch_cutoff(month: date) -> WorkdayResult:
    """The last day a request may be received and still join `month`'s batch: the 10th, or
    the next working day when the 10th is a weekend or holiday (module docstring)."""
    return monthly_cutoff(month, CUTOFF_DAY)


def batch_month_for(received: datetime | date) -> date:
    """The batch (first day of its month) a request received at `received` belongs to."""
    return cutoff_month_for(received, CUTOFF_DAY)


def batch_window(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the receipt times that belong to `month`'s batch: from the day after
    the previous cut-off to the end of this cut-off day (Asia/Shanghai)."""
    return cutoff_window(month, CUTOFF_DAY)


def batch_get_or_open(*, month: date) -> EscalationBatch:
    """The batch of `month`, created (open) on first use with its cut-off stored."""
    month = month_start(month)
    batch = EscalationBatch.objects.filter(month=month).first()
    if batch is not None:
        return batch
    cutoff = batch_cutoff(month)
    batch, _ = EscalationBatch.objects.get_or_create(
        month=month, defaults={"cutoff": cutoff.date, "cutoff_provisional": cutoff.provisional}
    )
    return batch


def escalation_file(
    *,
    appeal,
    actor: User,
    now: datetime,
    leader: User | None,
    units_to_coordinate,
    project_name: str,
    basic_situation: str,
    problem: str,
    contact_name: str,
    contact_mobile: str,
) -> EscalationRequest:
    """File the Annex 2 request of an appeal the lead unit escalates, in the batch its
    receipt time falls in (opened if needed). Called by the appeals app's `escalate` move
    through the `appeal_escalated` signal, inside the move's transaction, which has already
    checked the fields and who may escalate; the move records the step on the timeline."""
    month = batch_month_for(now)
    req = EscalationRequest.objects.create(
        appeal=appeal,
        leader=leader,
        reporting_unit_id=appeal.lead_unit_id,
        requested_by=actor,
        received_at=now,
        batch_month=month,
        batch=batch_get_or_open(month=month),
        project_name=project_name,
        basic_situation=basic_situation,
        problem=problem,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
    )
    req.units_to_coordinate.set(units_to_coordinate)
    return req


def on_appeal_escalated(sender, **kwargs) -> EscalationRequest:
    """Receiver of `zhitong.appeals.signals.appeal_escalated` (connected in apps.py)."""
    kwargs.pop("signal", None)
    return escalation_file(**kwargs)


def leaders_in_charge(*, units) -> list[User]:
    """Leaders whose portfolio (分管) holds one of `units` or an ancestor of it, in the
    order of `units` (the reporting unit first), vice mayors before the executive vice mayor
    and the mayor (the 分管 leader is asked first; seeds/000 二: 分管副市长、市长)."""
    rank = {
        LeaderLevel.VICE_MAYOR: 0,
        LeaderLevel.EXECUTIVE_VICE_MAYOR: 1,
        LeaderLevel.MAYOR: 2,
        LeaderLevel.COUNTY_PRINCIPAL: 3,
        "": 4,
    }
    found: list[User] = []
    for unit in units:
        if unit is None:
            continue
        ancestor_ids = [int(x) for x in unit.path.strip("/").split("/") if x]
        # Nearest portfolio first: a leader in charge of the unit itself before one in
        # charge of the city government as a whole.
        depth = {uid: i for i, uid in enumerate(reversed(ancestor_ids))}
        leaders = list(
            User.objects.filter(role=Role.LEADER, is_active=True, portfolio__in=ancestor_ids)
            .prefetch_related("portfolio")
            .distinct()
        )

        def key(leader, depth=depth):
            nearest = min(depth.get(u.pk, 99) for u in leader.portfolio.all())
            return (nearest, rank.get(leader.leader_level, 4), leader.pk)

        for leader in sorted(leaders, key=key):
            if leader not in found:
                found.append(leader)
    return found


def default_leader_for(request: EscalationRequest) -> User | None:
    """The leader in charge of the reporting unit, else of a unit to coordinate."""
    units = [request.reporting_unit, *request.units_to_coordinate.all()]
    leaders = leaders_in_charge(units=units)
    return leaders[0] if leaders else None


@BATCH.service("start_review")
def batch_start_review(
    *, actor: User, month: date, expected_version: int | None = None, now: datetime | None = None
) -> EscalationBatch:
    """The hub closes the batch for review once its cut-off has passed.

    Re-files requests by `batch_month_for` first: the appeals app stores `batch_month` when
    a unit escalates (by this same rule); a row stored under an older rule is moved here,
    with an audit event, before anyone reviews it.
    """
    batch = batch_get_or_open(month=month)
    with BATCH.moving(
        pk=batch.pk, move="start_review", actor=actor, expected_version=expected_version, now=now
    ) as step:
        batch, now = step.obj, step.now
        neighbours = [prev_month(batch.month), batch.month, next_month(batch.month)]
        refiled = 0
        for req in lock_rows(
            EscalationRequest.objects.filter(status=EscalationStatus.SUBMITTED, batch_month__in=neighbours)
        ):
            right = batch_month_for(req.received_at)
            if right != req.batch_month and batch.month in (right, req.batch_month):
                before = {"batch_month": req.batch_month, "version": req.version}
                req.batch_month, req.version = right, req.version + 1
                req.batch = batch_get_or_open(month=right)
                req.save(update_fields=["batch_month", "batch", "version", "updated_at"])
                audit_record(
                    action="escalation.refile",
                    obj=req,
                    actor=actor,
                    before=before,
                    after={"batch_month": right, "version": req.version},
                    now=now,
                )
                refiled += 1
        batch.review_started_at, batch.review_started_by = now, actor
        step.commit(fields=["review_started_at", "review_started_by"], data={"refiled": refiled})
    return batch


def _reviewing(*, request_id, move, actor, expected_version, now):
    """ESCALATION.moving with the request's batch locked and re-read first (the guard asks
    that it is under review)."""
    req = EscalationRequest.objects.filter(pk=request_id).only("batch_month").first()
    if req is not None:
        EscalationBatch.objects.select_for_update(of=("self",)).filter(month=req.batch_month).first()
    return ESCALATION.moving(
        pk=request_id, move=move, actor=actor, expected_version=expected_version, now=now
    )


@ESCALATION.service("accept")
def escalation_accept(
    *,
    actor: User,
    request_id: int,
    leader: User | None = None,
    leader_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> EscalationRequest:
    """The hub accepts a request and names the leader in charge: the hub's choice, else the
    leader the unit named on its form, else the leader whose portfolio holds the reporting
    unit or a unit to coordinate."""
    if leader is None and leader_id not in (None, ""):
        leader = User.objects.filter(pk=leader_id, is_active=True).first()
        if leader is None:
            raise ServiceError("所选人员不存在", field="leader_id")
    with _reviewing(
        request_id=request_id, move="accept", actor=actor, expected_version=expected_version, now=now
    ) as step:
        req, now = step.obj, step.now
        leader = leader or req.leader or default_leader_for(req)
        if leader is None:
            raise ServiceError("没有分管该单位的市领导，请选择分管市领导", field="leader_id")
        if leader.role != Role.LEADER or not leader.is_active:
            raise ServiceError("所选人员不是市领导", field="leader_id")
        req.leader, req.review_note = leader, (note or "").strip()
        req.reviewed_by, req.reviewed_at = actor, now
        step.commit(fields=["leader", "review_note", "reviewed_by", "reviewed_at"], note=req.review_note)
        timeline_note(
            appeal=req.appeal,
            actor=actor,
            action="coordination.escalation_accept",
            note=said(
                gettext_noop("提请市领导协调申报审核通过，拟报%(leader)s协调"), leader=leader.display_name
            )
            if not req.review_note
            else said(
                gettext_noop("提请市领导协调申报审核通过，拟报%(leader)s协调：%(note)s"),
                leader=leader.display_name,
                note=req.review_note,
            ),
            data={
                "escalation_id": req.pk,
                "leader_id": leader.pk,
                "batch_month": req.batch_month.isoformat(),
            },
            now=now,
        )
    return req


@ESCALATION.service("return")
def escalation_return(
    *,
    actor: User,
    request_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> EscalationRequest:
    """The hub returns a request with a reason; the lead unit handles the appeal on."""
    reason = required(reason, "退回须说明理由", "reason")
    with _reviewing(
        request_id=request_id, move="return", actor=actor, expected_version=expected_version, now=now
    ) as step:
        req, now = step.obj, step.now
        req.review_note, req.reviewed_by, req.reviewed_at = reason, actor, now
        step.commit(fields=["review_note", "reviewed_by", "reviewed_at"], note=reason)
        _hand_back(
            step,
            said(gettext_noop("提请市领导协调申报被退回：%(reason)s"), reason=reason),
            resumed=f"申报退回：{reason}",
        )
        step.tell(
            [req.requested_by],
            kind="escalation_returned",
            title=f"提请市领导协调申报被退回：{req.project_name}",
            body=reason,
            url=f"/appeals/{req.appeal_id}/",
        )
    return req


@ESCALATION.service("withdraw")
def escalation_withdraw(
    *,
    actor: User,
    request_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> EscalationRequest:
    """The hub withdraws a request at its reporting unit's asking, before the batch is
    reported; the lead unit handles the appeal on."""
    reason = required(reason, "撤回须说明理由", "reason")
    with ESCALATION.moving(
        pk=request_id, move="withdraw", actor=actor, expected_version=expected_version, now=now
    ) as step:
        req, now = step.obj, step.now
        step.commit(note=reason)
        _hand_back(
            step,
            said(gettext_noop("提请市领导协调申报已撤回：%(reason)s"), reason=reason),
            resumed=f"申报撤回：{reason}",
        )
    return req


def _hand_back(step, note: Said, *, resumed: str) -> None:
    """A request ended by the move of `step` (return, withdraw): the step on the appeal's
    timeline (`note`), and an appeal waiting in 提请市领导协调 goes back to its lead unit
    (the appeals app's `resume_handling` move, with `resumed`; only its service changes an
    appeal's status)."""
    from zhitong.appeals import services as appeal_services
    from zhitong.appeals.choices import Status

    req, actor, now = step.obj, step.actor, step.now
    appeal = req.appeal
    timeline_note(
        appeal=appeal,
        actor=actor,
        action=f"coordination.escalation_{step.move.name}",
        note=note,
        data={"escalation_id": req.pk},
        now=now,
    )
    appeal.refresh_from_db(fields=["status", "version"])
    if appeal.status != Status.ESCALATED:
        return
    appeal_services.appeal_resume_handling(appeal_id=appeal.pk, actor=actor, note=resumed, now=now)


@ESCALATION.service("send")
def escalation_send(
    *, actor: User, request_id: int, expected_version: int | None = None, now: datetime | None = None
) -> EscalationRequest:
    """An accepted request goes to its leader with its submitted batch (`batch_submit`)."""
    with ESCALATION.moving(
        pk=request_id, move="send", actor=actor, expected_version=expected_version, now=now
    ) as step:
        req = step.obj
        step.commit()
        timeline_note(
            appeal=req.appeal,
            actor=actor,
            action="coordination.escalation_send",
            note=said(
                gettext_noop("已随%(year)s年%(month)s月批次报送%(leader)s协调"),
                year=req.batch_month.year,
                month=req.batch_month.month,
                leader=req.leader.display_name,
            ),
            data={"escalation_id": req.pk, "leader_id": req.leader_id},
            now=step.now,
        )
    return req


@ESCALATION.service("coordinate")
def escalation_coordinate(
    *, actor: User, request_id: int, expected_version: int | None = None, now: datetime | None = None
) -> EscalationRequest:
    """A meeting recorded its opinion on the request (`meeting_record_opinion`)."""
    return ESCALATION.perform(
        pk=request_id, move="coordinate", actor=actor, expected_version=expected_version, now=now
    )


@BATCH.service("submit")
def batch_submit(
    *, actor: User, month: date, expected_version: int | None = None, now: datetime | None = None
) -> EscalationBatch:
    """Report the batch to the leaders: every request decided, the accepted ones go to
    their leader (each leader is told once, with the count)."""
    batch = batch_get_or_open(month=month)
    with BATCH.moving(
        pk=batch.pk, move="submit", actor=actor, expected_version=expected_version, now=now
    ) as step:
        batch, now = step.obj, step.now
        # Every member locked at once, in id order (the kernel's rule for several rows);
        # each accepted one is then sent in that order.
        members = lock_rows(EscalationRequest.objects.filter(batch_month=batch.month))
        pending = sum(1 for r in members if r.status == EscalationStatus.SUBMITTED)
        if pending:
            raise ConflictError(f"还有{pending}件申报未审核（通过或退回），不能报送")
        accepted = [r.pk for r in members if r.status == EscalationStatus.ACCEPTED]
        batch.submitted_at, batch.submitted_by = now, actor
        step.commit(fields=["submitted_at", "submitted_by"], data={"sent": len(accepted)})
        per_leader: dict[int, list[EscalationRequest]] = {}
        for pk in accepted:
            req = escalation_send(actor=actor, request_id=pk, now=now)
            per_leader.setdefault(req.leader_id, []).append(req)
        for reqs in per_leader.values():
            step.tell(
                [reqs[0].leader],
                kind="escalation_batch",
                title=f"{batch.label}提请市领导协调问题{len(reqs)}件待协调",
                url="/coordination/my-batch/",
                dedupe_key=f"batch:{batch.month.isoformat()}",
            )
    return batch


__all__ = [
    "CUTOFF_DAY",
    "batch_cutoff",
    "batch_get_or_open",
    "batch_month_for",
    "batch_start_review",
    "batch_submit",
    "batch_window",
    "default_leader_for",
    "escalation_accept",
    "escalation_coordinate",
    "escalation_file",
    "escalation_return",
    "escalation_send",
    "escalation_withdraw",
    "leaders_in_charge",
    "units_by_ids",
]
