"""The monthly scorecard of the last complete month (`assessment.scorecards.build_month`,
what an open month's page shows and the month close freezes), in the two states a city
meets it in, against the raw SQL aggregates of the same rules.

- **cold**: no month closed, so the early-warning streak computes the three months before
  live as well (a city's first months on the platform, or a generated data set);
- **running**: the three months before are closed, as in a working city (each month is
  closed by the 10th, seeds/000 二): the streak reads their snapshots and the adjustments
  check them (docs/assessment.md, "Adjustments"), with the open appeals saved since the
  closes, as a day's work saves them (so the check is the one a working city runs, whatever
  the data set's age). Those three month closes are timed too
  (`month close` rows). Everything runs in one transaction that is rolled back: the data set
  is left as it was.

The raw SQL baseline: per lead unit, the month's four lists counted by GROUP BY — the
appeals verified in the month (解决), whose sign-for deadline (响应率) or handling deadline
(解决率) falls in it, and its ratings (满意率) — with no lists, labels or ownership."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..stats import Row, median, p95, ratio

RAW = [
    "SELECT lead_unit_id, COUNT(*), SUM(CASE WHEN resolved_on_time THEN 1 ELSE 0 END) FROM appeals_appeal "
    "WHERE verified_at >= %(start)s AND verified_at < %(end)s AND status <> 'merged' GROUP BY lead_unit_id",
    "SELECT lead_unit_id, COUNT(*), COUNT(signed_at) FROM appeals_appeal "
    "WHERE sign_due >= %(first)s AND sign_due <= %(last)s AND status <> 'merged' GROUP BY lead_unit_id",
    "SELECT lead_unit_id, COUNT(*) FROM appeals_appeal "
    "WHERE handling_due >= %(first)s AND handling_due <= %(last)s AND status <> 'merged' GROUP BY lead_unit_id",
    "SELECT data->>'lead_unit_id', COUNT(*) FROM appeals_transition "
    "WHERE action = 'rate' AND at >= %(start)s AND at < %(end)s GROUP BY 1",
]


def _time_build(month, today, runs):
    from zhitong.assessment.scorecards import build_month

    build_month(month=month, today=today)  # warm
    times, queries, card = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            card = build_month(month=month, today=today)
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    return times, queries, card


def last_month():
    from zhitong.assessment import counting

    return counting.month_start(timezone.localdate().replace(day=1) - timedelta(days=1))


def months_before(month, n: int = 3) -> list:
    from zhitong.assessment import counting

    out = [counting.prev_month(month)]
    while len(out) < n:
        out.append(counting.prev_month(out[-1]))
    return out


def run(*, runs: int = 5, **_) -> list[Row]:
    from zhitong.appeals.choices import OPEN_STATUSES
    from zhitong.appeals.models import Appeal
    from zhitong.assessment import counting
    from zhitong.assessment.choices import MonthStatus
    from zhitong.assessment.models import AssessmentMonth
    from zhitong.assessment.services import month_close_by_label

    today = timezone.localdate()
    month = last_month()
    start, end = counting.month_bounds(month)
    params = {"start": start, "end": end, "first": month, "last": counting.month_end(month)}
    raw = []
    with connection.cursor() as cur:
        for i in range(runs + 1):
            t0 = time.perf_counter()
            for sql in RAW:
                cur.execute(sql, params)
                cur.fetchall()
            if i:
                raw.append((time.perf_counter() - t0) * 1000)
    raw_ms = median(raw)
    rows: list[Row] = []

    def card_row(name, times, queries, card, note):
        units = sum(len(g["rows"]) for g in card["groups"].values())
        # The objects the figures count (each listed on demand, none carried by the rows).
        items = sum(v for g in card["groups"].values() for r in g["rows"] for v in r["counts"].values())
        rows.append(
            Row(
                "scorecard",
                name,
                median(times),
                p95(times),
                queries,
                "raw SQL aggregates",
                ratio(median(times), raw_ms),
                f"{units} unit rows, {items:,} counted objects; {note}; raw {raw_ms:.1f} ms",
            )
        )

    times, queries, card = _time_build(month, today, runs)
    card_row(f"build_month {month:%Y-%m}, cold", times, queries, card, "3 months before computed live")
    with transaction.atomic():
        before = months_before(month)
        closed = set(
            AssessmentMonth.objects.filter(month__in=before, status=MonthStatus.CLOSED).values_list(
                "month", flat=True
            )
        )
        for m in reversed(before):
            if m in closed:
                continue
            t0 = time.perf_counter()
            month_close_by_label(actor=None, month=m, note="bench (rolled back)")
            ms = (time.perf_counter() - t0) * 1000
            rows.append(Row("scorecard", f"month close {m:%Y-%m}", ms, ms, None, "", None, "rolled back"))
        # A working city saves appeals every day after a close: the open ones are worked on.
        # Without this, a data set generated more than CHANGED_MARGIN before the bench has
        # nothing saved since the closes, and the adjustments' check is skipped as it would be
        # in a city where no one worked since the close (faster than any real month).
        touched = Appeal.objects.filter(status__in=OPEN_STATUSES).update(updated_at=timezone.now())
        times, queries, card = _time_build(month, today, runs)
        card_row(
            f"build_month {month:%Y-%m}, running",
            times,
            queries,
            card,
            f"3 months before closed, {touched:,} open appeals saved since",
        )
        transaction.set_rollback(True)  # the data set is left as it was
    return rows
