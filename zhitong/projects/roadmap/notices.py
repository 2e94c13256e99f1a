"""The roadmap's notices: a milestone due soon (its light turned yellow) and a milestone
overdue (red), told to its agent (代办员, seeds/002 代办帮办) and the staff of the project's
lead unit (seeds/003 二(四): the lead unit answers for the project in each stage) through
the outbox (`notify`). Each carries a dedupe key of the node, the light and the due day, so
the periodic job may run any number of times: a recipient is told once per light and due
day, and again only when the due day changes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.notifications.services import notify
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from .rules import Light

DUE_SOON = "milestone.due_soon"
OVERDUE = "milestone.overdue"

# Who receives them (to list them on the right people's preferences page, not a
# permission): agents are staff taking enterprises' matters, the lead unit's handlers.
_ROLES = (Role.CLERK, Role.HANDLER, Role.UNIT_HEAD, Role.HUB)

NOTICE_KINDS = (
    kind(DUE_SOON, _("推进节点临期提醒"), Section.CLOCK, roles=_ROLES),
    kind(OVERDUE, _("推进节点超期提醒"), Section.CLOCK, roles=_ROLES),
)


def register_notice_kinds() -> None:
    """Called in ProjectsConfig.ready."""
    register_kinds(*NOTICE_KINDS)


def lead_unit_staff_ids(unit_id: int | None) -> list[int]:
    """Active handlers and unit heads of the unit and its sections."""
    if not unit_id:
        return []
    return list(
        User.objects.filter(
            is_active=True, role__in=[Role.HANDLER, Role.UNIT_HEAD], unit__path__contains=f"/{unit_id}/"
        ).values_list("pk", flat=True)
    )


def milestone_url(milestone) -> str:
    return reverse("projects:milestone", args=[milestone.project_id, milestone.pk])


def notify_clock(*, milestone, light: str, now=None) -> int:
    """The due-soon (yellow) or overdue (red) notice of one open node; returns how many
    recipients were newly told."""
    project = milestone.project
    due = milestone.planned_due
    if light == Light.YELLOW:
        kind_code = DUE_SOON
        title = f"[{project.code}] 推进节点临期：{milestone.name}，请于{due:%Y-%m-%d}前完成"
    elif light == Light.RED:
        kind_code = OVERDUE
        title = f"[{project.code}] 推进节点超期：{milestone.name}，计划完成日期{due:%Y-%m-%d}已过"
    else:
        return 0
    lead_unit_id = project.lead_unit_id
    agent_id = milestone.agent_id
    return notify(
        recipients=lambda: sorted({*([agent_id] if agent_id else []), *lead_unit_staff_ids(lead_unit_id)}),
        kind=kind_code,
        title=title,
        body=project.name,
        url=milestone_url(milestone),
        dedupe_key=f"milestone:{milestone.pk}:{light}:{due:%Y%m%d}",
        now=now,
    )
