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

from calendar import monthrange
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, Status
from zhitong.appeals.models import Appeal, Cooperation
from zhitong.coordination.choices import MeetingStatus
from zhitong.coordination.models import MeetingItem
from zhitong.coordination.selectors.meetings import implementation_text
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


def ledger_appeals(*, units, month_start: date, month_end: date) -> QuerySet[Appeal]:
    """The appeals of the ledgers of `units` (ids or Units) for the period, with everything a
    row shows in a fixed number of queries."""
    start, end = _aware(month_start), _aware(_end_exclusive(month_start, month_end))
    unit_ids = [getattr(u, "pk", u) for u in units]
    concluded_before = Q(status__in=CONCLUDED_STATUSES) & (
        Q(verified_at__lt=start) | Q(verified_at__isnull=True, closed_at__lt=start)
    )
    items = (
        MeetingItem.objects.filter(meeting__status=MeetingStatus.HELD, meeting__held_at__lt=end)
        .select_related("meeting", "meeting__convener")
        .prefetch_related("tasks__unit")
        .order_by("meeting__held_at", "id")
    )
    return (
        Appeal.objects.filter(lead_unit_id__in=unit_ids, received_at__lt=end)
        .exclude(status=Status.MERGED)
        .exclude(concluded_before)
        .select_related("enterprise", "project", "received_unit__parent", "lead_unit")
        .prefetch_related(
            Prefetch("cooperations", queryset=Cooperation.objects.select_related("unit").order_by("id")),
            Prefetch("meeting_items", queryset=items, to_attr="ledger_items"),
        )
        .order_by("lead_unit__path", "received_at", "id")
    )


def _concluded_by(appeal: Appeal, end: datetime) -> bool:
    """办结 by the end of the period (seeds/001 四(八): verified, or closed after the rating)."""
    if appeal.status not in CONCLUDED_STATUSES:
        return False
    moment = appeal.verified_at or appeal.closed_at
    return moment is None or moment < end


def ledger_row(appeal: Appeal, no: int, *, end: datetime) -> dict:
    """One ledger row: the seed's columns as strings, and the appeal it is about."""
    items = getattr(appeal, "ledger_items", None)
    if items is None:
        items = list(
            appeal.meeting_items.filter(meeting__status=MeetingStatus.HELD, meeting__held_at__lt=end)
        )
    received = timezone.localtime(appeal.received_at)
    coop = "、".join(c.unit.display_name for c in appeal.cooperations.all())
    lead = appeal.lead_unit.display_name if appeal.lead_unit_id else ""
    tasks = [t for item in items for t in item.tasks.all()]
    if tasks:
        implementation = implementation_text(tasks)
    else:
        implementation = f"{Status(appeal.status).label}"
        if appeal.resolution:
            implementation += f"：{appeal.resolution}"
    return {
        "no": no,
        "project_name": appeal.project.name if appeal.project_id else appeal.enterprise.name,
        "basic_situation": (
            f"{appeal.enterprise.name}：{appeal.title}（{appeal.code}，"
            f"{received:%Y-%m-%d}经{appeal.get_channel_display()}受理）"
        ),
        "problem": appeal.description,
        # A section's clerk registers for its department: the department reported it.
        "reporting_unit": scope_root(appeal.received_unit).display_name,
        "coordinating_units": f"牵头：{lead}" + (f"；配合：{coop}" if coop else ""),
        "meeting_dates": "；".join(f"{timezone.localtime(i.meeting.held_at):%Y-%m-%d}" for i in items),
        "meeting_leaders": "；".join(
            f"{i.meeting.convener.display_name}（{i.meeting.get_level_display()}）" for i in items
        ),
        "opinions": "；".join(i.opinion.strip() for i in items if i.opinion.strip()),
        "implementation": implementation,
        "resolved": "是" if _concluded_by(appeal, end) else "否",
        "appeal_id": appeal.pk,
        "appeal_code": appeal.code,
    }


def ledger_rows(*, unit, month_start: date, month_end: date) -> list[dict]:
    """The ledger of `unit` for the period, numbered from 1, in a stable order."""
    end = _aware(_end_exclusive(month_start, month_end))
    appeals = ledger_appeals(units=[unit], month_start=month_start, month_end=month_end)
    return [ledger_row(a, no, end=end) for no, a in enumerate(appeals, start=1)]


def all_ledger_rows(*, month_start: date, month_end: date) -> list[dict]:
    """Every unit's ledger for the period, one list: the rows of each unit in the unit tree's
    order, each row naming its unit (`unit_id`, `unit_code`, `unit_name`). The month close's
    part (SHARED_CONTRACTS: register_close_part("annex1", label=…, func=all_ledger_rows))."""
    end = _aware(_end_exclusive(month_start, month_end))
    units = ledger_units()
    appeals = ledger_appeals(units=units, month_start=month_start, month_end=month_end)
    out: list[dict] = []
    numbers: dict[int, int] = {}
    for a in appeals:
        numbers[a.lead_unit_id] = numbers.get(a.lead_unit_id, 0) + 1
        row = ledger_row(a, numbers[a.lead_unit_id], end=end)
        out.append(
            {"unit_id": a.lead_unit_id, "unit_code": a.lead_unit.code, "unit_name": a.lead_unit.name, **row}
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


def annex1_xlsx(*, unit: Unit, month: date, rows: list[dict]) -> bytes:
    """The ledger as the seed's table: its title with the unit and the month, 单位名称（盖章）,
    the two header rows, one row per problem."""
    book = Book()
    book.sheet(
        "附件1",
        COLUMNS,
        title=annex1_title(unit, month),
        subtitle=f"单位名称（盖章）：{unit.name}",
        groups=GROUPS,
    ).rows([[r[k] for k, _, _, _ in FIELDS] for r in rows])
    return book.close()
