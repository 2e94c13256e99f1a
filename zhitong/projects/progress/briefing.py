"""The monthly briefing on reserve, negotiation and signed projects (seeds/003 九 跟踪检查考核制):

（一）各部门、各县(市)区、园区项目储备情况，每月通报一次；
（二）各部门、各县(市)区、园区跟踪洽谈项目进展情况(由服务项目的牵头单位上报)，每月通报一次；
（三）签约项目的推进情况(由服务项目的牵头单位上报)，每月通报一次。

One page and one .xlsx per month, over the projects in the user's scope, grouped by the unit
that leads them (各部门、各县(市)区、园区). A project is counted in the stage it was in at the
month's end (its dated stage history), "signed" meaning signed and not yet completed
(签约、审批、在建). Each count of the summary links to its list and equals its length.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from zhitong.core.downloads import month_cn
from zhitong.core.spreadsheets import Book, Column
from zhitong.organizations.capabilities import sees_whole_city

from ..models import ProjectStage
from ..selectors import project_list_for_user
from .calc import CLASSED_STAGES, month_end, month_start, progress_summaries, stages_at

S = ProjectStage


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    short: str  # a column's name, and a card's label on a phone
    clause: str
    stages: tuple[str, ...]


PARTS = (
    Part("reserve", "项目储备情况", "储备", "seeds/003 九(一)", (S.RESERVE,)),
    Part("negotiation", "跟踪洽谈项目进展情况", "洽谈", "seeds/003 九(二)", (S.NEGOTIATION,)),
    Part("signed", "签约项目推进情况", "签约", "seeds/003 九(三)", tuple(CLASSED_STAGES)),
)


@dataclass
class UnitRow:
    unit: object
    counts: dict = field(default_factory=dict)  # part key → number

    @property
    def cells(self) -> list[tuple[Part, int]]:
        return [(part, self.counts[part.key]) for part in PARTS]


@dataclass
class Briefing:
    month: date
    scope_name: str
    unit: object | None  # the unit the lists are narrowed to, if any
    parts: list = field(default_factory=list)  # (Part, [projects])
    units: list = field(default_factory=list)  # UnitRow, one per lead unit
    totals: dict = field(default_factory=dict)

    @property
    def total_cells(self) -> list[tuple[Part, int]]:
        return [(part, self.totals[part.key]) for part in PARTS]

    def rows(self, key: str) -> list:
        return next(rows for part, rows in self.parts if part.key == key)


def monthly_briefing(*, user, month: date, unit_id: int | None = None) -> Briefing:
    """The briefing of `month` for the projects `user` sees; `unit_id` narrows the lists
    to the projects one unit leads (the summary still lists every unit)."""
    month = month_start(month)
    projects = list(
        project_list_for_user(user=user).select_related("owner", "lead_unit", "location", "leader")
    )
    stages = stages_at(projects, month_end(month))
    part_of = {stage: part for part in PARTS for stage in part.stages}
    counted = [(p, part_of[stages[p.pk]]) for p in projects if stages.get(p.pk) in part_of]
    for p, _part in counted:
        p.stage_then = stages[p.pk]
        p.stage_then_label = ProjectStage(p.stage_then).label
    units: dict[int, UnitRow] = {}
    for p, part in counted:
        row = units.setdefault(p.lead_unit_id, UnitRow(unit=p.lead_unit, counts=Counter()))
        row.counts[part.key] += 1
    unit = units[unit_id].unit if unit_id in units else None
    shown = [(p, part) for p, part in counted if unit is None or p.lead_unit_id == unit.pk]
    summaries = progress_summaries([p for p, part in shown if part.key != "reserve"], month)
    for p, _part in shown:
        p.summary = summaries.get(p.pk)
    briefing = Briefing(
        month=month,
        scope_name="全市" if sees_whole_city(user) else _scope_name(user),
        unit=unit,
        units=sorted(units.values(), key=lambda r: (r.unit.sort_order, r.unit.code)),
    )
    for part in PARTS:
        rows = [p for p, pt in shown if pt.key == part.key]
        rows.sort(key=lambda p: p.code)
        briefing.parts.append((part, rows))
    briefing.totals = {part.key: sum(r.counts[part.key] for r in briefing.units) for part in PARTS}
    return briefing


def _scope_name(user) -> str:
    unit = getattr(user, "unit", None)
    return unit.name if unit is not None else ""


# -- the workbook ----------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    Column("牵头单位", 30),
    Column("储备项目(个)", 14, center=True),
    Column("洽谈项目(个)", 14, center=True),
    Column("签约项目(个)", 14, center=True),
]
RESERVE_COLUMNS = [
    Column("项目编码", 16, text=True),
    Column("项目名称", 30),
    Column("业主企业", 26),
    Column("项目层级", 12),
    Column("牵头单位", 20),
    Column("落地县区/园区", 16),
    Column("总投资(万元)", 14),
]
NEGOTIATION_COLUMNS = [
    Column("项目编码", 16, text=True),
    Column("项目名称", 28),
    Column("业主企业", 24),
    Column("牵头单位", 18),
    Column("总投资(万元)", 13),
    Column("本月洽谈进展", 44),
]
SIGNED_COLUMNS = [
    Column("项目编码", 15, text=True),
    Column("项目名称", 24),
    Column("牵头单位", 14),
    Column("所处阶段", 9, center=True),
    Column("年度计划投资(万元)", 14),
    Column("本月完成投资(万元)", 14),
    Column("年度累计完成(万元)", 14),
    Column("占年度计划", 11, center=True),
    Column("进度分类", 9, center=True),
    Column("形象进度", 40),
]


def _num(value):
    return None if value is None else float(value)


def _progress_text(p) -> str:
    report = p.summary.report if p.summary else None
    return report.image_progress if report is not None else "（本月未报送）"


def briefing_xlsx(briefing: Briefing) -> bytes:
    period = month_cn(briefing.month)
    scope = briefing.unit.name if briefing.unit is not None else briefing.scope_name
    subtitle = f"范围：{scope}　统计截至：{month_end(briefing.month):%Y年%m月%d日}"
    book = Book()
    summary = book.sheet(
        "汇总", SUMMARY_COLUMNS, title=f"项目储备、洽谈、签约推进情况月度通报（{period}）", subtitle=subtitle
    )
    summary.rows(
        [r.unit.name, r.counts["reserve"], r.counts["negotiation"], r.counts["signed"]]
        for r in briefing.units
    )
    if briefing.units:
        t = briefing.totals
        summary.row(["合计", t["reserve"], t["negotiation"], t["signed"]])
    reserve = book.sheet("储备项目", RESERVE_COLUMNS, title=f"项目储备情况（{period}）", subtitle=subtitle)
    reserve.rows(
        [
            p.code,
            p.name,
            p.owner.name,
            p.get_level_display(),
            p.lead_unit.name,
            p.location.name,
            _num(p.total_investment),
        ]
        for p in briefing.rows("reserve")
    )
    negotiation = book.sheet(
        "洽谈项目", NEGOTIATION_COLUMNS, title=f"跟踪洽谈项目进展情况（{period}）", subtitle=subtitle
    )
    negotiation.rows(
        [p.code, p.name, p.owner.name, p.lead_unit.name, _num(p.total_investment), _progress_text(p)]
        for p in briefing.rows("negotiation")
    )
    signed = book.sheet("签约项目", SIGNED_COLUMNS, title=f"签约项目推进情况（{period}）", subtitle=subtitle)
    for p in briefing.rows("signed"):
        s = p.summary
        signed.row(
            [
                p.code,
                p.name,
                p.lead_unit.name,
                p.stage_then_label,
                _num(s.annual_plan),
                _num(s.month_investment),
                _num(s.ytd_investment),
                s.ytd_percent,
                s.progress_class.label,
                _progress_text(p),
            ]
        )
    return book.close()
