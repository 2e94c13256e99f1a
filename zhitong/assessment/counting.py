"""The counting rules of seeds/000 五(二), on the facts the coordination and appeals apps
record: per scored unit (a county, a park, a department — with its sections) and month,
each count and the clause that counted it. Each count and each rate's numerator and
denominator (rates.py) is defined once, here (a `Source`'s base and month window, the field
naming the unit, a `Figure`'s condition) and read two ways (issue 14): the number by one
GROUP BY scan per table (`months_figures`), and on demand the list of objects it counted
(`figure_list`) from the same queryset restricted to the unit's own units — so a count is
always the length of its list.

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

import hashlib
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, EscalationStatus, ExemptionStatus, Rating, Status
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

    def owner(self, unit_id) -> int | None:
        """Memoised. `unit_id` may come from a JSON key (a rating's `lead_unit_id`): anything
        that is not a known unit's id belongs to no one."""
        try:
            return self._owners[unit_id]
        except KeyError:
            owner = self._owners[unit_id] = self._owner(unit_id)
            return owner
        except TypeError:  # an unhashable JSON value
            return None

    def _owner(self, unit_id) -> int | None:
        if isinstance(unit_id, str) and unit_id.isdigit():
            unit_id = int(unit_id)
        path = self._all.get(unit_id) if isinstance(unit_id, int) and not isinstance(unit_id, bool) else None
        if not path:
            return None
        parts = [p for p in path.split("/") if p]
        # The nearest scored unit: a park placed under a county is scored on its own (it
        # has its own row), so its work is its own, not the county's.
        for i in range(len(parts), 0, -1):
            owner = self._paths.get("/" + "/".join(parts[:i]) + "/")
            if owner is not None:
                return owner
        return None

    def owned(self, owner_id: int) -> list[int]:
        """Every unit (active or not) whose scored unit is `owner_id`: itself, its sections,
        a park under a county that is not scored itself… — what a list restricts to."""
        return sorted(uid for uid in self._all if self.owner(uid) == owner_id)

    def group(self, unit: Unit) -> str:
        return "counties" if unit.kind in COUNTIES_KINDS else "departments"

    @property
    def digest(self) -> str:
        """What `owner` depends on (every unit's path, the scored units' paths), hashed: the
        month close records it, and an equal digest later means every unit's work still
        belongs to the same scored unit (the adjustments' shortcut relies on it)."""
        state = [sorted(self._all.items()), sorted(self._paths.items())]
        return hashlib.sha256(json.dumps(state, separators=(",", ":")).encode()).hexdigest()


# -- the figures: one definition each, read as a number (GROUP BY) or as a list --------------


@dataclass(frozen=True)
class Source:
    """One set of a month's rows that figures count in (issue 14: the figure and its list come
    from this one definition): `base()` the filters that do not depend on the month,
    `window(month, today)` the month's rows; `queryset(month, today)` is both. Sources with
    the same `base` (the same function) are one table read in one scan (`month_figures`).
    `unit` names the field holding the unit the object is counted for (a JSON key of a
    rating's data, `data__lead_unit_id`, works on SQLite and PostgreSQL alike);
    `items(qs, key)` turns the source's rows (already restricted) into the listed items in
    the list's order; `model` reads frozen ids back."""

    name: str
    model: type
    unit: str
    base: Callable[[], QuerySet]
    window: Callable[[date, date], Q]
    items: Callable[[QuerySet, str], list[dict]]
    # span(first, last): one range holding the windows of the months first..last (both
    # included), where a source's windows are slices of one column. A scan of that source
    # alone reads the range, every figure keeping its window in its FILTER clause, so
    # PostgreSQL walks one index range (index-only where the index covers the figures'
    # columns) instead of OR-ing one bitmap per month.
    span: Callable[[date, date], Q] | None = None

    def queryset(self, month: date, today: date) -> QuerySet:
        return self.base().filter(self.window(month, today))


@dataclass(frozen=True)
class Figure:
    """A count (`hit` None) or a rate (`hit`: the numerator's condition) over its source's
    rows that meet `where` (None: all of them)."""

    key: str
    source: str
    where: Q | None = None
    hit: Q | None = None

    @property
    def is_rate(self) -> bool:
        return self.hit is not None


def _facts() -> QuerySet:
    # seeds/000 五(二)1–3: the counting facts that count.
    return CoordinationFact.objects.counted()


def _facts_window(month: date, today: date) -> Q:
    return Q(month=month)


def _fact_items(qs: QuerySet, key: str) -> list[dict]:
    url = url_maker("coordination:meeting_detail")
    tz = timezone.get_current_timezone()
    out = []
    for f in qs.select_related("meeting", "project", "enterprise").order_by(
        "meeting__held_at", "meeting_id", "id"
    ):
        what = f.project.name if f.project_id else f.enterprise.name
        kind = "项目问题" if f.project_id else "企业问题"
        out.append(
            item("fact", f.pk, f"{f.meeting.title}：{kind} {what}", f.meeting.held_at, url(f.meeting_id), tz)
        )
    return out


def _escalations() -> QuerySet:
    # seeds/000 二、五(一): requests for city-leader coordination; 五(二)3.
    return EscalationRequest.objects.exclude(
        status__in=[EscalationStatus.WITHDRAWN, EscalationStatus.RETURNED]
    ).exclude(appeal__exemption_status=ExemptionStatus.APPROVED)


def _escalations_window(month: date, today: date) -> Q:
    # The month's batch.
    return Q(batch_month=month)


def _escalation_items(qs: QuerySet, key: str) -> list[dict]:
    url = url_maker("appeals:detail")
    tz = timezone.get_current_timezone()
    rows = qs.order_by("received_at", "id").values_list(
        "id", "appeal_id", "appeal__code", "project_name", "received_at"
    )
    return [
        item("escalation", pk, f"{code} {name}", at, url(appeal_id), tz)
        for pk, appeal_id, code, name, at in rows
    ]


def scored_appeals() -> QuerySet:
    """Appeals the rates and counts look at: never exempted (seeds/000 五(二)3), never a
    merged duplicate (its master is the one handled)."""
    return Appeal.objects.exclude(exemption_status=ExemptionStatus.APPROVED).exclude(status=Status.MERGED)


def _concluded_window(month: date, today: date) -> Q:
    # seeds/001 四(八), seeds/000 五(一): concluded (verified) in the month.
    start, end = month_bounds(month)
    return Q(verified_at__gte=start, verified_at__lt=end, status__in=CONCLUDED_STATUSES)


def _concluded_span(first: date, last: date) -> Q:
    return Q(verified_at__gte=month_bounds(first)[0], verified_at__lt=month_bounds(last)[1])


def _sign_due_window(month: date, today: date) -> Q:
    # 响应率: sign-for deadline in the month, passed (before today) or signed.
    return Q(sign_due__gte=month, sign_due__lte=month_end(month)) & (
        Q(sign_due__lt=today) | Q(signed_at__isnull=False)
    )


def _handling_due_window(month: date, today: date) -> Q:
    # 解决率: handling deadline in the month, passed or concluded.
    return Q(handling_due__gte=month, handling_due__lte=month_end(month)) & (
        Q(handling_due__lt=today) | Q(status__in=CONCLUDED_STATUSES)
    )


def _appeal_items(order: str):
    def items(qs: QuerySet, key: str) -> list[dict]:
        url = url_maker("appeals:detail")
        tz = timezone.get_current_timezone()
        rows = qs.order_by(order, "id").values_list("id", "code", "title", order)
        return [item("appeal", pk, f"{code} {title}", when, url(pk), tz) for pk, code, title, when in rows]

    return items


def _ratings() -> QuerySet:
    # The enterprises' ratings (appeals' `rate` move).
    return Transition.objects.filter(action="rate")


def _ratings_window(month: date, today: date) -> Q:
    # Given in the month.
    start, end = month_bounds(month)
    return Q(at__gte=start, at__lt=end)


def _rating_items(qs: QuerySet, key: str) -> list[dict]:
    url = url_maker("appeals:detail")
    tz = timezone.get_current_timezone()
    labels = {value: str(label) for value, label in Rating.choices}
    out = []
    for pk, at, data, appeal_id, code, title in qs.order_by("at", "id").values_list(
        "id", "at", "data", "appeal_id", "appeal__code", "appeal__title"
    ):
        label = f"{code} {title}"
        if key != "rehandled":  # the satisfaction rate's lists name the rating
            rating = int((data or {}).get("rating") or 0)
            label += f"（{labels.get(rating, rating)}）"
        out.append(item("rating", pk, label, at, url(appeal_id), tz))
    return out


# Every source and figure, counts and rates alike (rates.py explains the rates and computes
# their values): declared once, here.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("facts", CoordinationFact, "unit_id", _facts, _facts_window, _fact_items),
        Source(
            "escalations",
            EscalationRequest,
            "reporting_unit_id",
            _escalations,
            _escalations_window,
            _escalation_items,
        ),
        Source(
            "concluded",
            Appeal,
            "lead_unit_id",
            scored_appeals,
            _concluded_window,
            _appeal_items("verified_at"),
            span=_concluded_span,
        ),
        Source(
            "sign_due", Appeal, "lead_unit_id", scored_appeals, _sign_due_window, _appeal_items("sign_due")
        ),
        Source(
            "handling_due",
            Appeal,
            "lead_unit_id",
            scored_appeals,
            _handling_due_window,
            _appeal_items("handling_due"),
        ),
        Source("ratings", Transition, "data__lead_unit_id", _ratings, _ratings_window, _rating_items),
    )
}

# 满意率: 基本满意 and better (a rating of 不满意 or worse sends the appeal back).
SATISFIED_FROM = Rating.NEUTRAL

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("reported", "escalations"),
        Figure("coordinated", "facts"),
        Figure("resolved", "concluded"),
        Figure("resolved_on_time", "concluded", where=Q(resolved_on_time=True)),
        # Re-handling: the month's ratings that reopened the appeal (appeals/services/
        # closing.py sets data["reopened"] = True).
        Figure("rehandled", "ratings", where=Q(data__reopened=True)),
        # Signed on or before the deadline's day, in the platform's time zone (`__date`
        # converts to the current time zone, as the old per-row comparison did).
        Figure("response_rate", "sign_due", hit=Q(signed_at__date__lte=F("sign_due"))),
        Figure("resolution_rate", "handling_due", hit=Q(status__in=CONCLUDED_STATUSES)),
        # The month's ratings of appeals not exempted; satisfied: 基本满意 and better
        # (the rating is stored as an integer in the move's data, appeals/services/closing.py).
        # The exempted appeals as a subquery (a few, by the partial index on exemption_status),
        # not a join: joined, several months' ratings made PostgreSQL hash the whole appeal table.
        Figure(
            "satisfaction_rate",
            "ratings",
            where=~Q(
                appeal_id__in=Appeal.objects.filter(exemption_status=ExemptionStatus.APPROVED).values("pk")
            ),
            hit=Q(data__rating__gte=int(SATISFIED_FROM)),
        ),
        # Of the month's concluded appeals (`resolved`), those resolved in time.
        Figure("on_time_rate", "concluded", hit=Q(resolved_on_time=True)),
    )
}


def _owner_sums(units: UnitMap, rows, names) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {u.pk: dict.fromkeys(names, 0) for u in units.units}
    for row in rows:
        owner = units.owner(row[0])
        if owner is not None:
            for name, n in zip(names, row[1:], strict=True):
                out[owner][name] += n
    return out


def _tables(keys: Iterable[str]) -> dict[tuple, list[Figure]]:
    """The figures of `keys` by the table their sources read (`Source.base` and `unit`)."""
    out: dict[tuple, list[Figure]] = {}
    for key in keys:
        source = SOURCES[FIGURES[key].source]
        out.setdefault((source.base, source.unit), []).append(FIGURES[key])
    return out


def months_figures(
    *, months, today: date, units: UnitMap, keys=None
) -> dict[date, dict[int, dict[str, tuple[int, int]]]]:
    """month -> scored unit id -> figure key -> (n, hits): n the figure's size (a rate's
    denominator), hits its numerator (0 for a count). `months`: the months, or a dict of
    month -> the figure keys wanted for it (None: `keys`, by default every figure). One scan
    per table whatever the number of months and figures: the rows in any of the sources'
    month windows, GROUP BY unit, with a `COUNT(...) FILTER (WHERE window AND condition)` per
    month and figure (a CASE on SQLite) — a handful of rows per unit whatever the number of
    objects, summed per scored unit here (issue 14)."""
    wanted = months if isinstance(months, dict) else dict.fromkeys(months)
    plan = {month_start(m): list(k or keys or FIGURES) for m, k in sorted(wanted.items())}
    out: dict[date, dict[int, dict[str, tuple[int, int]]]] = {
        m: {u.pk: {} for u in units.units} for m in plan
    }
    tables: dict[tuple, list[tuple[date, Figure]]] = {}
    for m, month_keys in plan.items():
        for table, figs in _tables(month_keys).items():
            tables.setdefault(table, []).extend((m, f) for f in figs)
    for (base, unit), figs in tables.items():
        windows: dict[tuple[str, date], Q] = {}
        ann: dict[str, Count] = {}
        slots = []  # (month, figure key, n's name, hits' name or None)
        for m, f in figs:
            if (f.source, m) not in windows:
                windows[(f.source, m)] = SOURCES[f.source].window(m, today)
            rows_of = windows[(f.source, m)] if f.where is None else windows[(f.source, m)] & f.where
            n = f"n{len(slots)}"
            ann[n] = Count("id", filter=rows_of)
            h = None
            if f.hit is not None:
                h = f"h{len(slots)}"
                ann[h] = Count("id", filter=rows_of & f.hit)
            slots.append((m, f.key, n, h))
        names = list(ann)
        sources = {name for name, _ in windows}
        span = SOURCES[next(iter(sources))].span if len(sources) == 1 else None
        if span is not None:
            months_read = [m for _, m in windows]
            rows_read = span(min(months_read), max(months_read))
        else:
            rows_read = reduce(operator.or_, windows.values())
        rows = base().filter(rows_read).order_by().values(unit).annotate(**ann).values_list(unit, *names)
        sums = _owner_sums(units, rows, names)
        for owner, v in sums.items():
            for m, key, n, h in slots:
                out[m][owner][key] = (v[n], v[h] if h else 0)
    return out


def month_figures(
    *, month: date, today: date, units: UnitMap, keys=None
) -> dict[int, dict[str, tuple[int, int]]]:
    """One month's `months_figures`."""
    month = month_start(month)
    return months_figures(months=[month], today=today, units=units, keys=keys)[month]


def figure_queryset(key: str, *, month: date, today: date, part: str = "all") -> QuerySet:
    """The rows behind a figure (`part`: "all" — a count, a rate's denominator — or
    "numerator"), from the same definition its number is counted from."""
    f = FIGURES[key]
    qs = SOURCES[f.source].queryset(month_start(month), today)
    if f.where is not None:
        qs = qs.filter(f.where)
    if part == "numerator":
        qs = qs.filter(f.hit)
    return qs


def figure_list(key: str, *, month: date, today: date, unit_ids: list[int], part: str = "all") -> list[dict]:
    """The list behind one unit's figure: the figure's rows restricted to the units it owns
    (`UnitMap.owned`), as items (label, when, url)."""
    source = SOURCES[FIGURES[key].source]
    qs = figure_queryset(key, month=month, today=today, part=part).filter(**{f"{source.unit}__in": unit_ids})
    return source.items(qs, key)


def figure_ids(
    key: str, *, month: date, today: date, units: UnitMap, part: str = "all"
) -> dict[int, list[int]]:
    """scored unit id -> the ids behind its figure (ascending): what the month close freezes
    and what the adjustments compare (ids and units only, no labels)."""
    source = SOURCES[FIGURES[key].source]
    out: dict[int, list[int]] = {u.pk: [] for u in units.units}
    rows = (
        figure_queryset(key, month=month, today=today, part=part)
        .order_by("id")
        .values_list("id", source.unit)
    )
    for pk, unit_id in rows:
        owner = units.owner(unit_id)
        if owner is not None:
            out[owner].append(pk)
    return out


def months_ids(
    key: str, *, months: list[date], today: date, units: UnitMap, also: dict[date, Q] | None = None
) -> dict[date, dict[int, list[int]]]:
    """`figure_ids` of a count for several months in one query (the month told by which
    window the row falls in: a source's months' windows never overlap); `also`: a further
    condition per month (the rows changed since that month's close)."""
    f, months = FIGURES[key], sorted({month_start(m) for m in months})
    source = SOURCES[f.source]
    out: dict[date, dict[int, list[int]]] = {m: {u.pk: [] for u in units.units} for m in months}
    if not months:
        return out
    conds = []
    for m in months:
        cond = source.window(m, today)
        if f.where is not None:
            cond &= f.where
        if also and m in also:
            cond &= also[m]
        conds.append(cond)
    which = Case(*[When(c, then=Value(i)) for i, c in enumerate(conds)], default=Value(-1))
    rows = (
        source.base()
        .filter(reduce(operator.or_, conds))
        .annotate(_month=which)
        .order_by("id")
        .values_list("id", source.unit, "_month")
    )
    for pk, unit_id, i in rows:
        owner = units.owner(unit_id)
        if owner is not None and i >= 0:
            out[months[i]][owner].append(pk)
    return out


def items_for_ids(key: str, ids: list[int]) -> list[dict]:
    """Frozen ids read back to items (a closed month's lists, the adjustments). An object
    deleted since is listed as such, not dropped and not a crash."""
    source = SOURCES[FIGURES[key].source]
    found = source.items(source.model.objects.filter(pk__in=ids), key)
    seen = {e["id"] for e in found}
    gone = [
        {"kind": "deleted", "id": i, "label": f"（已删除的对象 #{i}）", "when": "", "url": ""}
        for i in ids
        if i not in seen
    ]
    return found + gone
