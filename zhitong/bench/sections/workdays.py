"""One million working-day deadline computations (`workdays.services.add_workdays`, the
function every stored deadline goes through), against a bisect over a precomputed list of
working days (bench/generate/calendar.py: the lower bound of what a calendar lookup costs)."""

from __future__ import annotations

import time
from datetime import date, timedelta

from ..generate.calendar import FastCalendar
from ..stats import Row


def run(*, n: int = 1_000_000, **_) -> list[Row]:
    from zhitong.workdays.services import add_workdays

    start = date(2025, 1, 1)
    starts = [start + timedelta(days=i % 700) for i in range(1000)]
    limits = [1, 2, 3, 5, 7, 10, 15, 20]
    t0 = time.perf_counter()
    for i in range(n):
        add_workdays(starts[i % 1000], limits[i % 8])
    service = time.perf_counter() - t0
    cal = FastCalendar(start - timedelta(days=10), date(2027, 12, 31))
    t0 = time.perf_counter()
    for i in range(n):
        cal.add(starts[i % 1000], limits[i % 8])
    fast = time.perf_counter() - t0
    return [
        Row(
            "workdays",
            f"add_workdays × {n:,} (total s)",
            service,
            None,
            0,
            "bisect over working days",
            service / fast if fast else None,
            f"{service / n * 1e6:.2f} µs each; bisect {fast:.2f} s",
        ),
    ]
