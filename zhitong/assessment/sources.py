"""The registry of deduction sources (SHARED_CONTRACTS): apps above this one (the
supervision office's and the People's Congress's findings) register a function that lists
the month's deductions; the scorecard subtracts them and links each to its finding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Deduction:
    unit_id: int
    points: Decimal
    source_key: str
    label: str
    clause: str
    url: str
    object_id: int
    when: date


@dataclass(frozen=True)
class DeductionSource:
    key: str
    label: str
    clause: str
    func: Callable[..., list[Deduction]]


DEDUCTION_SOURCES: dict[str, DeductionSource] = {}


def register_deduction_source(key: str, *, label: str, clause: str, func) -> None:
    """`func(*, units, month_start, month_end) -> list[Deduction]`; `month_end` is the
    month's last day (inclusive). Registering one key twice replaces it (reloads)."""
    DEDUCTION_SOURCES[key] = DeductionSource(key, str(label), str(clause), func)


def deductions_for(*, units, month_start: date, month_end: date) -> list[Deduction]:
    """Every registered source's deductions for `units`, in a stable order."""
    out: list[Deduction] = []
    wanted = {u.pk for u in units}
    for key in sorted(DEDUCTION_SOURCES):
        for d in DEDUCTION_SOURCES[key].func(units=units, month_start=month_start, month_end=month_end):
            if d.unit_id in wanted:
                out.append(d)
    return sorted(out, key=lambda d: (d.unit_id, d.source_key, d.when, d.object_id))
