"""Annex 1 of seeds/000: 《“一企一议”问题台账》, per unit and month (seeds/000 二: the units
that receive enterprises' problems divide them among the responsible units and keep this
ledger; 每月底梳理汇总问题协调解决情况并抄送市发改委).

Whose ledger: the unit that leads the appeal (牵头单位) — the one that follows it to the end.
Which rows for a period [month_start, month_end]: the unit's appeals received by the end of
the period and not concluded (办结, appeals.selectors.concluded_q) before its start — the
month's new problems and those carried over, live during the month. Merged duplicates are
left out (their master is the row). Each row is a dict of strings, JSON-serialisable, in a
stable order (received time, then id), so that the month close of the assessment app can
freeze it (SHARED_CONTRACTS: `assessment.close.register_close_part(key, label=…, func=…)`
with `func(*, month_start, month_end)` — `all_ledger_rows` has exactly that signature).

The columns are the seed table's, under its three group headers:
序号 | 问题收集分解: 项目名称, 基本情况, 需协调解决的问题, 上报单位 | 问题分解协调: 协调单位,
召开协调会的时间, 召开协调会的领导, 协调意见 | 问题跟踪落实: 协调意见落实情况, 是否已解决.
"""

from __future__ import annotations

import io
from calendar import monthrange
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, Status
from zhitong.appeals.models import Appeal, Cooperation
from zhitong.coordination.choices import MeetingStatus
from zhitong.coordination.models import Meeting, MeetingItem, Task
from zhitong.coordination.selectors.meetings import implementation_text_of
from zhitong.core.downloads import month_cn
from zhitong.core.spreadsheets import Book, Column
from zhitong.organizations.capabilities import is_city_leader, is_unit_staff, sees_whole_city
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import scope_root, user_scope_unit_ids

ANNEX1_TITLE = "“一企一议”问题台账"
# (key of the row dict, header, width in Excel units, centred)
FIELDS = [
    ("no", "序号", 5, True),
    ("project_name", "项目名称", 14, False),
    ("basic_situation", "基本情况", 21, False),
    ("problem", "需协调解决的问题", 23, False),
    ("reporting_unit", "上报单位", 12, False),
    ("coordinating_units", "协调单位", 14, False),
    ("meeting_dates", "召开协调会的时间", 12, True),
    ("meeting_leaders", "召开协调会的领导", 14, True),
    ("opinions", "协调意见", 22, False),
    ("implementation", "协调意见落实情况", 22, False),
    ("resolved", "是否已解决", 7, True),
]
HEADERS = [h for _, h, _, _ in FIELDS]
GROUPS = [("序号", 1), ("问题收集分解", 4), ("问题分解协调", 4), ("问题跟踪落实", 2)]
COLUMNS = [Column(h, w, center=c) for _, h, w, c in FIELDS]
# Units that lead appeals and so keep a ledger (not sections, the supervision office or the
# People's Congress).
LEDGER_KINDS = (
    UnitKind.CITY_GOVERNMENT,
    UnitKind.DEPARTMENT,
    UnitKind.COUNTY,
    UnitKind.PARK,
    UnitKind.ASSOCIATION,
    UnitKind.OTHER,
)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of `month`'s month."""
    return month.replace(day=1), month.replace(day=monthrange(month.year, month.month)[1])


def _end_exclusive(month_start: date, month_end: date) -> date:
    """The day after the period. `month_end` is the period's last day (inclusive); the first
    day of the next month is also accepted (a range that ends on a 1st after its start is
    read as exclusive), so either convention of the month close gives the same rows."""
    if month_end.day == 1 and month_end > month_start:
        return month_end
    return month_end + timedelta(days=1)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _concluded_before(start: datetime) -> Q:
    return Q(status__in=CONCLUDED_STATUSES) & (
        Q(verified_at__lt=start) | Q(verified_at__isnull=True, closed_at__lt=start)
    )


def ledger_appeals(*, units, month_start: date, month_end: date) -> QuerySet[Appeal]:
    """The appeals of the ledgers of `units` (ids or Units) for the period, in the ledgers'
    order (the lead unit in tree order, then received time, then id). For counting and
    filtering: the rows themselves are built by `iter_ledger_rows` from plain values."""
    start, end = _aware(month_start), _aware(_end_exclusive(month_start, month_end))
    unit_ids = [getattr(u, "pk", u) for u in units]
    return (
        Appeal.objects.filter(lead_unit_id__in=unit_ids, received_at__lt=end)
        .exclude(status=Status.MERGED)
        .exclude(_concluded_before(start))
        .order_by("lead_unit__path", "received_at", "id")
    )


def _concluded_by(status: str, verified_at, closed_at, end: datetime) -> bool:
    """办结 by the end of the period (seeds/001 四(八): verified, or closed after the rating)."""
    if status not in CONCLUDED_STATUSES:
        return False
    moment = verified_at or closed_at
    return moment is None or moment < end


def _labels(model, field: str) -> dict[str, str]:
    """A choice field's labels as plain strings in the active language (once per ledger, not
    a lazy translation per row)."""
    return {k: str(v) for k, v in model._meta.get_field(field).flatchoices}


# The columns read from the appeals, one tuple per appeal streamed from the database.
_APPEAL_FIELDS = (
    "id",
    "code",
    "title",
    "description",
    "status",
    "channel",
    "resolution",
    "received_at",
    "verified_at",
    "closed_at",
    "received_unit_id",
    "lead_unit_id",
    "project_id",
    "project__name",
    "enterprise__name",
)
# Appeals fetched per round trip (PostgreSQL: a server-side cursor; the rows are never all held).
CHUNK = 2000


def _stream(*, unit_ids: list[int], month_start: date, month_end: date):
    """(lead unit id, row without its number) for each appeal of the ledgers of `unit_ids`, in
    the ledgers' order, in four queries and one more per CHUNK rows: the units, the held
    meetings' items and their tasks (each restricted to the ledger's appeals by a subquery),
    the appeals themselves, streamed in chunks of CHUNK, and the cooperating units of each
    chunk's appeals."""
    end = _aware(_end_exclusive(month_start, month_end))
    appeals = ledger_appeals(units=unit_ids, month_start=month_start, month_end=month_end)
    ids = appeals.order_by().values("id")

    # Every unit, once, with its parent linked in memory: the lead, cooperating and task
    # units' names, and the reporting unit by organizations' own scope_root (a section's
    # department, any depth), without a query per row.
    units = {u.pk: u for u in Unit.objects.only("id", "kind", "parent_id", "short_name", "name")}
    for u in units.values():
        if u.parent_id:
            u.parent = units[u.parent_id]

    def reporting(unit_id):
        return scope_root(units[unit_id]).display_name if unit_id is not None else ""

    held = MeetingItem.objects.filter(
        appeal_id__in=ids, meeting__status=MeetingStatus.HELD, meeting__held_at__lt=end
    )
    levels = _labels(Meeting, "level")
    items: dict[int, list[tuple]] = {}
    for item_id, appeal_id, opinion, held_at, level, full_name, username in held.order_by(
        "meeting__held_at", "id"
    ).values_list(
        "id",
        "appeal_id",
        "opinion",
        "meeting__held_at",
        "meeting__level",
        "meeting__convener__full_name",
        "meeting__convener__username",
    ):
        leader = f"{full_name or username}（{levels.get(level, level)}）"
        items.setdefault(appeal_id, []).append((item_id, held_at, leader, opinion))

    task_labels = _labels(Task, "status")
    tasks: dict[int, list[tuple[str, str, str]]] = {}
    for item_id, unit_id, status, note in (
        Task.objects.filter(meeting_item_id__in=held.values("id"))
        .order_by(*Task._meta.ordering)
        .values_list("meeting_item_id", "unit_id", "status", "last_note")
    ):
        tasks.setdefault(item_id, []).append(
            (units[unit_id].display_name, task_labels.get(status, status), note)
        )

    statuses = _labels(Appeal, "status")
    channels = _labels(Appeal, "channel")
    stream = appeals.values_list(*_APPEAL_FIELDS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(stream, CHUNK)):
        # The chunk's cooperating units by its appeal ids (an index lookup; a subquery over
        # the ledger's appeals made PostgreSQL scan the whole appeals table).
        cooperating: dict[int, list[str]] = {}
        for appeal_id, unit_id in (
            Cooperation.objects.filter(appeal_id__in=[row[0] for row in chunk])
            .order_by("id")
            .values_list("appeal_id", "unit_id")
        ):
            cooperating.setdefault(appeal_id, []).append(units[unit_id].display_name)
        for (
            pk,
            code,
            title,
            description,
            status,
            channel,
            resolution,
            received_at,
            verified_at,
            closed_at,
            received_unit_id,
            lead_unit_id,
            project_id,
            project_name,
            enterprise_name,
        ) in chunk:
            mine = items.get(pk, ())
            parts = [t for item in mine for t in tasks.get(item[0], ())]
            if parts:
                implementation = implementation_text_of(parts)
            else:
                implementation = statuses[status]
                if resolution:
                    implementation += f"：{resolution}"
            coop = "、".join(cooperating.get(pk, ()))
            lead = units[lead_unit_id].display_name if lead_unit_id else ""
            received = timezone.localtime(received_at)
            opinions = (i[3].strip() for i in mine)
            yield (
                lead_unit_id,
                {
                    "project_name": project_name if project_id else enterprise_name,
                    "basic_situation": (
                        f"{enterprise_name}：{title}（{code}，{received:%Y-%m-%d}经{channels.get(channel, channel)}受理）"
                    ),
                    "problem": description,
                    # A section's clerk registers for its department: the department reported it.
                    "reporting_unit": reporting(received_unit_id),
                    "coordinating_units": f"牵头：{lead}" + (f"；配合：{coop}" if coop else ""),
                    "meeting_dates": "；".join(f"{timezone.localtime(i[1]):%Y-%m-%d}" for i in mine),
                    "meeting_leaders": "；".join(i[2] for i in mine),
                    "opinions": "；".join(o for o in opinions if o),
                    "implementation": implementation,
                    "resolved": "是" if _concluded_by(status, verified_at, closed_at, end) else "否",
                    "appeal_id": pk,
                    "appeal_code": code,
                },
            )


def iter_ledger_rows(*, unit, month_start: date, month_end: date) -> Iterator[dict]:
    """The ledger of `unit` for the period, numbered from 1, in a stable order, one row at a
    time (the workbook is written as they come)."""
    stream = _stream(unit_ids=[getattr(unit, "pk", unit)], month_start=month_start, month_end=month_end)
    for no, (_lead, row) in enumerate(stream, start=1):
        yield {"no": no, **row}


def ledger_rows(*, unit, month_start: date, month_end: date) -> list[dict]:
    """The ledger of `unit` for the period, numbered from 1, in a stable order."""
    return list(iter_ledger_rows(unit=unit, month_start=month_start, month_end=month_end))


def all_ledger_rows(*, month_start: date, month_end: date) -> list[dict]:
    """Every unit's ledger for the period, one list: the rows of each unit in the unit tree's
    order, each row naming its unit (`unit_id`, `unit_code`, `unit_name`). The month close's
    part (SHARED_CONTRACTS: register_close_part("annex1", label=…, func=all_ledger_rows))."""
    units = {u.pk: u for u in ledger_units()}
    out: list[dict] = []
    numbers: dict[int, int] = {}
    for lead_unit_id, row in _stream(unit_ids=list(units), month_start=month_start, month_end=month_end):
        numbers[lead_unit_id] = numbers.get(lead_unit_id, 0) + 1
        unit = units[lead_unit_id]
        out.append(
            {
                "unit_id": lead_unit_id,
                "unit_code": unit.code,
                "unit_name": unit.name,
                "no": numbers[lead_unit_id],
                **row,
            }
        )
    return out


def ledger_units() -> QuerySet[Unit]:
    """Every unit that keeps a ledger, in tree order (inactive ones too: their old months)."""
    return Unit.objects.filter(kind__in=LEDGER_KINDS).order_by("path")


# -- who reads which ledger --------------------------------------------------------------------


def reads_ledgers(user) -> bool:
    """seeds/000 二: the hub (市发改委) receives every ledger; city leaders, the supervision
    office and the People's Congress read them all; unit staff their own unit's."""
    return sees_whole_city(user) or is_city_leader(user) or (is_unit_staff(user) and bool(user.unit_id))


def ledger_units_for_user(user) -> list[Unit]:
    """The units whose ledger `user` may read: every ledger unit for the city-wide roles and
    city leaders; for anyone else the ledger units within their data scope
    (organizations.selectors.user_scope_unit_ids — a unit's staff: their own unit; a scope
    narrowed to a county: that county's units)."""
    if not reads_ledgers(user):
        return []
    qs = ledger_units().filter(is_active=True)
    if is_city_leader(user):
        return list(qs)
    # The data scope decides for everyone else: None (the whole city) for the city-wide
    # roles; a scope narrowed to a county (a county's supervision office) keeps its county.
    ids = user_scope_unit_ids(user)
    if ids is None:
        return list(qs)
    own = scope_root(user.unit) if user.unit_id else None
    units = list(qs.filter(pk__in=ids))
    # The user's own unit first (the page opens on it).
    return sorted(units, key=lambda u: u.pk != getattr(own, "pk", None))


def ledger_unit_for_user(user, unit_id, *, units: list[Unit] | None = None) -> Unit | None:
    """The unit `user` asked for (None or "": the first they may read), or None when it is
    not one they may read."""
    units = ledger_units_for_user(user) if units is None else units
    if unit_id in (None, ""):
        return units[0] if units else None
    return next((u for u in units if str(u.pk) == str(unit_id)), None)


# -- the workbook -------------------------------------------------------------------------------


def annex1_title(unit: Unit, month: date) -> str:
    return f"{unit.name}{ANNEX1_TITLE}（{month_cn(month)}）"


def write_annex1_xlsx(target, *, unit: Unit, month: date, rows: Iterable[dict]) -> None:
    """The ledger as the seed's table, written to `target` (a path or a binary file) as `rows`
    come (an iterator is never held whole: XlsxWriter's constant_memory mode keeps one row):
    its title with the unit and the month, 单位名称（盖章）, the two header rows, one row per
    problem."""
    book = Book(target)
    book.sheet(
        "附件1",
        COLUMNS,
        title=annex1_title(unit, month),
        subtitle=f"单位名称（盖章）：{unit.name}",
        groups=GROUPS,
    ).rows([r[k] for k, _, _, _ in FIELDS] for r in rows)
    book.close()


def annex1_xlsx(*, unit: Unit, month: date, rows: Iterable[dict]) -> bytes:
    """The workbook of `write_annex1_xlsx` as bytes (small ledgers, tests)."""
    buf = io.BytesIO()
    write_annex1_xlsx(buf, unit=unit, month=month, rows=rows)
    return buf.getvalue()
