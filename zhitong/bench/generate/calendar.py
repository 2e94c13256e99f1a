"""Working-day arithmetic for millions of generated dates: the registered calendar
(zhitong/workdays) read once into a sorted list of working days, then bisected. Gives the
same dates as `workdays.services.add_workdays`/`subtract_workdays` (checked in
bench/tests/test_generate.py), which walk day by day."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from zhitong.workdays.services import is_provisional, is_workday


class FastCalendar:
    def __init__(self, first: date, last: date):
        days, d = [], first
        while d <= last:
            if is_workday(d):
                days.append(d)
            d += timedelta(days=1)
        self.days = days
        self.first, self.last = first, last
        self._provisional: dict[int, bool] = {}

    def add(self, start: date, n: int) -> date:
        """The date n working days after start (start not counted); n=0 gives start."""
        if n == 0:
            return start
        return self.days[bisect_right(self.days, start) + n - 1]

    def subtract(self, d: date, n: int) -> date:
        if n == 0:
            return d
        return self.days[bisect_left(self.days, d) - n]

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end] (end >= start)."""
        return bisect_right(self.days, end) - bisect_right(self.days, start)

    def is_workday(self, d: date) -> bool:
        i = bisect_left(self.days, d)
        return i < len(self.days) and self.days[i] == d

    def provisional(self, d: date) -> bool:
        y = d.year
        if y not in self._provisional:
            self._provisional[y] = is_provisional(d)
        return self._provisional[y]
