"""The periods of dispatch and inspection: the city's quarter, the county's month
(seeds/002 季调度 / 月调度; seeds/003 九(四) 每季度抽查通报一次)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .models import DispatchLevel

QUARTER_NAMES = "一二三四"


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A quarter (the city's dispatch, the inspection) or a month (the county's dispatch)."""

    start: date
    months: int  # 3 or 1

    @property
    def end(self) -> date:
        """The last day of the period."""
        return add_months(self.start, self.months) - timedelta(days=1)

    @property
    def is_quarter(self) -> bool:
        return self.months == 3

    @property
    def label(self) -> str:
        if self.is_quarter:
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def param(self) -> str:
        """The period as a URL value: 2026-Q3 or 2026-09."""
        if self.is_quarter:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def previous(self) -> Period:
        return Period(add_months(self.start, -self.months), self.months)

    def next(self) -> Period:
        return Period(add_months(self.start, self.months), self.months)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: date) -> Period:
    return Period(quarter_start(day), 3)


def month_of(day: date) -> Period:
    return Period(month_start(day), 1)


def period_of(level: str, day: date) -> Period:
    """The dispatch period a day belongs to at `level`: the quarter for the city, the month
    for a county."""
    return quarter_of(day) if level == DispatchLevel.CITY else month_of(day)


_QUARTER = re.compile(r"\s*(\d{4})-?[Qq]([1-4])\s*")
_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


def parse_period(value, *, level: str, default: Period) -> Period:
    """A period from a GET value (2026-Q3 for a quarter, 2026-09 for a month); `default`
    for anything else or a year outside 2020–2099 (a filter with garbage shows the default)."""
    if not isinstance(value, str):
        return default
    if level == DispatchLevel.CITY:
        m = _QUARTER.fullmatch(value)
        if m and 2020 <= int(m[1]) <= 2099:
            return Period(date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1), 3)
        return default
    m = _MONTH.fullmatch(value)
    if m and 2020 <= int(m[1]) <= 2099 and 1 <= int(m[2]) <= 12:
        return Period(date(int(m[1]), int(m[2]), 1), 1)
    return default


def parse_quarter(value, default: Period) -> Period:
    return parse_period(value, level=DispatchLevel.CITY, default=default)
