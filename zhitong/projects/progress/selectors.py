"""Reads of the progress records, for the pages and the API. Every read that lists projects
starts from the project selectors' scope (`project_list_for_user`); a single project's
records are read after `project_get_for_user` found it in scope. The public board is the one
read without a user: public projects only, public fields only (board.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from zhitong.core.errors import AccessDenied

from ..models import (
    Commitment,
    CommitmentStatus,
    DailyReport,
    ProgressReport,
    Project,
    ProjectStage,
    ReportPhoto,
    ReportProblem,
)
from ..selectors import project_list_for_user
from .calc import is_late, month_end, month_start, previous_month, progress_summaries, report_due, stages_at
from .calc import owes_report as _owes
from .problems import lookup_appeals

DAILY_ON_PAGE = 7


def default_month(today: date) -> date:
    """The month the pages show first: the last month (its reports are due in the first
    working days of this one)."""
    return previous_month(today)


def reports_of(project: Project) -> QuerySet[ProgressReport]:
    """The project's reports, newest first, with their problems, photos and reporter."""
    return (
        ProgressReport.objects.filter(project=project)
        .select_related("submitted_by")
        .prefetch_related("problems", Prefetch("photos", queryset=ReportPhoto.objects.order_by("id")))
        .order_by("-month")
    )


def report_get(project: Project, month: date) -> ProgressReport:
    """The project's report of `month` (the project already found in the user's scope)."""
    found = reports_of(project).filter(month=month_start(month)).first()
    if found is None:
        raise AccessDenied()
    return found


def project_problems(project: Project) -> list:
    """Every problem named in the project's reports, newest report first, with the appeal it
    became (two queries)."""
    return _with_appeals(
        list(
            ReportProblem.objects.filter(report__project=project)
            .select_related("report")
            .order_by("-report__month", "id")
        )
    )


def problem_rows(reports) -> list:
    """Every problem of `reports` (problems prefetched) with the appeal it became."""
    return _with_appeals([p for r in reports for p in r.problems.all()])


def _with_appeals(problems: list) -> list:
    appeals = lookup_appeals(p.appeal_id for p in problems)
    for p in problems:
        p.appeal = appeals.get(p.appeal_id)
    return problems


def with_due(reports) -> list:
    """Each report with its due day and whether it came in late."""
    dues: dict[date, date] = {}
    out = list(reports)
    for r in out:
        if r.month not in dues:
            dues[r.month] = report_due(r.month).date
        r.due = dues[r.month]
        r.late = is_late(r, r.due)
    return out


def daily_of(project: Project, *, month: date | None = None) -> QuerySet[DailyReport]:
    """The secretary's daily reports of the project, newest first (of one month if given)."""
    qs = DailyReport.objects.filter(project=project).select_related("reported_by").order_by("-day")
    if month is not None:
        month = month_start(month)
        qs = qs.filter(day__gte=month, day__lte=month_end(month))
    return qs


def daily_get(project: Project, report_id: int) -> DailyReport:
    found = DailyReport.objects.filter(project=project, pk=report_id).first()
    if found is None:
        raise AccessDenied()
    return found


# -- commitments --------------------------------------------------------------------------------


def commitments_of(project: Project, today: date) -> list[Commitment]:
    """The project's commitments, each with its records and whether it is overdue (still
    pending after its date); pending first, by date."""
    rows = list(
        Commitment.objects.filter(project=project)
        .select_related("responsible_unit")
        .prefetch_related("records__actor")
        .order_by("status", "due_on", "id")
    )
    order = {CommitmentStatus.PENDING: 0, CommitmentStatus.FULFILLED: 1, CommitmentStatus.CANCELLED: 2}
    rows.sort(key=lambda c: (order.get(c.status, 3), c.due_on, c.pk))
    for c in rows:
        c.project = project  # the relations are computed once per project (access.py)
        c.overdue = is_overdue(c, today)
    return rows


def is_overdue(commitment: Commitment, today: date) -> bool:
    return commitment.status == CommitmentStatus.PENDING and commitment.due_on < today


def commitment_get(project: Project, commitment_id: int) -> Commitment:
    found = (
        Commitment.objects.filter(project=project, pk=commitment_id)
        .select_related("responsible_unit")
        .first()
    )
    if found is None:
        raise AccessDenied()
    found.project = project
    return found


def commitment_get_with_records(project: Project, commitment_id: int, today: date) -> Commitment:
    found = next((c for c in commitments_of(project, today) if c.pk == commitment_id), None)
    if found is None:
        raise AccessDenied()
    return found


def overdue_commitments_for_user(*, user, today: date) -> list[Commitment]:
    """Pending commitments past their date, of the projects the user sees."""
    projects = project_list_for_user(user=user)
    rows = list(
        Commitment.objects.filter(
            project__in=projects.values("pk"), status=CommitmentStatus.PENDING, due_on__lt=today
        )
        .select_related("project", "project__lead_unit", "responsible_unit")
        .order_by("due_on", "project__code", "id")
    )
    for c in rows:
        c.overdue = True
        c.days_overdue = (today - c.due_on).days
    return rows


# -- late and missing reports -------------------------------------------------------------------


@dataclass
class ReportingMonth:
    """Who owed `month`'s report and how it came in (scoped to the user's projects)."""

    month: date
    due: date
    due_provisional: bool
    past_due: bool
    missing: list = field(default_factory=list)  # owed, not filed, due day passed
    pending: list = field(default_factory=list)  # owed, not filed, due day not yet passed
    late: list = field(default_factory=list)  # filed after the due day
    on_time: list = field(default_factory=list)

    @property
    def owed(self) -> int:
        return len(self.missing) + len(self.pending) + len(self.late) + len(self.on_time)


def reporting_month(*, user, month: date, today: date) -> ReportingMonth:
    """seeds/003 九(二)(三): the reports of `month` — missing, late, on time — of the
    projects in the user's scope that owed one (negotiation … construction at the month's
    end, calc.REPORTING_STAGES)."""
    month = month_start(month)
    due = report_due(month)
    projects = list(project_list_for_user(user=user))
    stages = stages_at(projects, month_end(month))
    owing = [p for p in projects if _owes(stages.get(p.pk))]
    reports = {
        r.project_id: r
        for r in ProgressReport.objects.filter(project__in=[p.pk for p in owing], month=month).select_related(
            "submitted_by"
        )
    }
    out = ReportingMonth(
        month=month, due=due.date, due_provisional=due.provisional, past_due=today > due.date
    )
    for p in owing:
        p.stage_then = stages.get(p.pk)
        p.stage_then_label = ProjectStage(p.stage_then).label
        r = reports.get(p.pk)
        p.report = r
        if r is None:
            (out.missing if out.past_due else out.pending).append(p)
        elif is_late(r, due.date):
            out.late.append(p)
        else:
            out.on_time.append(p)
    return out


def summaries_for(projects, month: date) -> dict:
    return progress_summaries(projects, month)
