"""The appeal clock's periodic job and the re-timing after a calendar change.

`run_appeal_clock` (Celery beat via tasks.py, or `zhitong appeal_clock`) sends the yellow
reminders and red overdue notices, reminds enterprises to rate and closes the appeals not
rated in time — through the services. `appeal_clock_recompute` re-times the stored
deadlines of open appeals after the working-day calendar changed (`on_calendar_changed`,
connected to `workdays.signals.calendar_changed` in apps.py). The arithmetic itself is in
deadlines.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhitong.common.errors import ConflictError

from . import notices, services
from .choices import OPEN_STATUSES, Light, Status
from .deadlines import DEADLINE_FIELDS, HANDLING_ANCHORS, light_q, local_date, restore_deadlines
from .models import Appeal, Cooperation

logger = logging.getLogger(__name__)

_HISTORY_ACTIONS = (*HANDLING_ANCHORS, "approve_extension")


@dataclass
class ClockReport:
    yellow: int = 0
    red: int = 0
    cooperation_overdue: int = 0
    rating_reminders: int = 0
    closed_not_rated: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"临期提醒 {self.yellow}，超期通知 {self.red}，配合超期 {self.cooperation_overdue}，"
            f"评价提醒 {self.rating_reminders}，未评价关闭 {self.closed_not_rated}"
        )


def run_appeal_clock(*, now: datetime | None = None) -> ClockReport:
    """Send yellow reminders and red overdue notices, remind enterprises to rate, and close
    appeals not rated in time. Idempotent: every notice carries a dedupe key made of the
    appeal, the state and the deadline, so a second run (or two workers at once) sends
    nothing new; the not-rated close goes through the service, which re-checks the state
    on the locked row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ClockReport()
    # The lights' own rule (light_q) leaves out the rating clock, handled further down.
    open_qs = Appeal.objects.filter(clock_due__isnull=False)

    # Yellow: due today or later, yellow from today or earlier (index on clock_yellow_from).
    for appeal in open_qs.filter(light_q(Light.YELLOW, today)).select_related("category"):
        report.yellow += notices.notify_clock(appeal=appeal, light=Light.YELLOW, now=now)
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
    """Re-time the stored deadlines of open appeals after the working-day calendar of
    `years` changed (a CSV import, a day set or cleared); return how many changed.

    Candidates: every open appeal whose deadlines are provisional, and every open appeal
    with a deadline on or after 1 January of the first year that was received before the
    end of the last (its working-day count may walk over a changed day). Rows are locked
    while recomputed, so a concurrent move either finishes first or waits; the version is
    not bumped (nobody's open form becomes stale because a holiday was added). One audit
    event records the whole run, if anything changed."""
    from zhitong.audit.services import audit_record

    from .models import Category, Transition

    years = sorted({int(y) for y in years or ()})
    if not years:
        return 0
    now = now or timezone.now()
    first = date(years[0], 1, 1)
    after_last = _local_midnight(date(years[-1] + 1, 1, 1))
    in_years = Q(received_at__lt=after_last) & (
        Q(clock_due__gte=first)
        | Q(sign_due__gte=first)
        | Q(handling_due__gte=first)
        | Q(legal_due__gte=first)
    )
    with transaction.atomic():
        appeals = list(
            Appeal.objects.select_for_update()
            .filter(Q(status__in=OPEN_STATUSES) & (Q(clock_provisional=True) | in_years))
            .order_by("pk")
        )
        categories = Category.objects.in_bulk({a.category_id for a in appeals})
        history: dict[int, list[dict]] = {a.pk: [] for a in appeals}
        rows = (
            Transition.objects.filter(appeal_id__in=list(history), action__in=_HISTORY_ACTIONS)
            .order_by("appeal_id", "at", "id")
            .values("appeal_id", "action", "at", "data")
        )
        for row in rows:
            row["data"] = row["data"] or {}
            history[row["appeal_id"]].append(row)
        changed, before, after = [], {}, {}
        for appeal in appeals:
            appeal.category = categories[appeal.category_id]
            old = {name: getattr(appeal, name) for name in DEADLINE_FIELDS}
            names = restore_deadlines(appeal, history[appeal.pk])
            if names:
                changed.append(appeal)
                before[appeal.code] = {n: _jsonable(old[n]) for n in names}
                after[appeal.code] = {n: _jsonable(getattr(appeal, n)) for n in names}
        if changed:
            Appeal.objects.bulk_update(changed, DEADLINE_FIELDS, batch_size=500)
            # No change, no event: a calendar re-seed on an empty database (post_migrate
            # after a flush) leaves the log as it was.
            audit_record(
                action="appeal.clock_recomputed",
                object_type="appeals.appeal",
                object_id="",
                before=before,
                after={"years": years, "examined": len(appeals), "count": len(changed), "appeals": after},
                now=now,
            )
    logger.info("calendar %s: %d of %d open appeals re-timed", years, len(changed), len(appeals))
    return len(changed)


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def on_calendar_changed(sender=None, years=(), **kwargs) -> None:
    """Receiver of `workdays.signals.calendar_changed` (sent after the change commits).
    The calendar change itself stands whatever happens here, so a failure is logged, not
    raised into the admin's request; `zhitong appeal_clock --recompute YEAR` repeats it."""
    try:
        appeal_clock_recompute(years=years)
    except Exception:
        logger.exception("re-timing appeal deadlines after the calendar change of %s failed", years)
