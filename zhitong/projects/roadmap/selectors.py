"""Reads of the roadmap, scoped by the project: a user sees a project's milestones when
they see the project (`selectors.project_scope_q`), never otherwise."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from zhitong.core.scope import get_in_scope, scoped
from zhitong.organizations.capabilities import FIRST_INQUIRY_ROLES
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.workdays import services as workdays

from ..models import Milestone, MilestoneKind, MilestoneStatus, PlanRule, Project
from ..selectors import project_scope_q
from . import rules


def _visible_project_ids(user):
    return scoped(Project.objects.all(), project_scope_q(user)).values("pk")


def _milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("agent", "responsible_unit", "project")


def milestone_list_for_project(project: Project) -> list[Milestone]:
    """The nodes of a project the caller has already found through the scope, in order."""
    return list(_milestones().filter(project=project).order_by("sequence", "id"))


def milestone_list_for_user(*, user, project_id: int) -> list[Milestone]:
    """The nodes of a project in the user's scope (AccessDenied otherwise)."""
    project = get_in_scope(Project.objects.all(), project_scope_q(user), project_id)
    return milestone_list_for_project(project)


def milestone_get_for_user(*, user, milestone_id: int, project_id: int | None = None) -> Milestone:
    """One node of a project in the user's scope (of project `project_id` when given), or
    AccessDenied — the same for a node that does not exist and one the user may not see."""
    qs = _milestones().select_related("project", "project__lead_unit", "project__owner")
    qs = qs.filter(project__in=_visible_project_ids(user))
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return get_in_scope(qs, None, milestone_id)


# -- the rows and the chart of the project page ----------------------------------------------


def decorate(milestones: list[Milestone], today: date) -> list[Milestone]:
    """Each node with its light, `late` (done after its due day) and `remaining` (working
    days to its due day, negative when overdue; None once done)."""
    for m in milestones:
        m.light = rules.light_of(m, today)
        m.late = rules.completed_late(m)
        m.remaining = (
            workdays.workdays_between(today, m.planned_due) if m.status == MilestoneStatus.OPEN else None
        )
        m.overdue_days = -m.remaining if m.remaining is not None and m.remaining < 0 else 0
    return milestones


def roadmap_chart(milestones: list[Milestone], today: date) -> dict:
    """The timeline chart's data (static/zhitong/roadmap.js reads it from a json_script
    tag): per node its planned bar, its actual completion, its light; and today."""
    rows = []
    for m in milestones:
        rows.append(
            {
                "name": m.name,
                "start": m.planned_start.isoformat() if m.planned_start else m.planned_due.isoformat(),
                "due": m.planned_due.isoformat(),
                "actual": m.actual_on.isoformat() if m.actual_on else None,
                "light": m.light,
                "done": m.status == MilestoneStatus.DONE,
                "late": m.late,
                "provisional": m.planned_provisional,
                "workdays": m.workdays,
            }
        )
    return {"today": today.isoformat(), "rows": rows}


def roadmap_summary(milestones: list[Milestone]) -> dict:
    """How many nodes are done, overdue and due soon (each count is a filter of the rows
    shown right below it on the page)."""
    return {
        "total": len(milestones),
        "done": sum(1 for m in milestones if m.status == MilestoneStatus.DONE),
        "open": sum(1 for m in milestones if m.status == MilestoneStatus.OPEN),
        "red": sum(1 for m in milestones if m.light == rules.Light.RED),
        "yellow": sum(1 for m in milestones if m.light == rules.Light.YELLOW),
        "provisional": any(m.planned_provisional for m in milestones),
        "direction": next((m.plan_rule for m in milestones if m.plan_rule != PlanRule.FIXED), ""),
    }


# -- the choices of the planning and editing forms -------------------------------------------


def agent_choices() -> QuerySet[User]:
    """Who may be a milestone's agent (代办员): active staff who take enterprises' matters
    (clerks, handlers, unit heads, the hub; seeds/002 代办帮办)."""
    return (
        User.objects.filter(is_active=True, role__in=list(FIRST_INQUIRY_ROLES))
        .select_related("unit")
        .order_by("unit__path", "full_name", "pk")
    )


def unit_choices() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION).order_by("path")


def template_rows(*, green_channel: bool) -> list[dict]:
    """The standard milestones with their default limits, for the planning page and GET
    …/roadmap/template: kind, name, standard limit, committed limit (green channel)."""
    return [
        {
            "kind": kind,
            "name": MilestoneKind(kind).label,
            "standard_workdays": days,
            "workdays": rules.committed_workdays(days, green_channel=green_channel),
        }
        for kind, days in rules.DEFAULT_WORKDAYS.items()
    ]
