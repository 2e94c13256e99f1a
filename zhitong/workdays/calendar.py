"""The official calendar held in-process: a snapshot of the calendar tables, reloaded only
when the version number in Django's cache changes (the write services bump it), and pinned
for a loop of calls (a re-timing run). The lowest module of `workdays`: the arithmetic in
services.py and the deadline registry in deadlines.py both read it."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, transaction

from .models import CalendarDay, CalendarYear, DayKind
from .prediction import predict

CACHE_KEY = "zhitong:workdays:version"
ONE_DAY = timedelta(days=1)


class WorkdayResult(NamedTuple):
    date: date
    provisional: bool


# ---------------------------------------------------------------------------------------
# The in-process snapshot
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    version: str
    official: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if d.year not in self.official:
            # No official schedule: the predicted one (prediction.py), under the rows.
            return predict(d.year).is_workday(d)
        return d.weekday() < 5

    def any_provisional(self, first: date, last: date) -> bool:
        return any(y not in self.official for y in range(first.year, last.year + 1))


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
# Set in the thread that wrote the calendar until its transaction is over: while a write
# is uncommitted, this thread reads straight from the database (its own writes) and does
# not cache what it read, since a rollback would leave the cache holding rows that
# never existed.
_local = threading.local()


def _current_version() -> str:
    version = cache.get(CACHE_KEY)
    if version is None:
        # Cold cache (restart, eviction): agree on one token; whoever adds first wins.
        cache.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CACHE_KEY) or "cold"
    return version


def _load(version: str) -> _Snapshot:
    official = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays, workdays = set(), set()
    for d, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == DayKind.ADJUSTED_WORKDAY else holidays).add(d)
    return _Snapshot(version, official, frozenset(holidays), frozenset(workdays))


def _calendar() -> _Snapshot:
    """The snapshot valid now: one cache read, and two queries only after a change."""
    global _snapshot
    pinned = getattr(_local, "pinned", None)
    if pinned is not None:
        return pinned
    if getattr(_local, "pending", False):
        if connection.in_atomic_block:
            return _load("uncommitted")
        _local.pending = False
    version = _current_version()
    snap = _snapshot
    if snap is not None and snap.version == version:
        return snap
    snap = _load(version)
    with _lock:
        _snapshot = snap
    return snap


def invalidate_cache() -> None:
    """Forget the calendar everywhere: this process now, other processes at their next call."""
    global _snapshot
    with _lock:
        _snapshot = None
    _local.pending = False
    cache.set(CACHE_KEY, uuid.uuid4().hex, timeout=None)


def _changed_quietly(years) -> None:
    """Drop the snapshot; this thread reads the uncommitted calendar until the commit."""
    global _snapshot
    with _lock:
        _snapshot = None
    _local.pending = True
    # Other processes must reload only after the commit, or they would cache the old
    # rows under the new version number.
    transaction.on_commit(invalidate_cache)


@contextmanager
def pinned_calendar():
    """Hold this thread's calendar fixed for a loop of calls (a re-timing run inside the
    calendar's own write transaction, which would otherwise reload it at every call)."""
    outer = getattr(_local, "pinned", None)
    if outer is None:
        _local.pinned = _calendar()
    try:
        yield
    finally:
        _local.pinned = outer
