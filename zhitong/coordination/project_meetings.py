"""The project page's 协调会与交办任务 section ("one place for everything about a project",
issue 10): the coordination meetings that discussed the project's appeals and the tasks
their opinions (and face-to-face events') gave — each read through coordination's own scope
(`meeting_list_for_user`, `task_list_for_user`), so a unit sees the meetings and tasks it
sees elsewhere. Registered in CoordinationConfig.ready: projects sits below coordination."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.projects.sections import Section, register

from .choices import OPEN_TASK_STATUSES
from .models import MeetingItem
from .selectors import meeting_list_for_user, task_list_for_user
from .selectors.tasks import task_light


def _context(request, project, today) -> dict:
    user = request.user
    discussed = MeetingItem.objects.filter(appeal__project=project).values("meeting_id")
    meetings = list(meeting_list_for_user(user=user).filter(pk__in=discussed).order_by("-held_at", "-id"))
    tasks = list(task_list_for_user(user=user).filter(appeal__project=project).order_by("due", "id"))
    for t in tasks:
        t.light = task_light(t, today)
    return {
        "meetings": meetings,
        "tasks": tasks,
        "open_tasks": sum(1 for t in tasks if t.status in OPEN_TASK_STATUSES),
    }


SECTION = Section("coordination", _("协调会与交办任务"), "coordination/project_section.html", _context)


def install() -> None:
    register(SECTION)
