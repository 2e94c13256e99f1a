"""The appeals dashboards: by status, lead unit, category and month received, and the overdue
appeals by unit × month received (a heat map).

One selector, scoped by the user: every figure is a GROUP BY over the appeal workbench's own
list for the dashboard's base filter (appeals.views.workbench.WorkbenchLists), and every
element links to that list narrowed by exactly the value it groups on — so a bar's count is
the length of the list it opens (tests/test_dashboard.py checks each). Those who see across
units (the city-wide roles, city leaders) get the whole of their scope; unit staff their own
unit's figures (the workbench's "仅本单位牵头").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Category
from zhitong.appeals.views.workbench import WorkbenchLists
from zhitong.organizations.capabilities import is_city_leader, is_unit_head, sees_whole_city
from zhitong.organizations.models import Unit

from .annex1 import month_bounds

MONTHS = 12  # the dashboard's period: this month and the 11 before it


def reads_dashboard(user) -> bool:
    """The hub, city leaders, the supervision office, the People's Congress (the city-wide
    roles, admins included) and unit heads (their own unit's figures)."""
    return sees_whole_city(user) or is_city_leader(user) or (is_unit_head(user) and bool(user.unit_id))


def _wide(user) -> bool:
    return sees_whole_city(user) or is_city_leader(user)


def add_months(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


@dataclass
class Bar:
    label: str
    count: int
    url: str
    params: dict = field(default_factory=dict)


@dataclass
class Cell:
    x: int
    y: int
    count: int
    url: str
    params: dict = field(default_factory=dict)
    unit_label: str = ""
    month_label: str = ""


@dataclass
class Dashboard:
    period_from: date
    period_to: date
    total: int
    total_url: str
    by_status: list[Bar]
    by_unit: list[Bar]
    by_category: list[Bar]
    by_month: list[Bar]
    heat_months: list[str]
    heat_units: list[str]
    heat_cells: list[Cell]
    late_total: int
    late_url: str
    own_unit: str = ""

    def chart_data(self) -> dict:
        """What the page's script draws (json_script): labels, counts and links."""

        def bars(items):
            return [{"label": b.label, "value": b.count, "url": b.url} for b in items]

        return {
            "status": bars(self.by_status),
            "unit": bars(self.by_unit),
            "category": bars(self.by_category),
            "month": bars(self.by_month),
            "heat": {
                "months": self.heat_months,
                "units": self.heat_units,
                "cells": [{"value": [c.x, c.y, c.count], "url": c.url} for c in self.heat_cells],
                "max": max((c.count for c in self.heat_cells), default=0),
            },
        }


def dashboard_for_user(*, user, today: date | None = None) -> Dashboard:
    """The dashboard of `user`'s scope over the last MONTHS months received (this one
    included)."""
    today = today or timezone.localdate()
    lists = WorkbenchLists(user, today=today)
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    base = {"status": "all", "date_from": first.isoformat(), "date_to": today.isoformat()}
    wide = _wide(user)
    if not wide:
        base["led"] = "on"
    qs = lists.queryset(base).order_by()

    def link(**extra) -> tuple[str, dict]:
        params = {**base, **{k: str(v) for k, v in extra.items()}}
        return lists.url(params), params

    def bar(label, n, **extra) -> Bar:
        url, params = link(**extra)
        return Bar(label, n, url, params)

    status_counts = dict(qs.values_list("status").annotate(n=Count("id")))
    by_status = [
        bar(s.label, status_counts[s.value], status=s.value) for s in Status if status_counts.get(s.value)
    ]

    unit_counts = dict(qs.filter(lead_unit__isnull=False).values_list("lead_unit_id").annotate(n=Count("id")))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_counts)}
    own = ""
    if wide:
        by_unit = [
            bar(units[pk].display_name, n, lead_unit=pk)
            for pk, n in sorted(unit_counts.items(), key=lambda kv: (-kv[1], units[kv[0]].path))
        ]
    else:
        # Unit staff: the list cannot be narrowed by lead unit; their unit is one bar.
        own = user.unit.display_name if user.unit_id else ""
        n = sum(unit_counts.values())
        by_unit = [bar(_("本单位牵头"), n)] if n else []

    cat_counts = dict(qs.values_list("category_id").annotate(n=Count("id")))
    cats = {c.pk: c for c in Category.objects.filter(pk__in=cat_counts)}
    by_category = [
        bar(cats[pk].name, n, category=pk)
        for pk, n in sorted(
            cat_counts.items(), key=lambda kv: (-kv[1], cats[kv[0]].sort_order, cats[kv[0]].code)
        )
    ]

    months = [add_months(first, i) for i in range(MONTHS)]

    def month_range(m: date) -> dict:
        start, end = month_bounds(m)
        return {"date_from": start.isoformat(), "date_to": min(end, today).isoformat()}

    month_counts: dict[date, int] = {}
    for m, n in qs.annotate(m=TruncMonth("received_at")).values_list("m").annotate(n=Count("id")):
        month_counts[_month_of(m)] = month_counts.get(_month_of(m), 0) + n
    by_month = [
        bar(_("%(y)s年%(m)s月") % {"y": m.year, "m": m.month}, month_counts.get(m, 0), **month_range(m))
        for m in months
    ]

    late_params = {"late": "on"}
    late_qs = lists.queryset({**base, **late_params}).order_by()
    late_total = late_qs.count()
    late_url, _params = link(**late_params)
    heat = {}
    for pk, m, n in (
        late_qs.filter(lead_unit__isnull=False)
        .annotate(m=TruncMonth("received_at"))
        .values_list("lead_unit_id", "m")
        .annotate(n=Count("id"))
    ):
        key = (pk if wide else 0, _month_of(m))
        heat[key] = heat.get(key, 0) + n
    missing = {pk for pk, _m in heat if pk and pk not in units}
    if missing:
        units.update({u.pk: u for u in Unit.objects.filter(pk__in=missing)})
    heat_unit_ids = sorted({pk for pk, _m in heat}, key=lambda pk: _unit_path(pk, units))
    cells = []
    for y, pk in enumerate(heat_unit_ids):
        for x, m in enumerate(months):
            n = heat.get((pk, m), 0)
            if not n:
                continue
            extra = {**late_params, **month_range(m)}
            if wide:
                extra["lead_unit"] = pk
            url, params = link(**extra)
            label = units[pk].display_name if wide else _("本单位牵头")
            cells.append(Cell(x, y, n, url, params, label, f"{m.year}-{m.month:02d}"))
    total_url, _params = link()
    return Dashboard(
        period_from=first,
        period_to=today,
        total=qs.count(),
        total_url=total_url,
        by_status=by_status,
        by_unit=by_unit,
        by_category=by_category,
        by_month=by_month,
        heat_months=[f"{m.year}-{m.month:02d}" for m in months],
        heat_units=[units[pk].display_name if wide else _("本单位牵头") for pk in heat_unit_ids],
        heat_cells=cells,
        late_total=late_total,
        late_url=late_url,
        own_unit=own,
    )


def _month_of(value) -> date:
    """A TruncMonth value (an aware datetime in the current time zone) as its month's 1st."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    if hasattr(value, "date"):
        value = value.date()
    return value.replace(day=1)


def _unit_path(pk, units) -> str:
    u = units.get(pk)
    return u.path if u else ""
