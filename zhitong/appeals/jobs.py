"""The appeal clock's periodic job and the re-timing after a calendar change.

`run_appeal_clock` (Celery beat via tasks.py, or `zhitong appeal_clock`) lapses the
extension requests not decided before their deadline, sends the yellow reminders, due-today
and red overdue notices (the message hub holds repeats for each user's daily digest:
zhitong/notifications), reminds enterprises to rate and closes the appeals not rated in
time — through the services. `appeal_clock_recompute` repeats by hand the
re-timing a calendar change does itself (retiming.py). The arithmetic is in deadlines.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from zhitong.core.errors import ConflictError

from . import notices, services
from .choices import OPEN_STATUSES, Light, Status
from .deadlines import HANDLING_ANCHORS, light_q, local_date
from .machine import ACTIVE_HANDLING
from .models import Appeal, Cooperation

logger = logging.getLogger(__name__)

_HISTORY_ACTIONS = (*HANDLING_ANCHORS, "approve_extension")


@dataclass
class ClockReport:
    yellow: int = 0
    due_today: int = 0
    red: int = 0
    cooperation_overdue: int = 0
    rating_reminders: int = 0
    closed_not_rated: int = 0
    extensions_lapsed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"临期提醒 {self.yellow}，今日到期 {self.due_today}，超期通知 {self.red}，"
            f"配合超期 {self.cooperation_overdue}，评价提醒 {self.rating_reminders}，未评价关闭 {self.closed_not_rated}，"
            f"延期申请失效 {self.extensions_lapsed}"
        )


def run_appeal_clock(*, now: datetime | None = None) -> ClockReport:
    """Send yellow reminders, due-today and red overdue notices, remind enterprises to rate,
    and close appeals not rated in time. Idempotent: every notice carries a dedupe key made of the
    appeal, the state and the deadline, so a second run (or two workers at once) sends
    nothing new; the not-rated close goes through the service, which re-checks the state
    on the locked row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ClockReport()
    # seeds/003 六.3: a request still pending after its deadline's last day has lapsed; the
    # move records it (first, so the overdue notice below finds no request waiting).
    for appeal_id in Appeal.objects.filter(
        status__in=ACTIVE_HANDLING, extension_requested_due__isnull=False, handling_due__lt=today
    ).values_list("pk", flat=True):
        try:
            services.appeal_lapse_extension(appeal_id=appeal_id, now=now)
            report.extensions_lapsed += 1
        except ConflictError as exc:  # decided or moved on meanwhile: nothing to do
            report.errors.append(f"{appeal_id}: {exc.message}")
    # The lights' own rule (light_q) leaves out the rating clock, handled further down.
    open_qs = Appeal.objects.filter(clock_due__isnull=False)

    # Yellow: due today or later, yellow from today or earlier (index on clock_yellow_from).
    for appeal in open_qs.filter(light_q(Light.YELLOW, today)).select_related("category"):
        report.yellow += notices.notify_clock(appeal=appeal, light=Light.YELLOW, now=now)
    for appeal in open_qs.filter(light_q(Light.YELLOW, today), clock_due=today).select_related("category"):
        report.due_today += notices.notify_due_today(appeal=appeal, now=now)
    for appeal in open_qs.filter(light_q(Light.RED, today)).select_related("category"):
        report.red += notices.notify_clock(appeal=appeal, light=Light.RED, now=now)

    for coop in Cooperation.objects.filter(
        answered_at__isnull=True, due__lt=today, appeal__status__in=OPEN_STATUSES
    ).select_related("appeal", "unit"):
        report.cooperation_overdue += notices.notify_cooperation_overdue(cooperation=coop, now=now)

    # Rating: one reminder once the rating light turns yellow (or later, if the job was
    # down); the close comes only after the 10 working days AND on a later day than the
    # reminder, so the enterprise always had its one reminder.
    verified = Appeal.objects.filter(status=Status.VERIFIED, clock_due__isnull=False)
    for appeal in verified.filter(rating_reminded_at__isnull=True, clock_yellow_from__lte=today):
        report.rating_reminders += services.appeal_remind_rating(appeal_id=appeal.pk, now=now)
    for appeal_id in verified.filter(clock_due__lt=today, rating_reminded_at__isnull=False).values_list(
        "pk", flat=True
    ):
        appeal = Appeal.objects.only("rating_reminded_at").get(pk=appeal_id)
        if local_date(appeal.rating_reminded_at) >= today:
            continue
        try:
            services.appeal_close_not_rated(appeal_id=appeal_id, now=now)
            report.closed_not_rated += 1
        except ConflictError as exc:  # rated or closed meanwhile: nothing to do
            report.errors.append(f"{appeal_id}: {exc.message}")
    return report


def _local_midnight(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def appeal_clock_recompute(*, years, now: datetime | None = None) -> int:
    """Re-time the stored deadlines of open appeals as if the working-day calendar of
    `years` had just changed; return how many appeals changed. A calendar change does this
    itself, for every registered deadline, in its own transaction (appeals/retiming.py,
    workdays/deadlines.py); this is the manual repeat (`zhitong appeal_clock --recompute`).

    Rows are locked while recomputed, so a concurrent move either finishes first or waits;
    the version is not bumped (nobody's open form becomes stale because a holiday was
    added). Each change is a DeadlineShift row; one audit event records the run."""
    from zhitong.workdays.deadlines import retime

    result = retime(years=years, only=["appeals.appeal"], now=now)
    count = result.moved.get("appeals.appeal", 0) + result.confirmed.get("appeals.appeal", 0)
    logger.info("calendar %s: %d open appeals re-timed", sorted(years or ()), count)
    return count
