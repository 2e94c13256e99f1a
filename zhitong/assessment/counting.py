"""The counting rules of seeds/000 五(二), on the facts the coordination and appeals apps
record: per scored unit (a county, a park, a department — with its sections) and month,
each count WITH the list of objects it counted and the clause that counted it. A count is
always the length of its list (`Count.value`).

The counts
- `coordinated` (协调问题): the unit's counting facts of the month that count
  (`CoordinationFact.objects.counted()`): seeds/000 五(二)2 one project problem per
  meeting and project, one enterprise problem per meeting and enterprise (一企一议);
  五(二)1 a county principal's meeting only with its minutes or plan and after the hub's
  certification; 五(二)3 exempted problems left out (the coordination app removes the fact
  when the exemption is approved).
- `reported` (上报问题): the unit's requests for city-leader coordination (Annex 2) in the
  month's batch (seeds/000 二 每月10日前报送市发改委; 五(一) 上报问题情况), neither withdrawn
  nor returned, the appeal not exempted (五(二)3).
- `resolved` (解决问题): the unit's appeals concluded in the month — verified by the hub or
  the supervision office in the month and still concluded (seeds/001 四(八) 办结; seeds/000
  五(一) 解决问题情况), not exempted (五(二)3), not a merged duplicate.
- `resolved_on_time` (按期办结): those of `resolved` resolved within their deadline (the
  on-time rate's numerator).
- `rehandled` (重办): ratings of the month by which the enterprise sent the unit's appeal
  back for re-handling (SPEC "re-handling … counts against the unit").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, EscalationStatus, ExemptionStatus, Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.coordination.models import CoordinationFact, EscalationRequest
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

COUNTIES_KINDS = (UnitKind.COUNTY, UnitKind.PARK)
DEPARTMENT_KINDS = (UnitKind.DEPARTMENT,)

# Clauses named by each count (shown on the drill-down).
CLAUSES = {
    "coordinated": "seeds/000 五(二)1–3：一次协调会一个项目的多个问题按一个项目问题计入；同一项目问题多次召开协调会按次数计入；"
    "企业问题“一企一议”按一个企业问题计入；县(市)区主要领导协调会须上传纪要或方案并经市发改委认定；经审核同意不纳入考核的不计入",
    "reported": "seeds/000 二、五(一)：每月报送市发改委的提请市领导协调问题（附件2），已撤回、退回的不计；五(二)3 不纳入考核的不计",
    "resolved": "seeds/000 五(一) 解决问题情况；seeds/001 四(八)：经统筹协调专员或督查室核验办结；五(二)3 不纳入考核的不计",
    "resolved_on_time": "按期办结：办结（核验）的诉求中在办理期限内办结的",
    "rehandled": "重办：企业评价不满意、退回同一牵头单位重办，计入该单位（SPEC 重办）",
}
LABELS = {
    "reported": "上报问题数",
    "coordinated": "协调问题数",
    "resolved": "解决问题数",
    "resolved_on_time": "按期办结数",
    "rehandled": "重办数",
}
COUNT_KEYS = ("reported", "coordinated", "resolved", "resolved_on_time", "rehandled")


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def prev_month(m: date) -> date:
    return date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)


def month_end(m: date) -> date:
    """The month's last day (inclusive)."""
    return next_month(m) - timedelta(days=1)


def month_bounds(m: date) -> tuple[datetime, datetime]:
    """The month as aware datetimes [start, end) in the platform's time zone."""
    m, n = month_start(m), next_month(month_start(m))
    return (
        timezone.make_aware(datetime(m.year, m.month, 1)),
        timezone.make_aware(datetime(n.year, n.month, 1)),
    )


def item(kind: str, obj_id: int, label: str, when, url: str, tz=None) -> dict:
    """One counted object as the snapshot keeps it (JSON). `tz`: the current time zone,
    when the caller builds many (looking it up per object was a tenth of a month's lists)."""
    if isinstance(when, datetime):
        when = when.astimezone(tz or timezone.get_current_timezone()).date()
    return {"kind": kind, "id": obj_id, "label": label, "when": when.isoformat() if when else "", "url": url}


_PK_PLACEHOLDER = 987654321


def url_maker(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks with one reverse(): a month's lists hold
    tens of thousands of links and reverse() was a large share of building them (issue 14).
    Only for URL patterns whose single argument is the object's integer id."""
    before, after = reverse(name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return lambda pk: f"{before}{pk}{after}"


class RatingRow(NamedTuple):
    """One `rate` move (the enterprise's rating) with what the lists show of its appeal."""

    id: int
    at: datetime
    data: dict
    appeal_id: int
    code: str
    title: str
    exemption_status: str


@dataclass
class Count:
    key: str
    items: list[dict] = field(default_factory=list)

    @property
    def value(self) -> int:
        return len(self.items)

    @property
    def clause(self) -> str:
        return CLAUSES[self.key]


class UnitMap:
    """The scored units (active counties, parks and departments) and, for any unit, the
    scored unit it belongs to (itself or its nearest scored ancestor by path)."""

    def __init__(self, units: list[Unit] | None = None):
        if units is None:
            units = list(
                Unit.objects.filter(is_active=True, kind__in=[*COUNTIES_KINDS, *DEPARTMENT_KINDS]).order_by(
                    "sort_order", "code"
                )
            )
        self.units = units
        self.by_id = {u.pk: u for u in units}
        self._paths = {u.path: u.pk for u in units}
        self._all = dict(Unit.objects.values_list("pk", "path"))
        self._owners: dict[int | None, int | None] = {}

    def owner(self, unit_id: int | None) -> int | None:
        """Memoised: a month's lists ask it once per counted object."""
        try:
            return self._owners[unit_id]
        except KeyError:
            owner = self._owners[unit_id] = self._owner(unit_id)
            return owner

    def _owner(self, unit_id: int | None) -> int | None:
        path = self._all.get(unit_id)
        if not path:
            return None
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            owner = self._paths.get("/" + "/".join(parts[:i]) + "/")
            if owner is not None:
                return owner
        return None

    def group(self, unit: Unit) -> str:
        return "counties" if unit.kind in COUNTIES_KINDS else "departments"


def count_month(
    *, month: date, units: UnitMap | None = None, ratings: list[RatingRow] | None = None
) -> dict[int, dict[str, Count]]:
    """Every count of every scored unit for `month`, with its list. A fixed number of
    queries whatever the number of units and objects. `ratings`: the month's
    `month_ratings(month)`, when the caller has read them already (the rates read them too)."""
    units = units or UnitMap()
    month = month_start(month)
    start, end = month_bounds(month)
    out: dict[int, dict[str, Count]] = {u.pk: {k: Count(k) for k in COUNT_KEYS} for u in units.units}

    def add(unit_id, key, entry):
        owner = units.owner(unit_id)
        if owner is not None:
            out[owner][key].items.append(entry)

    # seeds/000 五(二)1–3: the counting facts that count.
    facts = (
        CoordinationFact.objects.counted()
        .filter(month=month)
        .select_related("meeting", "project", "enterprise")
        .order_by("meeting__held_at", "meeting_id", "id")
    )
    for f in facts:
        what = f.project.name if f.project_id else f.enterprise.name
        kind = "项目问题" if f.project_id else "企业问题"
        label = f"{f.meeting.title}：{kind} {what}"
        url = reverse("coordination:meeting_detail", args=[f.meeting_id])
        add(f.unit_id, "coordinated", item("fact", f.pk, label, f.meeting.held_at, url))

    # seeds/000 二、五(一): the month's requests for city-leader coordination.
    requests = (
        EscalationRequest.objects.filter(batch_month=month)
        .exclude(status__in=[EscalationStatus.WITHDRAWN, EscalationStatus.RETURNED])
        .exclude(appeal__exemption_status=ExemptionStatus.APPROVED)
        .select_related("appeal")
        .order_by("received_at", "id")
    )
    for r in requests:
        url = reverse("appeals:detail", args=[r.appeal_id])
        add(
            r.reporting_unit_id,
            "reported",
            item("escalation", r.pk, f"{r.appeal.code} {r.project_name}", r.received_at, url),
        )

    # seeds/001 四(八), seeds/000 五(一): concluded (verified) in the month.
    # Rows, not model instances: a month holds thousands (issue 14).
    appeal_url = url_maker("appeals:detail")
    tz = timezone.get_current_timezone()
    concluded = (
        Appeal.objects.filter(verified_at__gte=start, verified_at__lt=end, status__in=CONCLUDED_STATUSES)
        .exclude(exemption_status=ExemptionStatus.APPROVED)
        .exclude(status=Status.MERGED)
        .order_by("verified_at", "id")
        .values_list("id", "code", "title", "lead_unit_id", "verified_at", "resolved_on_time")
    )
    for pk, code, title, lead_unit_id, verified_at, on_time in concluded:
        entry = item("appeal", pk, f"{code} {title}", verified_at, appeal_url(pk), tz)
        add(lead_unit_id, "resolved", entry)
        if on_time:
            add(lead_unit_id, "resolved_on_time", dict(entry))

    # Re-handling: the month's ratings that reopened the appeal (appeals' `rate` move,
    # appeals/services/closing.py sets data["reopened"] = True); read alone, only those.
    if ratings is None:
        ratings = month_ratings(month, reopened_only=True)
    for r in ratings:
        if r.data.get("reopened"):
            add(
                r.data.get("lead_unit_id"),
                "rehandled",
                item("rating", r.id, f"{r.code} {r.title}", r.at, appeal_url(r.appeal_id), tz),
            )
    return out


def month_ratings(month: date, *, reopened_only: bool = False) -> list[RatingRow]:
    """The enterprises' ratings given in the month (the `rate` moves), oldest first; with
    `reopened_only`, only those that sent the appeal back for re-handling."""
    start, end = month_bounds(month)
    rows = Transition.objects.filter(action="rate", at__gte=start, at__lt=end)
    if reopened_only:
        rows = rows.filter(data__reopened=True)
    rows = rows.order_by("at", "id").values_list(
        "id", "at", "data", "appeal_id", "appeal__code", "appeal__title", "appeal__exemption_status"
    )
    return [RatingRow(*r) for r in rows]


def group_by_owner(units: UnitMap, rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for unit_id, value in rows:
        owner = units.owner(unit_id)
        if owner is not None:
            out[owner].append(value)
    return out
