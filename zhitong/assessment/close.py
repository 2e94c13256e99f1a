"""The registry of close parts (SHARED_CONTRACTS): month close calls every registered part
and freezes its result into the month's snapshot (the reports app registers the Annex 1
ledgers of every unit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ClosePart:
    key: str
    label: str
    func: Callable[..., object]


CLOSE_PARTS: dict[str, ClosePart] = {}


def register_close_part(key: str, *, label: str, func) -> None:
    """`func(*, month_start, month_end) -> JSON-serialisable` (list of dict rows, stable
    order); `month_end` is the month's last day (inclusive)."""
    CLOSE_PARTS[key] = ClosePart(key, str(label), func)


def close_parts(*, month_start: date, month_end: date) -> dict:
    return {
        key: {
            "label": CLOSE_PARTS[key].label,
            "rows": CLOSE_PARTS[key].func(month_start=month_start, month_end=month_end),
        }
        for key in sorted(CLOSE_PARTS)
    }
