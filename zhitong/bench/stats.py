"""The bench's arithmetic: median, p95 (nearest rank), ratios, and the printed table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("median of no values")
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def ratio(measured: float, baseline: float) -> float | None:
    """measured / baseline; None when the baseline is zero (no ratio to state)."""
    return None if not baseline else measured / baseline


@dataclass
class Row:
    section: str
    name: str
    median: float | None = None  # ms, or the row's unit
    p95: float | None = None
    queries: int | None = None
    baseline: str = ""  # what the ratio compares with
    ratio: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def fmt(v, digits=1) -> str:
    if v is None:
        return "—"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def table(rows: list[Row]) -> str:
    head = ("section", "measure", "median", "p95", "queries", "ratio", "against", "note")
    body = [
        (
            r.section,
            r.name,
            fmt(r.median),
            fmt(r.p95),
            fmt(r.queries),
            fmt(r.ratio, 2) + ("×" if r.ratio else ""),
            r.baseline,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
