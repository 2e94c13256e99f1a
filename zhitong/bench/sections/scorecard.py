"""The monthly scorecard of the last complete month, computed live (`assessment.scorecards.
build_month`, what an open month's page and the month close compute), against one raw SQL
aggregate of the same month's appeals per lead unit (received, resolved on time, rated)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..stats import Row, median, p95, ratio

RAW = (
    "SELECT lead_unit_id, COUNT(*), SUM(CASE WHEN resolved_on_time THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM appeals_appeal WHERE received_at >= %s AND received_at < %s AND status <> 'merged' GROUP BY lead_unit_id"
)


def run(*, runs: int = 5, **_) -> list[Row]:
    from zhitong.assessment import counting
    from zhitong.assessment.scorecards import build_month

    today = timezone.localdate()
    month = counting.month_start(today.replace(day=1) - timedelta(days=1))
    times, queries = [], 0
    build_month(month=month, today=today)  # warm
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            card = build_month(month=month, today=today)
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    start = timezone.make_aware(timezone.datetime.combine(month, timezone.datetime.min.time()))
    end = timezone.make_aware(
        timezone.datetime.combine(counting.month_end(month) + timedelta(days=1), timezone.datetime.min.time())
    )
    raw = []
    with connection.cursor() as cur:
        for i in range(runs + 1):
            t0 = time.perf_counter()
            cur.execute(RAW, [start, end])
            cur.fetchall()
            if i:
                raw.append((time.perf_counter() - t0) * 1000)
    units = sum(len(g["rows"]) for g in card["groups"].values())
    return [
        Row(
            "scorecard",
            f"build_month {month:%Y-%m}",
            median(times),
            p95(times),
            queries,
            "raw SQL aggregate",
            ratio(median(times), median(raw)),
            f"{units} unit rows; raw {median(raw):.1f} ms",
        )
    ]
