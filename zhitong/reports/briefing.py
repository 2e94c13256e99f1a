"""The monthly briefing (简报) on enterprises' appeals, as .docx (docxtpl) with charts.

The document is a list of sections (`SECTIONS`): each builder takes the month's figures
(`BriefingData`, read once) and returns a `Section` — a heading, paragraphs, an optional table
and an optional chart — or None to leave it out. The lead adds the scorecard ranking at
integration with `register_section("ranking", builder, after="units")` (the assessment app does
not exist on this branch). The template (title, month, issuing office) is built in memory with
python-docx in the house way (coordination/documents/build_template.py) and the sections are
rendered into it as one docxtpl sub-document.

Figures of month M (city-wide; merged duplicates left out, their master counts):
- received: received in M;
- concluded (办结, seeds/001 四(八)): verified in M;
- overdue (超期): resolved after the deadline in M (`resolved_on_time` False), or still open
  past a deadline that fell by the end of M (and before today).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, Status
from zhitong.appeals.deadlines import ACCOUNTABLE_STATUSES
from zhitong.appeals.models import Appeal
from zhitong.coordination.choices import MeetingStatus
from zhitong.coordination.models import Event, Meeting
from zhitong.core.downloads import month_cn
from zhitong.organizations.capabilities import is_city_leader, sees_whole_city

from .charts import bar_png

TITLE = "企业诉求办理工作简报"
ISSUER = "市发展和改革委员会（企业和项目服务统筹协调）"
OVERDUE_LIST_LIMIT = 200


def reads_briefing(user) -> bool:
    """The city-wide roles (the hub that issues it, the supervision office, the People's
    Congress, admins) and the city leaders who receive it."""
    return sees_whole_city(user) or is_city_leader(user)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths_cm: list[float]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: bytes | None = None  # PNG
    chart_missing: bool = False  # a chart was wanted and could not be drawn


@dataclass
class UnitFigures:
    name: str
    received: int = 0
    concluded: int = 0
    overdue: int = 0


@dataclass
class BriefingData:
    month: date
    received: int
    concluded: int
    overdue: int
    units: list[UnitFigures]
    categories: list[tuple[str, int]]
    meetings: list[Meeting]
    events: list[Event]
    overdue_list: list[Appeal]

    @property
    def label(self) -> str:
        return month_cn(self.month)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def briefing_data(*, month: date, today: date | None = None) -> BriefingData:
    today = today or timezone.localdate()
    month = month.replace(day=1)
    last = month.replace(day=monthrange(month.year, month.month)[1])
    start, end = _aware(month), _aware(last + timedelta(days=1))
    base = Appeal.objects.exclude(status=Status.MERGED)
    received_q = Q(received_at__gte=start, received_at__lt=end)
    concluded_q = Q(status__in=CONCLUDED_STATUSES, verified_at__gte=start, verified_at__lt=end)
    overdue_q = Q(resolved_on_time=False, resolved_at__gte=start, resolved_at__lt=end) | Q(
        status__in=ACCOUNTABLE_STATUSES, clock_due__lte=last, clock_due__lt=today
    )
    units: dict[int | None, UnitFigures] = {}
    for key, q in (("received", received_q), ("concluded", concluded_q), ("overdue", overdue_q)):
        for pk, name, n in (
            base.filter(q).order_by().values_list("lead_unit_id", "lead_unit__name").annotate(n=Count("id"))
        ):
            u = units.setdefault(pk, UnitFigures(name or "待分办"))
            setattr(u, key, n)
    unit_rows = sorted(units.values(), key=lambda u: (-u.received, -u.overdue, u.name))
    categories = [
        (name, n)
        for name, n in base.filter(received_q)
        .order_by()
        .values_list("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")
    ]
    meetings = list(
        Meeting.objects.filter(status=MeetingStatus.HELD, held_at__gte=start, held_at__lt=end)
        .select_related("convener")
        .annotate(n_items=Count("items"))
        .order_by("held_at", "id")
    )
    events = list(
        Event.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("chair", "office_unit")
        .order_by("scheduled_at", "id")
    )
    overdue_list = list(
        base.filter(overdue_q)
        .select_related("enterprise", "lead_unit")
        .order_by("clock_due", "id")[:OVERDUE_LIST_LIMIT]
    )
    return BriefingData(
        month=month,
        received=sum(u.received for u in unit_rows),
        concluded=sum(u.concluded for u in unit_rows),
        overdue=sum(u.overdue for u in unit_rows),
        units=unit_rows,
        categories=categories,
        meetings=meetings,
        events=events,
        overdue_list=overdue_list,
    )


# -- the sections -------------------------------------------------------------------------------


def section_summary(d: BriefingData) -> Section:
    rate = f"{d.concluded / d.received:.0%}" if d.received else "—"
    return Section(
        "summary",
        "一、总体情况",
        [
            f"{d.label}，全市共受理企业诉求{d.received}件，办结（经核验）{d.concluded}件，"
            f"办结件数与受理件数之比为{rate}；超期诉求{d.overdue}件（含超期办结和至月末仍超期未办结的）。"
        ],
    )


def section_units(d: BriefingData) -> Section:
    top = d.units[:15]
    chart = bar_png(
        [u.name for u in top],
        [
            ("受理", [u.received for u in top]),
            ("办结", [u.concluded for u in top]),
            ("超期", [u.overdue for u in top]),
        ],
        title="分单位受理、办结和超期件数",
        horizontal=True,
    )
    return Section(
        "units",
        "二、分单位情况",
        [] if d.units else ["本月无诉求。"],
        Table(
            ["牵头单位", "受理", "办结", "超期"],
            [[u.name, str(u.received), str(u.concluded), str(u.overdue)] for u in d.units],
            [7.8, 2.6, 2.6, 2.6],
        )
        if d.units
        else None,
        chart,
        chart_missing=bool(d.units) and chart is None,
    )


def section_categories(d: BriefingData) -> Section:
    chart = bar_png(
        [c for c, _n in d.categories], [("受理", [n for _c, n in d.categories])], title="分类别受理件数"
    )
    return Section(
        "categories",
        "三、分类别情况",
        [] if d.categories else ["本月无诉求。"],
        Table(["诉求类别", "受理件数"], [[c, str(n)] for c, n in d.categories], [10.6, 5.0])
        if d.categories
        else None,
        chart,
        chart_missing=bool(d.categories) and chart is None,
    )


def section_coordination(d: BriefingData) -> Section:
    rows = [
        [
            f"{timezone.localtime(m.held_at):%m-%d}",
            "协调会",
            m.title,
            f"{m.convener.display_name}（{m.get_level_display()}）",
            f"{m.n_items}个问题",
        ]
        for m in d.meetings
    ] + [
        [
            f"{timezone.localtime(e.scheduled_at):%m-%d}",
            e.get_kind_display(),
            e.title,
            e.chair.display_name,
            e.get_status_display(),
        ]
        for e in d.events
    ]
    return Section(
        "coordination",
        "四、协调会和面对面活动",
        [f"本月召开协调会{len(d.meetings)}次，面对面政企交流活动{len(d.events)}场。"],
        Table(["日期", "类型", "名称", "领导", "问题/状态"], rows, [1.6, 2.4, 6.0, 3.4, 2.2])
        if rows
        else None,
    )


def section_overdue(d: BriefingData) -> Section:
    rows = [
        [
            a.code,
            a.enterprise.name,
            a.title,
            a.lead_unit.display_name if a.lead_unit_id else "待分办",
            f"{due:%Y-%m-%d}" if due else "—",
            "超期办结" if a.resolved_on_time is False else a.get_status_display(),
        ]
        for a in d.overdue_list
        # Resolved late: the handling deadline it missed; still open: its current deadline.
        for due in [a.handling_due if a.resolved_on_time is False else a.clock_due]
    ]
    paragraphs = [f"本月超期诉求{d.overdue}件。" if rows else "本月无超期诉求。"]
    if d.overdue > len(rows):
        paragraphs.append(f"下表列出期限最早的{len(rows)}件。")
    return Section(
        "overdue",
        "五、超期诉求清单",
        paragraphs,
        Table(["编号", "企业", "诉求", "牵头单位", "期限", "情况"], rows, [2.6, 3.2, 4.2, 2.6, 1.8, 1.6])
        if rows
        else None,
    )


SectionBuilder = Callable[[BriefingData], Section | None]
SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("summary", section_summary),
    ("units", section_units),
    ("categories", section_categories),
    ("coordination", section_coordination),
    ("overdue", section_overdue),
]


def register_section(key: str, builder: SectionBuilder, *, after: str | None = None) -> None:
    """Add (or replace) a section: after the section `after`, else at the end."""
    SECTIONS[:] = [(k, b) for k, b in SECTIONS if k != key]
    keys = [k for k, _b in SECTIONS]
    at = keys.index(after) + 1 if after in keys else len(SECTIONS)
    SECTIONS.insert(at, (key, builder))


def briefing_sections(d: BriefingData) -> list[Section]:
    return [s for _k, build in SECTIONS if (s := build(d)) is not None]


def briefing_docx(*, month: date, today: date | None = None) -> bytes:
    from .briefing_doc import render

    d = briefing_data(month=month, today=today)
    return render(d, briefing_sections(d), title=TITLE, issuer=ISSUER)
