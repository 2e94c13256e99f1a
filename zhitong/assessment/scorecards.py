"""The monthly scorecard: counts (counting.py), rates (rates.py), deductions (sources.py),
adjustments from closed months, points by the scheme in force (scoring.py), ranking and
early warnings (seeds/004). One dict, JSON as the month close freezes it, whether live (an
open month) or frozen (a closed one): every page, the API and the public page read it. Its
rows carry numbers (issue 14); the list behind a number is read on demand (`row_list`) from
the figure's own definition (counting.Figure), or for a closed month from the ids the close
froze beside the groups (`snapshot["lists"]`), so a figure is always its list's length.

Adjustments: when a closed month's counts change afterwards (an appeal reopened by its
rating, an exemption approved after the close, a certification or a request withdrawn),
the difference between the month's ids now and the ids frozen (with the adjustments
already carried into later closed months) lands in the next open month, as lists of
objects added and removed; the month's value is its own count plus the net adjustment. Closed months up to
ADJUST_BACK months before are looked at. Rates are not adjusted (a rate is a month's).

Early warnings (seeds/004 毕节): 考核排名连续两次处于倒数第一且未完成当期目标任务 → 黄色预警;
三次 → 红色预警（约谈）; 四次 → 提出组织处理建议. A unit is "last and below target" in a
month when its rank is the group's last and someone ranks above it (a tie of all is no
ranking) and its score
is below the scheme's target score; the streak runs over consecutive months ending with
the month (closed months read from their snapshots).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from zhitong.appeals.models import Appeal
from zhitong.coordination.choices import FactStanding
from zhitong.coordination.selectors.facts import certification_rows
from zhitong.organizations.models import Unit

from . import counting, rates, scoring
from .choices import Audience, MonthStatus
from .choices import Warning as W
from .close import close_parts
from .models import AssessmentMonth, Scheme
from .sources import deductions_for

ADJUST_BACK = 3
STREAK_BACK = 3
ADJUSTED_KEYS = ("reported", "coordinated", "resolved", "rehandled")


def month_key(m: date) -> str:
    return m.strftime("%Y-%m")


def warning_of(streak: int) -> str:
    if streak >= 4:
        return W.ORGANISATIONAL
    if streak == 3:
        return W.RED
    if streak == 2:
        return W.YELLOW
    return W.NONE


def closed_snapshots(months: list[date]) -> dict[date, dict]:
    return {
        m.month: m.snapshot
        for m in AssessmentMonth.objects.filter(month__in=months, status=MonthStatus.CLOSED)
    }


# Closed months' groups by (month id, digest). A closed month never reopens (assessment/
# machines.py has no move out of `closed`) and its snapshot is sealed by its digest, so what
# was read once stays true; the digest in the key makes a month closed again after a rolled
# back close (tests, the bench) a different entry. Read-only for every caller.
_CLOSED_GROUPS: dict[tuple[int, str], tuple[dict, str | None]] = {}
_CLOSED_GROUPS_MAX = 24


def closed_groups(months: list[date]) -> dict[date, dict]:
    """The closed months' scorecard groups only, as `{"groups": …, "closed_at", "pk",
    "digest", "unit_map"}`: what the adjustments and the streaks read (`unit_map`: the
    `UnitMap.digest` the close recorded, None before it did). A closed snapshot also freezes
    every unit's Annex 1 rows (its parts) and the counted ids (its lists), many times the
    groups' size, which need not be read and decoded here; and a month read once is kept in
    the process (above): at 300k appeals reading and decoding three months' groups took
    ~1.3 s of every open month's scorecard (issue 14)."""
    out: dict[date, dict] = {}
    missing = {}
    closed = AssessmentMonth.objects.filter(month__in=months, status=MonthStatus.CLOSED)
    for pk, m, digest, closed_at in closed.values_list("pk", "month", "digest", "closed_at"):
        hit = _CLOSED_GROUPS.get((pk, digest))
        if hit is None:
            missing[pk] = closed_at
        else:
            out[m] = {
                "groups": hit[0],
                "closed_at": closed_at,
                "pk": pk,
                "digest": digest,
                "unit_map": hit[1],
            }
    if missing:
        rows = AssessmentMonth.objects.filter(pk__in=missing).values_list(
            "pk", "month", "digest", "snapshot__groups", "snapshot__unit_map"
        )
        for pk, m, digest, groups, unit_map in rows:
            _remember(_CLOSED_GROUPS, (pk, digest), (groups, unit_map))
            out[m] = {
                "groups": groups,
                "closed_at": missing[pk],
                "pk": pk,
                "digest": digest,
                "unit_map": unit_map,
            }
    return out


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= _CLOSED_GROUPS_MAX:
        cache.pop(next(iter(cache)))
    cache[key] = value


# Closed months' frozen lists (counted ids) by (month id, digest), as the groups above.
_CLOSED_LISTS: dict[tuple[int, str], dict | None] = {}


def closed_lists(pk: int, digest: str) -> dict | None:
    """A closed month's frozen ids, `{str(unit id): {count key: [ids], rate key:
    {"numerator": [ids], "denominator": [ids]}}}`; None for a snapshot of the format before
    issue 14, whose rows carry their item lists themselves."""
    try:
        return _CLOSED_LISTS[(pk, digest)]
    except KeyError:
        lists = AssessmentMonth.objects.filter(pk=pk).values_list("snapshot__lists", flat=True).first()
        _remember(_CLOSED_LISTS, (pk, digest), lists)
        return lists


def read_month(month: date, *, today: date | None = None, with_streak: bool = True) -> dict:
    """The month's scorecard: the frozen snapshot if closed, else computed now."""
    month = counting.month_start(month)
    frozen = closed_snapshots([month]).get(month)
    return frozen if frozen is not None else build_month(month=month, today=today, with_streak=with_streak)


def _rows_of(snapshot: dict) -> dict[int, dict]:
    return {r["unit_id"]: r for g in snapshot["groups"].values() for r in g["rows"]}


def _ids(value) -> list[int]:
    """A frozen list as ids: new snapshots keep ids, snapshots before issue 14 items."""
    if not value or not isinstance(value[0], dict):
        return value or []
    return [e["id"] for e in value]


def _frozen_ids(snap: dict, key: str) -> dict[int, set[int]]:
    """unit id -> the ids `key` counted when the month was closed."""
    lists = closed_lists(snap["pk"], snap["digest"])
    if lists is not None:
        return {int(uid): set(_ids(v.get(key))) for uid, v in lists.items()}
    return {uid: set(_ids(r["counts"][key])) for uid, r in _rows_of(snap).items()}


# How far before a month's close an appeal's `updated_at` still counts as "changed since":
# the stamp is taken when the row is saved, before its transaction commits, so a write that
# began before the close and committed after the close had read the month carries an
# earlier stamp. An hour is far more than any request or job holds a transaction.
CHANGED_MARGIN = timedelta(hours=1)


def _may_have_changed(key: str, closed_at, last_saved) -> bool:
    """Whether `key`'s set of a month closed at `closed_at` can differ from what was frozen.
    `resolved` (the month's concluded appeals, thousands) depends only on its appeals' own
    columns (verified_at, status, exemption_status, lead unit), and every write of an appeal
    goes through the transition kernel (common/transitions.py), which saves `updated_at`,
    or the deadline job, which sets it (workdays/deadlines.py): no appeal updated since the
    close (less the margin above), no change; appeal_updated_idx serves the test. The other
    keys' sets are small (the month's meetings' facts, requests, reopening ratings) and
    depend on rows without such a stamp (a certification withdrawn clears `certified_at` by a
    queryset update, an exemption deletes facts, a request's appeal is exempted): their ids
    are always compared. `last_saved`: the latest `Appeal.updated_at` (or None)."""
    if key == "resolved":
        return last_saved is not None and last_saved >= closed_at - CHANGED_MARGIN
    return True


def _base(m: date, key: str, unit_id: int, frozen: dict[int, set[int]], later: list[dict]) -> set[int]:
    """What `key` of closed month `m` stands at for a unit: the ids frozen at its close with
    the adjustments already carried into later closed months."""
    base = set(frozen.get(unit_id, ()))
    for later_snap in later:
        for adj in _rows_of(later_snap).get(unit_id, {}).get("adjustments", []):
            if adj["month"] == month_key(m) and adj["key"] == key:
                base |= set(_ids(adj["added"]))
                base -= set(_ids(adj["removed"]))
    return base


def _quick_months(months: list[date], units: counting.UnitMap, previous: dict[date, dict]) -> list[date]:
    """Those of the closed `months` whose `resolved` `_resolved_now` may check by count: the
    month and every later closed month (`previous`) recorded today's unit map."""
    digest = units.digest
    return [m for m in months if all(previous[x]["unit_map"] == digest for x in previous if x >= m)]


def _resolved_now(
    months: list[date], units: counting.UnitMap, previous: dict[date, dict], bases: dict, counts=None
) -> dict[date, dict[int, set[int]]]:
    """month -> unit -> the `resolved` ids now of the closed `months` (those that may have
    changed), exactly, mostly without reading them. An appeal not saved since a month's
    close (less CHANGED_MARGIN) has the columns it had then, so it is in the month's set now
    iff it was then, under the same scored unit if the unit map is the one the closes
    recorded (`UnitMap.digest`). So per unit: the appeals saved since and counted now (few:
    one query for all the months) are read, and the month's count (one GROUP BY) tells
    whether any counted then is no longer counted: if `|base ∩ saved| + (count − |saved|)`
    equals `|base|`, nothing left and the set is `base ∪ saved`; otherwise (something
    left, an object deleted) the month's ids are read. A month whose map differs, or closed
    before the map was recorded, is read (the comparison before this shortcut). `counts`:
    the quick months' figures if the caller counted them already (with the month's own)."""
    quick = _quick_months(months, units, previous)
    now: dict[date, dict[int, set[int]]] = {}
    if quick:
        if counts is None or any(m not in counts for m in quick):
            counts = counting.months_figures(months=quick, today=max(quick), units=units, keys=["resolved"])
        saved = counting.months_ids(
            "resolved",
            months=quick,
            today=max(quick),
            units=units,
            also={m: Q(updated_at__gte=previous[m]["closed_at"] - CHANGED_MARGIN) for m in quick},
        )
        for m in quick:
            sets = {}
            for unit in units.units:
                base, mine = bases[(m, unit.pk)], set(saved[m][unit.pk])
                n = counts[m][unit.pk]["resolved"][0]
                if len(base & mine) + n - len(mine) != len(base):
                    break
                sets[unit.pk] = base | mine
            else:
                now[m] = sets
    full = [m for m in months if m not in now]
    if full:
        read = counting.months_ids("resolved", months=full, today=max(full), units=units)
        for m in full:
            now[m] = {uid: set(ids) for uid, ids in read[m].items()}
    return now


def _last_saved():
    """The newest appeal stamp (appeal_updated_idx, backwards): one read for every closed month."""
    return Appeal.objects.order_by("-updated_at", "-id").values_list("updated_at", flat=True).first()


def _resolved_todo(closed: list[date], previous: dict[date, dict], last_saved) -> list[date]:
    return [m for m in closed if _may_have_changed("resolved", previous[m]["closed_at"], last_saved)]


def _adjustments(
    month: date,
    units: counting.UnitMap,
    previous: dict[date, dict],
    last_saved=None,
    counts=None,
) -> dict[int, list[dict]]:
    """unit id -> the adjustments carried into `month` from earlier closed months: for each
    closed month and adjusted key that may have changed since its close, the ids counted now
    against the ids frozen at its close (with the adjustments already carried into later
    closed months); only the few added and removed objects are read back as items. One query
    per adjusted count for all the closed months; `resolved` (thousands a month) read only as
    `_resolved_now` says. The adjusted counts are counted as of now (their windows do not
    read `today`). `last_saved`, `counts`: as `build_month` read them with the month's own
    figures (else read here)."""
    out: dict[int, list[dict]] = {u.pk: [] for u in units.units}
    closed_before = sorted(m for m in previous if m < month)
    if not closed_before:
        return out
    if last_saved is None:
        last_saved = _last_saved()
    todo = {
        key: [m for m in closed_before if _may_have_changed(key, previous[m]["closed_at"], last_saved)]
        for key in ADJUSTED_KEYS
    }
    bases = {}
    for key in ADJUSTED_KEYS:
        for m in todo[key]:
            frozen = _frozen_ids(previous[m], key)
            later = [previous[x] for x in closed_before if x > m]
            for unit in units.units:
                bases[(key, m, unit.pk)] = _base(m, key, unit.pk, frozen, later)
    current: dict[str, dict[date, dict[int, set[int]]]] = {}
    for key in ADJUSTED_KEYS:
        if not todo[key]:
            continue
        if key == "resolved":
            only = {(m, uid): b for (k, m, uid), b in bases.items() if k == key}
            current[key] = _resolved_now(
                todo[key], units, {m: previous[m] for m in closed_before}, only, counts
            )
        else:
            read = counting.months_ids(key, months=todo[key], today=month, units=units)
            current[key] = {m: {uid: set(ids) for uid, ids in read[m].items()} for m in todo[key]}
    for m in closed_before:
        for key in ADJUSTED_KEYS:
            if m not in todo[key]:
                continue
            for unit in units.units:
                base, now = bases[(key, m, unit.pk)], current[key][m][unit.pk]
                added, removed = sorted(now - base), sorted(base - now)
                if added or removed:
                    out[unit.pk].append(
                        {
                            "month": month_key(m),
                            "key": key,
                            "added": counting.items_for_ids(key, added),
                            "removed": counting.items_for_ids(key, removed),
                            "clause": "结账后的变动计入下一个未结账月份（调整）",
                        }
                    )
    return out


def _deduction_dict(d) -> dict:
    return {
        "source_key": d.source_key,
        "label": d.label,
        "clause": d.clause,
        "url": d.url,
        "object_id": d.object_id,
        "when": d.when.isoformat(),
        "points": str(d.points),
    }


def _certifications(month: date) -> list[dict]:
    """seeds/000 五(二)1: the hub's certification of each unit's month, and the facts of a
    county principal's meeting it has not (yet) counted — recorded in the snapshot."""
    out = []
    for row in certification_rows(month=month):
        cert = row.certification
        out.append(
            {
                "unit_id": cert.unit_id,
                "unit": cert.unit.name,
                "status": cert.status,
                "certified_count": cert.certified_count,
                "uncounted": [
                    {"id": f.pk, "meeting_id": f.meeting_id, "standing": f.standing}
                    for s in (FactStanding.AWAITING_CERTIFICATION, FactStanding.AWAITING_EVIDENCE)
                    for f in row.of(s)
                ],
            }
        )
    return out


def build_month(
    *,
    month: date,
    today: date | None = None,
    with_streak: bool = True,
    parts: bool = False,
    lists=None,
    certifications: bool = True,
) -> dict:
    """Compute the month's scorecard now (see the module's docstring). `parts`: with every
    registered close part; `lists` (default: as `parts`, what the month close freezes): with
    the ids behind every figure of every unit (`snapshot["lists"]`, and the unit map's
    digest they were counted under, `snapshot["unit_map"]`); `certifications`: False leaves
    out the hub's certifications. The streak's months before that are not closed are built
    here too (without streak or certifications: only their ranks are read), their figures
    counted with the month's in the same scans."""
    today = today or timezone.localdate()
    month = counting.month_start(month)
    units = counting.UnitMap()
    back = [month]  # the month, then every month before it any of the builds below reads
    for _ in range(max(ADJUST_BACK, STREAK_BACK) + (STREAK_BACK if with_streak else 0)):
        back.append(counting.prev_month(back[-1]))
    previous = closed_groups(back[1:])
    before = back[1 : STREAK_BACK + 1] if with_streak else []
    plan: dict[date, list[str] | None] = {m: None for m in [month, *before] if m not in previous}
    figures = counting.months_figures(months=plan, today=today, units=units)
    # The closed months whose `resolved` the month's adjustments may check by count: one scan
    # of their verifications alone (`Source.span`: one index range, index-only on PostgreSQL
    # with appeal_verified_cover_idx's included columns), not folded into the month's own scan,
    # where their windows made PostgreSQL OR four months' bitmaps and read every row of
    # them from the table (issue 14: 91 of the running build's 147 ms of SQL at the city).
    closed = sorted(x for x in previous if back[ADJUST_BACK] <= x < month)
    last_saved = _last_saved() if closed else None
    quick = _quick_months(
        _resolved_todo(closed, previous, last_saved), units, {x: previous[x] for x in closed}
    )
    if quick:
        figures.update(
            counting.months_figures(months=quick, today=max(quick), units=units, keys=["resolved"])
        )
    schemes = list(Scheme.objects.all())

    def build(m: date) -> dict:
        adjust = [counting.month_start(m)]
        for _ in range(ADJUST_BACK):
            adjust.append(counting.prev_month(adjust[-1]))
        mine = {x: s for x, s in previous.items() if adjust[-1] <= x < m}
        if m == month:
            adjustments = _adjustments(m, units, mine, last_saved, {x: figures[x] for x in quick})
        else:
            adjustments = _adjustments(m, units, mine)
        deductions = deductions_for(units=units.units, month_start=m, month_end=counting.month_end(m))
        groups = {}
        for audience in Audience.values:
            members = [u for u in units.units if units.group(u) == audience]
            scheme = scoring.scheme_for(audience=audience, month=m, schemes=schemes)
            rows = [
                _unit_row(
                    u, figures[m][u.pk], adjustments[u.pk], [d for d in deductions if d.unit_id == u.pk]
                )
                for u in members
            ]
            _score(rows, scheme)
            groups[audience] = {
                "scheme": scoring.scheme_dict(scheme) if scheme else None,
                "rows": rows,
            }
        return {"month": month_key(m), "as_of": today.isoformat(), "groups": groups}

    snapshot = build(month)
    # The early-warning streak reads only the ranks of the months before (below).
    snapshot["certifications"] = _certifications(month) if certifications else []
    if with_streak:
        _streaks(snapshot, before, {m: previous.get(m) or {**build(m), "certifications": []} for m in before})
    if parts:
        snapshot["parts"] = close_parts(month_start=month, month_end=counting.month_end(month))
    if parts if lists is None else lists:
        snapshot["lists"] = frozen_lists(month=month, today=today, units=units)
        snapshot["unit_map"] = units.digest
    return snapshot


def frozen_lists(*, month: date, today: date, units: counting.UnitMap) -> dict:
    """What the month close freezes of the lists: per unit and figure the counted ids (a
    rate's numerator and denominator), apart from the groups (`closed_groups` stays small)."""
    out: dict[str, dict] = {str(u.pk): {} for u in units.units}
    for key in counting.COUNT_KEYS:
        for uid, ids in counting.figure_ids(key, month=month, today=today, units=units).items():
            out[str(uid)][key] = ids
    for key in rates.RATE_KEYS:
        den = counting.figure_ids(key, month=month, today=today, units=units)
        num = counting.figure_ids(key, month=month, today=today, units=units, part="numerator")
        for uid in den:
            out[str(uid)][key] = {"numerator": num[uid], "denominator": den[uid]}
    return out


def _unit_row(unit: Unit, figures: dict[str, tuple[int, int]], adjustments, deductions) -> dict:
    def rate(key):
        n, hits = figures[key]
        value = rates.rate_value(hits, n)
        return {"numerator": hits, "denominator": n, "value": None if value is None else str(value)}

    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "counts": {k: figures[k][0] for k in counting.COUNT_KEYS},
        "rates": {k: rate(k) for k in rates.RATE_KEYS},
        "adjustments": adjustments,
        "deductions": [_deduction_dict(d) for d in deductions],
    }


def size(value) -> int:
    """A figure of a row: a number; in a snapshot closed before issue 14, its list."""
    return value if isinstance(value, int) else len(value)


def _value(row: dict, key: str):
    if key in ADJUSTED_KEYS:
        net = sum(len(a["added"]) - len(a["removed"]) for a in row["adjustments"] if a["key"] == key)
        return size(row["counts"][key]) + net
    if key == "deductions":
        return sum((Decimal(d["points"]) for d in row["deductions"]), Decimal(0))
    value = row["rates"][key]["value"]
    return None if value is None else Decimal(value)


def row_list(*, card: dict, row: dict, key: str, part: str = "all") -> list[dict]:
    """The list behind one figure of a row of `card` (`part`: "numerator" or "denominator"
    of a rate): a closed month's frozen ids read back; an open month's from the figure's own
    definition (counting.Figure) as of the card's day; a snapshot closed before issue 14
    carries its items itself."""
    frozen = row["counts"][key] if part == "all" else row["rates"][key][part]
    if isinstance(frozen, list):
        return frozen
    month = date.fromisoformat(card["month"] + "-01")
    closed = (
        AssessmentMonth.objects.filter(month=month, status=MonthStatus.CLOSED)
        .values_list("pk", "digest")
        .first()
    )
    if closed is not None:
        lists = (closed_lists(*closed) or {}).get(str(row["unit_id"]), {})
        ids = lists.get(key, []) if part == "all" else lists.get(key, {}).get(part, [])
        return counting.items_for_ids(key, ids)
    return counting.figure_list(
        key,
        month=month,
        today=date.fromisoformat(card["as_of"]),
        unit_ids=counting.UnitMap().owned(row["unit_id"]),
        part="numerator" if part == "numerator" else "all",
    )


def _score(rows: list[dict], scheme: Scheme | None) -> None:
    weights = scoring.scheme_dict(scheme)["weights"] if scheme else {}
    values = {r["unit_id"]: {i.key: _value(r, i.key) for i in scoring.INDICATORS} for r in rows}
    best = {
        i.key: max((values[r["unit_id"]][i.key] for r in rows), default=0)
        for i in scoring.INDICATORS
        if i.kind == "count"
    }
    for r in rows:
        v = values[r["unit_id"]]
        r["values"] = {k: (None if x is None else str(x)) for k, x in v.items()}
        r["points"] = (
            {
                i.key: str(
                    scoring.points(
                        key=i.key,
                        value=v[i.key],
                        weight=Decimal(weights.get(i.key, "0")),
                        best=best.get(i.key),
                    )
                )
                for i in scoring.INDICATORS
            }
            if scheme
            else {}
        )
        r["score"] = str(sum((Decimal(p) for p in r["points"].values()), Decimal("0.00")))
    ranks = scoring.rank([(r["unit_id"], Decimal(r["score"])) for r in rows])
    target = Decimal(scheme.target_score) if scheme else None
    last = max(ranks.values(), default=0)
    for r in rows:
        r["rank"] = ranks[r["unit_id"]]
        r["last_below"] = bool(scheme and r["rank"] == last > 1 and Decimal(r["score"]) < target)
    rows.sort(key=lambda r: (r["rank"], r["unit_id"]))


def _streaks(snapshot: dict, before: list[date], cards: dict[date, dict]) -> None:
    """Set `streak` and `warning` on every row (seeds/004); `cards`: the months `before`
    (newest first), closed or built live."""
    flags = [{uid: r["last_below"] for uid, r in _rows_of(cards[m]).items()} for m in before]
    for group in snapshot["groups"].values():
        for r in group["rows"]:
            streak = 0
            if r["last_below"]:
                streak = 1
                for f in flags:
                    if not f.get(r["unit_id"]):
                        break
                    streak += 1
            r["streak"] = streak
            r["warning"] = str(warning_of(streak))
