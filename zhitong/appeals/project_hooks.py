"""What the appeals app does for the projects app below it (installed in AppConfig.ready):
a problem named in a project's monthly progress report becomes an appeal through the normal
intake (zhitong/projects/progress/problems.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from zhitong.core.fields import excerpt
from zhitong.projects.progress.problems import ProblemAppeal, ProblemDesk, install

from .choices import CONCLUDED_STATUSES, Channel, Status
from .models import Appeal, Category

# The category a report's problem is filed under: 重大项目建设 (seeds/000 一(一) routes it to
# the development and reform commission), else 其他, else the first active one. The hub
# re-routes at triage as for any appeal.
PROBLEM_CATEGORY_CODES = ("ZDXM", "QT")
SOURCE_SYSTEM = "project_report"
# Not open: concluded (verified by the hub, or closed) or merged into another appeal.
SETTLED = (*CONCLUDED_STATUSES, Status.MERGED, Status.WITHDRAWN)  # withdrawn: closed, not 办结


def _category() -> Category:
    cats = {c.code: c for c in Category.objects.filter(is_active=True, code__in=PROBLEM_CATEGORY_CODES)}
    for code in PROBLEM_CATEGORY_CODES:
        if code in cats:
            return cats[code]
    category = Category.objects.filter(is_active=True).order_by("sort_order", "code").first()
    if category is None:
        from zhitong.core.errors import ServiceError

        raise ServiceError("尚未设置诉求类别，月报中的问题无法登记为诉求", code="no_category")
    return category


def _answer(appeal: Appeal) -> ProblemAppeal:
    return ProblemAppeal(
        id=appeal.pk,
        code=appeal.code,
        status_label=Status(appeal.status).label,
        open=appeal.status not in SETTLED,
        url=reverse("appeals:detail", args=[appeal.pk]),
    )


def register_problem(*, problem, actor, now) -> ProblemAppeal:
    """The report's problem as an appeal of the project's owner, project set, channel
    项目月报, received from the reporter (the first-inquiry owner, seeds/003 四). Idempotent
    per problem (source id), so a retried submission never files it twice."""
    from .services import appeal_intake

    report = problem.report
    project = report.project
    title = excerpt(f"{project.name}：{problem.text.splitlines()[0]}", 200)
    description = (
        f"{project.name}（{project.code}）{report.month.year}年{report.month.month}月"
        f"月度进展报告反映的问题：\n{problem.text}"
    )
    appeal, _created = appeal_intake(
        actor=actor,
        enterprise_id=project.owner_id,
        project_id=project.pk,
        title=title,
        description=excerpt(description, 5000),
        category_id=_category().pk,
        channel=Channel.PROJECT_REPORT,
        source_system=SOURCE_SYSTEM,
        source_id=f"problem-{problem.pk}",
        now=now,
    )
    return _answer(appeal)


def lookup(appeal_ids: Iterable[int]) -> dict[int, ProblemAppeal]:
    rows = Appeal.objects.filter(pk__in=list(appeal_ids)).only("pk", "code", "status")
    return {a.pk: _answer(a) for a in rows}


def install_desk() -> None:
    install(ProblemDesk(register=register_problem, lookup=lookup))
