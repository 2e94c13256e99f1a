"""The numbers of a project's progress: investment this month and year to date against the
annual plan, the progress class (超前 / 正常 / 滞后 / 无进展), the report's due day and which
projects owe one. The rules are written out in docs/projects.md "进度分类" and "月度进展".

Everything is read in batches (`progress_summaries`: a constant number of queries for any
number of projects), so the list, the board, the monthly briefing and the leaders' digest
(another part of issue 10 calls these functions) never make a query per project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from ..models import Milestone, ProgressReport, Project, ProjectStage, ProjectStageChange, ReportProblem

S = ProjectStage


class ProgressClass(models.TextChoices):
    """seeds/004 江山 三：按年度完成投资额、形象进度等指标进行量化排位，分为推进超过、正常、
    滞后和无进展等四类情况进行通报。"""

    AHEAD = "ahead", _("超前")
    NORMAL = "normal", _("正常")
    LAGGING = "lagging", _("滞后")
    STALLED = "stalled", _("无进展")


# The thresholds, one table (docs/projects.md "进度分类"). pace = year-to-date investment ÷
# (annual plan × month ÷ 12); a project with some investment this year and no overdue
# milestone takes the first row whose lower bound its pace reaches.
PACE_TABLE: tuple[tuple[ProgressClass, Decimal], ...] = (
    (ProgressClass.AHEAD, Decimal("1.10")),  # pace ≥ 110 %
    (ProgressClass.NORMAL, Decimal("0.90")),  # 90 % ≤ pace < 110 %
    (ProgressClass.LAGGING, Decimal("0")),  # pace < 90 %
)

# seeds/003 九(二)(三): 跟踪洽谈项目进展情况、签约项目的推进情况由服务项目的牵头单位上报，
# 每月通报一次 — a project in negotiation, signed, in approval or in construction at the end
# of a month owes that month's report.
REPORTING_STAGES = (S.NEGOTIATION, S.SIGNED, S.APPROVAL, S.CONSTRUCTION)
# A report may be filed (also late, or after completion for the last months) in these.
REPORTABLE_STAGES = (*REPORTING_STAGES, S.COMPLETED)
# The stages measured against an annual investment plan: the class is shown for these,
# and the board (挂牌展示) lists them.
CLASSED_STAGES = (S.SIGNED, S.APPROVAL, S.CONSTRUCTION)

# Due: by the 3rd working day of the following month. seeds/004 江山 一: the leaders' monthly
# report (年度完成投资额、形象进度、困难和问题、进度滞后项目) goes out 每月初, so the reports
# must be in within the first days of the month; three working days leave room for a
# month that ends on a weekend or before a holiday. Computed from the calendar when read
# (one date per month, the same for every project; not stored, so a calendar import
# changes it without re-timing anything).
REPORT_DUE_WORKDAYS = 3


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    first = month.replace(day=1)
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def report_due(month: date):
    """The last day (and whether it is provisional) of the report for `month`: the
    REPORT_DUE_WORKDAYS-th working day after the month's last day."""
    from zhitong.workdays.services import add_workdays

    return add_workdays(month_end(month), REPORT_DUE_WORKDAYS)


def is_late(report: ProgressReport, due: date) -> bool:
    from django.utils import timezone

    return timezone.localdate(report.submitted_at) > due


def classify(
    *, ytd: Decimal | None, annual_plan: Decimal, month: int, overdue_milestones: int
) -> ProgressClass:
    """The class of a project in calendar month `month` (1–12) of a year (docs/projects.md
    "进度分类"; rows checked in this order):

    1. 无进展 — no investment reported this year up to the month (none, or 0);
    2. 滞后 — a roadmap milestone overdue at the month's end (seeds/004 江山 三: 依据年初
       下发的重点项目建设计划确定的时间节点要求);
    3. no annual plan: 正常 (there is investment and no overdue milestone);
    4. else the first row of PACE_TABLE whose bound the pace reaches. The comparison is
       12 × ytd ≥ bound × plan × month, exact in decimals (no rounding at a boundary)."""
    if ytd is None or ytd <= 0:
        return ProgressClass.STALLED
    if overdue_milestones:
        return ProgressClass.LAGGING
    if annual_plan <= 0:
        return ProgressClass.NORMAL
    for cls, bound in PACE_TABLE:
        if 12 * ytd >= bound * annual_plan * month:
            return cls
    return ProgressClass.LAGGING  # pragma: no cover — the last bound is 0


@dataclass(frozen=True)
class ProgressSummary:
    """A project's progress in one month (`month`: its first day)."""

    month_investment: Decimal | None  # this month's report, None when there is none
    ytd_investment: Decimal | None  # Jan … month of the year; None when no report this year
    annual_plan: Decimal  # the plan this month's report was filed against, else the project's
    ytd_ratio: Decimal | None  # ytd ÷ annual plan (占年度计划), None without a plan or a report
    progress_class: ProgressClass
    problems_open: int  # problems named in the reports up to the month whose appeal is still open
    latest_report: ProgressReport | None  # the latest report on or before the month
    month: date | None = None
    report: ProgressReport | None = None  # this month's report
    expected_ytd: Decimal | None = None  # annual plan × month ÷ 12
    pace: Decimal | None = None  # ytd ÷ expected_ytd
    overdue_milestones: int = 0
    # False for a project in a stage without an investment plan (not in CLASSED_STAGES):
    # the pages show "—" instead of its class.
    classed: bool = True

    @property
    def ytd_percent(self) -> str:
        return _percent(self.ytd_ratio)

    @property
    def pace_percent(self) -> str:
        return _percent(self.pace)


def _percent(ratio: Decimal | None) -> str:
    return "" if ratio is None else f"{ratio * 100:.1f}%"


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"))


def _ids(projects: Iterable[Project]) -> dict[int, Project]:
    return {p.pk: p for p in projects}


def overdue_milestone_counts(project_ids: Iterable[int], month: date) -> dict[int, int]:
    """Milestones overdue at the end of `month`, per project: planned to be done before the
    month's last day and not done by that day (actual date empty or later). One query."""
    end = month_end(month)
    rows = (
        Milestone.objects.filter(project_id__in=list(project_ids), planned_due__lt=end)
        .filter(Q(actual_on__isnull=True) | Q(actual_on__gt=end))
        .values("project_id")
        .annotate(n=Count("id"))
    )
    return {r["project_id"]: r["n"] for r in rows}


def open_problem_counts(project_ids: Iterable[int], month: date) -> dict[int, int]:
    """Problems named in the reports up to `month` whose appeal is still open (not verified,
    closed or merged), per project. Two queries (the problems, then their appeals)."""
    from .problems import lookup_appeals

    rows = list(
        ReportProblem.objects.filter(
            report__project_id__in=list(project_ids), report__month__lte=month_start(month)
        ).values_list("report__project_id", "appeal_id")
    )
    appeals = lookup_appeals(a for _, a in rows)
    out: dict[int, int] = defaultdict(int)
    for project_id, appeal_id in rows:
        found = appeals.get(appeal_id)
        if found is None or found.open:
            out[project_id] += 1
    return dict(out)


def progress_summaries(projects: Iterable[Project], month: date) -> dict[int, ProgressSummary]:
    """{project id: ProgressSummary} for `month` (any day of it). Five queries whatever
    the number of projects: the year's reports, the latest earlier report of the projects
    without one this year, overdue milestones, problems, and the problems' appeals."""
    month = month_start(month)
    by_id = _ids(projects)
    if not by_id:
        return {}
    ids = list(by_id)
    year_start = month.replace(month=1)
    reports = list(
        ProgressReport.objects.filter(project_id__in=ids, month__gte=year_start, month__lte=month).order_by(
            "project_id", "month"
        )
    )
    of_year: dict[int, list[ProgressReport]] = defaultdict(list)
    for r in reports:
        of_year[r.project_id].append(r)
    earlier = _latest_before([pid for pid in ids if pid not in of_year], year_start)
    overdue = overdue_milestone_counts(ids, month)
    problems = open_problem_counts(ids, month)
    out = {}
    for pid, project in by_id.items():
        rows = of_year.get(pid, [])
        this = rows[-1] if rows and rows[-1].month == month else None
        ytd = sum((r.month_investment for r in rows), Decimal(0)) if rows else None
        plan = this.annual_plan if this is not None else project.annual_investment or Decimal(0)
        expected = plan * month.month / 12 if plan else None
        summary = ProgressSummary(
            month_investment=this.month_investment if this is not None else None,
            ytd_investment=ytd,
            annual_plan=plan,
            ytd_ratio=_ratio(ytd, plan),
            progress_class=classify(
                ytd=ytd, annual_plan=plan, month=month.month, overdue_milestones=overdue.get(pid, 0)
            ),
            problems_open=problems.get(pid, 0),
            latest_report=rows[-1] if rows else earlier.get(pid),
            month=month,
            report=this,
            expected_ytd=expected.quantize(Decimal("0.01")) if expected is not None else None,
            pace=_ratio(ytd, expected),
            overdue_milestones=overdue.get(pid, 0),
            classed=project.stage in CLASSED_STAGES,
        )
        out[pid] = summary
    return out


def _latest_before(project_ids: list[int], before: date) -> dict[int, ProgressReport]:
    if not project_ids:
        return {}
    latest = (
        ProgressReport.objects.filter(project_id__in=project_ids, month__lt=before)
        .values("project_id")
        .annotate(last=Max("month"))
    )
    q = Q()
    for row in latest:
        q |= Q(project_id=row["project_id"], month=row["last"])
    if not q:
        return {}
    return {r.project_id: r for r in ProgressReport.objects.filter(q)}


# -- the functions other parts call for one project ----------------------------------------


def month_investment(project: Project, month: date) -> Decimal | None:
    """The investment reported for `month` (万元), None when no report was filed."""
    return (
        ProgressReport.objects.filter(project=project, month=month_start(month))
        .values_list("month_investment", flat=True)
        .first()
    )


def ytd_investment(project: Project, month: date) -> Decimal | None:
    """The investment of `month`'s year up to and including `month` (万元): the sum of the
    reports filed; None when none was filed this year."""
    month = month_start(month)
    total = ProgressReport.objects.filter(
        project=project, month__gte=month.replace(month=1), month__lte=month
    ).aggregate(total=Sum("month_investment"), n=Count("id"))
    return total["total"] if total["n"] else None


def progress_class(project: Project, month: date) -> ProgressClass:
    return progress_summaries([project], month)[project.pk].progress_class


# -- stages at a day, and who owes a report ---------------------------------------------------


def stages_at(projects: Iterable[Project], day: date) -> dict[int, str | None]:
    """The stage each project was in at the end of `day`, from its dated stage history (one
    query): the target of its last change on or before the day; before its first change,
    that change's starting stage; a project with no recorded change is in its current stage
    since `stage_since` (None — not known — for a day before it)."""
    by_id = _ids(projects)
    changes: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        ProjectStageChange.objects.filter(project_id__in=list(by_id))
        .order_by("project_id", "on", "at", "id")
        .values_list("project_id", "from_stage", "to_stage", "on")
    )
    for pid, from_stage, to_stage, on in rows:
        changes[pid].append((from_stage, to_stage, on))
    out: dict[int, str | None] = {}
    for pid, project in by_id.items():
        history = changes.get(pid)
        if not history:
            since = project.stage_since
            out[pid] = project.stage if since is None or since <= day else None
            continue
        reached = [to for _from, to, on in history if on <= day]
        out[pid] = reached[-1] if reached else (history[0][0] or None)
    return out


def owes_report(stage: str | None) -> bool:
    return stage in REPORTING_STAGES
