"""Counting facts for the scorecards (seeds/000 五(二)2), recorded where coordination
happens: at the meeting.

Rules
- One meeting about several problems of one project counts as one project problem.
- The same project's problem coordinated at several meetings counts once per meeting.
- An enterprise's problems (those not tied to a project) count as one enterprise problem
  per meeting (一企一议).
- A fact credits the unit that reported the problem (MeetingItem.unit): a project whose
  problems two units reported gives each unit its one project problem.
- Exempted problems (不纳入考核, seeds/000 五(二)3: the appeal's exemption approved) are not
  counted; a fact whose problems are all exempted disappears.

When a fact is evaluated: every time an opinion is recorded at a meeting (the problem has
then been coordinated), the meeting's facts are recomputed from its items with opinions,
reading each appeal's exemption status at that moment; and `facts_evaluate_month` re-runs
the evaluation for every meeting of a month, which the month close of the scorecards
calls so that an exemption approved later in the month is respected. `evaluated_at`
records the last evaluation; the scorecard reads the facts as they stand at its close.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhitong.appeals.choices import ExemptionStatus

from ..choices import CountedAs
from ..models import CoordinationFact, Meeting
from ._common import local_date, month_start, next_month


def facts_evaluate_meeting(*, meeting: Meeting, now: datetime | None = None) -> list[CoordinationFact]:
    """Recompute the meeting's facts (idempotent: the same items give the same facts)."""
    now = now or timezone.now()
    month = month_start(local_date(meeting.held_at))
    groups: dict[tuple, list[int]] = {}
    items = (
        meeting.items.filter(opinion_at__isnull=False)
        .exclude(appeal__exemption_status=ExemptionStatus.APPROVED)
        .select_related("appeal")
        .order_by("id")
    )
    for item in items:
        appeal = item.appeal
        if appeal.project_id:
            key = (CountedAs.PROJECT_PROBLEM, item.unit_id, appeal.project_id, appeal.enterprise_id)
        else:
            key = (CountedAs.ENTERPRISE_PROBLEM, item.unit_id, None, appeal.enterprise_id)
        groups.setdefault(key, []).append(appeal.pk)
    with transaction.atomic():
        CoordinationFact.objects.filter(meeting=meeting).delete()
        facts = [
            CoordinationFact(
                meeting=meeting,
                unit_id=unit_id,
                month=month,
                counted_as=counted_as,
                project_id=project_id,
                enterprise_id=enterprise_id,
                appeal_ids=sorted(appeal_ids),
                evaluated_at=now,
            )
            for (counted_as, unit_id, project_id, enterprise_id), appeal_ids in groups.items()
        ]
        CoordinationFact.objects.bulk_create(facts)
    return facts


def facts_evaluate_month(*, month: date, now: datetime | None = None) -> int:
    """Re-evaluate every meeting held in `month`; returns the number of facts."""
    now = now or timezone.now()
    month = month_start(month)
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    end_month = next_month(month)
    end = timezone.make_aware(datetime(end_month.year, end_month.month, 1))
    total = 0
    for meeting in Meeting.objects.filter(held_at__gte=start, held_at__lt=end):
        total += len(facts_evaluate_meeting(meeting=meeting, now=now))
    return total


__all__ = ["facts_evaluate_meeting", "facts_evaluate_month"]
