"""The project page's sections of this part: "月度进展" (the month's class and numbers, the
reports, the problems and the appeals they became, the latest daily reports) and "履约承诺"
(the commitments with their records, overdue ones marked, and their moves). Hidden from
enterprise users (the government's working records)."""

from __future__ import annotations

from zhitong.common.pages import move_forms

from ..models import CommitmentStatus
from .access import may_record_commitments, may_report, sees_progress
from .calc import CLASSED_STAGES, REPORTING_STAGES, report_due
from .commitment_machine import COMMITMENT
from .selectors import (
    DAILY_ON_PAGE,
    commitments_of,
    daily_of,
    default_month,
    project_problems,
    reports_of,
    summaries_for,
    with_due,
)

REPORTS_ON_PAGE = 12


def progress_context(request, project, today):
    if not sees_progress(request.user):
        return None
    month = default_month(today)
    summary = summaries_for([project], month)[project.pk]
    reports = with_due(reports_of(project)[:REPORTS_ON_PAGE])
    problems = project_problems(project)
    due = report_due(month)
    return {
        "month": month,
        "summary": summary,
        "classed": project.stage in CLASSED_STAGES,
        "owes": project.stage in REPORTING_STAGES,
        "due": due.date,
        "due_provisional": due.provisional,
        "reports": reports,
        "problems": problems,
        "open_problems": [p for p in problems if p.appeal is None or p.appeal.open],
        "daily": list(daily_of(project)[:DAILY_ON_PAGE]),
        "can_report": may_report(request.user, project),
    }


def commitments_context(request, project, today):
    if not sees_progress(request.user):
        return None
    rows = commitments_of(project, today)
    can_record = may_record_commitments(request.user, project)
    for c in rows:
        c.editable = can_record and c.status == CommitmentStatus.PENDING
        c.moves = move_forms(
            COMMITMENT, request.user, c, url="projects:commitment_move", arg=c.pk, today=today
        )
    return {
        "rows": rows,
        "overdue": [c for c in rows if c.overdue],
        "can_record": can_record,
    }
