"""Reads of the scorecards, scoped: the hub, leaders, the supervision office and the
People's Congress read every unit's; a unit's staff read their own scored unit's (the
county, park or department their unit belongs to); the public page only closed months."""

from __future__ import annotations

from datetime import date

from zhitong.core.errors import AccessDenied
from zhitong.organizations.capabilities import is_unit_staff, reads_all_scorecards

from . import counting, scorecards
from .choices import Audience, MonthStatus
from .models import AssessmentMonth


def own_unit_id(user) -> int | None:
    """The scored unit a unit's staff member belongs to (None for anyone else)."""
    if not is_unit_staff(user) or not user.unit_id:
        return None
    return counting.UnitMap().owner(user.unit_id)


def may_read_scorecards(user) -> bool:
    return reads_all_scorecards(user) or own_unit_id(user) is not None


def scorecard_for(*, user, month: date, with_streak: bool = True) -> dict:
    """The month's scorecard with the rows `user` may read (AccessDenied if none)."""
    if reads_all_scorecards(user):
        return scorecards.read_month(month, with_streak=with_streak)
    own = own_unit_id(user)
    if own is None:
        raise AccessDenied()
    card = scorecards.read_month(month, with_streak=with_streak)
    return {
        **card,
        "groups": {
            k: {**g, "rows": [r for r in g["rows"] if r["unit_id"] == own]} for k, g in card["groups"].items()
        },
        "certifications": [c for c in card["certifications"] if c["unit_id"] == own],
    }


def unit_row(*, user, month: date, unit_id: int) -> tuple[dict, dict]:
    """(group, row) of one unit, for a reader of it (AccessDenied otherwise or if unknown)."""
    card = scorecard_for(user=user, month=month)
    for key, group in card["groups"].items():
        for row in group["rows"]:
            if row["unit_id"] == unit_id:
                return {**group, "key": key}, row
    raise AccessDenied()


def unit_lists(*, user, month: date, unit_id: int, key: str) -> tuple[dict, dict]:
    """(row, lists) behind one figure of one unit, for a reader of it (AccessDenied
    otherwise): a count's `items` with its `adjustments`, or a rate's `numerator` and
    `denominator` — read on demand (scorecards.row_list), never carried by the rows."""
    card = scorecard_for(user=user, month=month)
    row = next((r for g in card["groups"].values() for r in g["rows"] if r["unit_id"] == unit_id), None)
    if row is None:
        raise AccessDenied()
    if key in row["rates"]:
        return row, {
            part: scorecards.row_list(card=card, row=row, key=key, part=part)
            for part in ("numerator", "denominator")
        }
    return row, {
        "items": scorecards.row_list(card=card, row=row, key=key),
        "adjustments": [a for a in row["adjustments"] if a["key"] == key],
    }


def closed_months() -> list[AssessmentMonth]:
    return list(
        AssessmentMonth.objects.filter(status=MonthStatus.CLOSED).order_by("-month").defer("snapshot")
    )


def public_scorecard(month: date) -> dict | None:
    """A closed month's published scorecard, without any list (numbers only), or None."""
    m = AssessmentMonth.objects.filter(month=month, status=MonthStatus.CLOSED).first()
    if m is None:
        return None
    return {
        "month": m.snapshot["month"],
        "closed_at": m.closed_at,
        "groups": [
            {
                "key": key,
                "label": Audience(key).label,
                "rows": [
                    {k: r[k] for k in ("unit", "rank", "score", "values", "warning")} for r in g["rows"]
                ],
            }
            for key, g in m.snapshot["groups"].items()
        ],
    }


def rates_trend(*, user, month: date, months: int = 6, current: dict | None = None) -> list[dict]:
    """The three rates pooled over the rows `user` reads, for the `months` months ending
    with `month` (closed months from their snapshots): numerator and denominator sizes.
    `current`: the month's scorecard when the caller has it."""
    out = []
    m = counting.month_start(month)
    series = []
    for _ in range(months):
        series.append(m)
        m = counting.prev_month(m)
    for m in reversed(series):
        if current is not None and m == counting.month_start(month):
            card = current  # the page's own month, already read
        else:
            card = scorecard_for(user=user, month=m, with_streak=False)
        point = {"month": scorecards.month_key(m)}
        for key in ("response_rate", "resolution_rate", "satisfaction_rate"):
            rows = [r for g in card["groups"].values() for r in g["rows"]]
            num = sum(scorecards.size(r["rates"][key]["numerator"]) for r in rows)
            den = sum(scorecards.size(r["rates"][key]["denominator"]) for r in rows)
            point[key] = round(num / den * 100, 1) if den else None
        out.append(point)
    return out
