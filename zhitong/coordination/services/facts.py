"""Counting facts for the scorecards (seeds/000 五(二)), recorded where coordination happens:
at the meeting.

Rules
- One meeting about several problems of one project counts as one project problem,
  whichever enterprises raised them (the fact names the project's owner).
- The same project's problem coordinated at several meetings counts once per meeting.
- An enterprise's problems (those not tied to a project) count as one enterprise problem
  per meeting (一企一议).
- A fact credits the unit that reported the problem (MeetingItem.unit; at a county
  principal's meeting, the county): a project whose problems two units reported gives each
  unit its one project problem.
- seeds/000 五(二)1: a county principal's meeting counts only with its minutes or plan
  (会议纪要、会议方案) filed as evidence AND after the hub (市发改委) has certified the unit's
  month (认定每个月协调问题的数量). Its facts are recorded with `needs_certification`; the
  `certify` move of the unit's FactCertification (machines/facts.py) sets `certified_at` on
  those whose meeting has its minutes or plan, and only then do they count
  (`CoordinationFact.objects.counted()`). A fact that appears after the certification (a
  later opinion, minutes filed late) waits until the hub withdraws and renews it.
- seeds/000 五(二)3: exempted problems (不纳入考核: the appeal's exemption approved) are not
  counted; a fact whose problems are all exempted disappears.

When a fact is evaluated: every time an opinion is recorded at a meeting (the problem has
then been coordinated), the meeting's facts are recomputed from its items with opinions;
the approval of an exemption re-evaluates, in its own transaction, every meeting that
coordinated the appeal (the `appeal_exemption_approved` signal, `facts_on_exemption_approved`),
so the counted fact is gone as soon as the exemption is approved; and `facts_evaluate_month`
re-runs the evaluation for every meeting of a month (the month-end job: idempotent, it
changes nothing the approvals have not already done). Re-evaluating keeps each fact that
still stands — and its certification — and only updates what it covers. `evaluated_at`
records the last evaluation; the scorecard reads the counted facts as they stand at its close.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhitong.appeals.choices import ExemptionStatus
from zhitong.common.transitions import lock_rows
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import User

from ..choices import CountedAs
from ..machines.facts import CERTIFICATION
from ..models import CoordinationFact, FactCertification, Meeting, MeetingItem
from ._common import local_date, month_start, next_month, required


def _key(fact: CoordinationFact) -> tuple:
    """What one fact counts (the database's unique constraints say the same, models.py):
    seeds/000 五(二)2 一次协调会一个项目的多个问题按照一个项目问题计入考核 — a unit's
    problems of one project at one meeting, whichever enterprises raised them; 一企一议 —
    a unit's problems of one enterprise not tied to a project."""
    if fact.counted_as == CountedAs.PROJECT_PROBLEM:
        return (fact.counted_as, fact.unit_id, fact.project_id)
    return (fact.counted_as, fact.unit_id, fact.enterprise_id)


def certification_get_or_open(*, unit_id: int, month: date) -> FactCertification:
    """The certification of the unit's month, opened (pending) on first use."""
    cert, _ = FactCertification.objects.get_or_create(unit_id=unit_id, month=month_start(month))
    return cert


def facts_evaluate_meeting(
    *, meeting: Meeting, now: datetime | None = None, exempting: Iterable[int] = ()
) -> list[CoordinationFact]:
    """Recompute the meeting's facts (idempotent: the same items give the same facts).
    `exempting`: appeals whose exemption is being approved in this transaction (read as
    exempted). The caller holds the meeting's row lock (a move of the meeting, the approval
    of an exemption, the month job), so two evaluations of one meeting never interleave."""
    now = now or timezone.now()
    month = month_start(local_date(meeting.held_at))
    # seeds/000 五(二)1: a county principal's meeting counts after the hub's certification.
    needs_certification = meeting.level == LeaderLevel.COUNTY_PRINCIPAL
    items = (
        meeting.items.filter(opinion_at__isnull=False)
        # seeds/000 五(二)3: 经由市发改委牵头审核同意的问题可不纳入考核.
        .exclude(appeal__exemption_status=ExemptionStatus.APPROVED)
        .exclude(appeal_id__in=list(exempting))
        .select_related("appeal__project")
        .order_by("id")
    )
    # key (_key) -> (project, enterprise, appeal ids). A project problem names the
    # project's owner (业主企业) as its enterprise: a project's appeals may come from
    # more than one enterprise (the owner can change), the fact is the project's.
    groups: dict[tuple, tuple[int | None, int, list[int]]] = {}
    for item in items:
        appeal = item.appeal
        if appeal.project_id:
            key = (CountedAs.PROJECT_PROBLEM, item.unit_id, appeal.project_id)
            group = groups.setdefault(key, (appeal.project_id, appeal.project.owner_id, []))
        else:
            key = (CountedAs.ENTERPRISE_PROBLEM, item.unit_id, appeal.enterprise_id)
            group = groups.setdefault(key, (None, appeal.enterprise_id, []))
        group[2].append(appeal.pk)
    with transaction.atomic():
        existing = {_key(f): f for f in lock_rows(CoordinationFact.objects.filter(meeting=meeting))}
        facts, new = [], []
        for key, (project_id, enterprise_id, appeal_ids) in groups.items():
            fact = existing.pop(key, None)
            if fact is None:
                counted_as, unit_id, _ = key
                fact = CoordinationFact(
                    meeting=meeting, unit_id=unit_id, counted_as=counted_as, project_id=project_id
                )
                new.append(fact)
            fact.month, fact.appeal_ids, fact.evaluated_at = month, sorted(appeal_ids), now
            fact.enterprise_id, fact.needs_certification = enterprise_id, needs_certification
            if fact.pk:
                # A fact that still stands keeps its certification.
                fact.save(
                    update_fields=["month", "appeal_ids", "evaluated_at", "enterprise", "needs_certification"]
                )
            facts.append(fact)
        if existing:
            CoordinationFact.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
        CoordinationFact.objects.bulk_create(new)
        if needs_certification:
            for unit_id in sorted({f.unit_id for f in facts}):
                certification_get_or_open(unit_id=unit_id, month=month)
    return facts


def _month_range(month: date) -> tuple[datetime, datetime]:
    month = month_start(month)
    end_month = next_month(month)
    return (
        timezone.make_aware(datetime(month.year, month.month, 1)),
        timezone.make_aware(datetime(end_month.year, end_month.month, 1)),
    )


def facts_evaluate_month(*, month: date, now: datetime | None = None) -> int:
    """The month-end job: re-evaluate every meeting held in `month`, each in its own
    transaction under its row lock; returns the number of facts. Idempotent: run twice, or
    after the approvals that already re-evaluated their meetings, it gives the same facts
    (only `evaluated_at` moves)."""
    now = now or timezone.now()
    start, end = _month_range(month)
    total = 0
    ids = list(
        Meeting.objects.filter(held_at__gte=start, held_at__lt=end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for meeting_id in ids:
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update(of=("self",)).filter(pk=meeting_id).first()
            if meeting is not None:
                total += len(facts_evaluate_meeting(meeting=meeting, now=now))
    return total


def facts_on_exemption_approved(sender, *, appeal, now: datetime, **kwargs) -> dict:
    """Receiver of `zhitong.appeals.signals.appeal_exemption_approved` (connected in apps.py):
    inside the approval's transaction, before the move is recorded, every meeting that gave
    the appeal an opinion is locked (in id order) and re-evaluated without it — the counted
    fact goes at once, not at the month-end job (seeds/000 五(二)3). Returns what changed,
    for the move's history."""
    meeting_ids = (
        MeetingItem.objects.filter(appeal=appeal, opinion_at__isnull=False)
        .values_list("meeting_id", flat=True)
        .distinct()
    )
    before = after = 0
    meetings = lock_rows(Meeting.objects.filter(pk__in=list(meeting_ids)))
    for meeting in meetings:
        before += CoordinationFact.objects.filter(meeting=meeting).count()
        after += len(facts_evaluate_meeting(meeting=meeting, now=now, exempting={appeal.pk}))
    return {"meeting_ids": [m.pk for m in meetings], "facts_removed": before - after}


# ---------------------------------------------------------------------------------------
# The hub's monthly certification (seeds/000 五(二)1)
# ---------------------------------------------------------------------------------------


def _unit_heads(unit_id: int):
    from zhitong.organizations.models import Unit

    unit = Unit.objects.get(pk=unit_id)
    return User.objects.filter(
        unit__path__startswith=unit.path, role__in=[Role.UNIT_HEAD, Role.HANDLER], is_active=True
    )


@CERTIFICATION.service("certify")
def certification_certify(
    *,
    actor: User,
    certification_id: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FactCertification:
    """The hub certifies the unit's month: every fact of a county principal's meeting whose
    minutes or plan are filed counts from now; those without stay out (and are named in
    the move's history)."""
    with CERTIFICATION.moving(
        pk=certification_id, move="certify", actor=actor, expected_version=expected_version, now=now
    ) as step:
        cert, now = step.obj, step.now
        facts = lock_rows(
            CoordinationFact.objects.filter(
                unit_id=cert.unit_id, month=cert.month, needs_certification=True
            ).select_related("meeting")
        )
        newly = [f.pk for f in facts if f.certified_at is None and f.meeting.minutes]
        CoordinationFact.objects.filter(pk__in=newly).update(certified_at=now)
        counted = sum(1 for f in facts if f.certified_at is not None or f.pk in newly)
        missing = sorted({f.meeting_id for f in facts if not f.meeting.minutes})
        cert.certified_at, cert.certified_by, cert.certified_count = now, actor, counted
        note = (note or "").strip()
        step.commit(
            fields=["certified_at", "certified_by", "certified_count"],
            note=note,
            data={"counted": counted, "certified_fact_ids": newly, "meetings_without_evidence": missing},
        )
        step.tell(
            lambda: _unit_heads(cert.unit_id),
            kind="coordination.certified",
            title=f"{cert.label}主要领导协调问题数量已经市发改委认定：{counted}个",
            body=(f"{len(missing)}次协调会未上传会议纪要或方案，未计入。" if missing else "") + note,
        )
    return cert


@CERTIFICATION.service("reopen")
def certification_reopen(
    *,
    actor: User,
    certification_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FactCertification:
    """The hub withdraws the certification (e.g. to take in minutes filed after it): the
    unit's facts of the month that needed it count no more until it is certified again."""
    reason = required(reason, "撤销认定须说明理由", "reason")
    with CERTIFICATION.moving(
        pk=certification_id, move="reopen", actor=actor, expected_version=expected_version, now=now
    ) as step:
        cert = step.obj
        facts = lock_rows(
            CoordinationFact.objects.filter(
                unit_id=cert.unit_id, month=cert.month, needs_certification=True, certified_at__isnull=False
            )
        )
        CoordinationFact.objects.filter(pk__in=[f.pk for f in facts]).update(certified_at=None)
        cert.certified_at, cert.certified_by, cert.certified_count = None, None, 0
        step.commit(
            fields=["certified_at", "certified_by", "certified_count"],
            note=reason,
            data={"uncounted_fact_ids": [f.pk for f in facts]},
        )
    return cert


__all__ = [
    "certification_certify",
    "certification_get_or_open",
    "certification_reopen",
    "facts_evaluate_meeting",
    "facts_evaluate_month",
    "facts_on_exemption_approved",
]
