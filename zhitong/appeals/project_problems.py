"""The open appeals of projects, given to the projects app's leaders' digest as the
projects' problems (projects sits below appeals: it offers the hook,
projects.dispatch.hooks, and this module fills it in AppealsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhitong.projects.dispatch.hooks import ProjectProblem, register_problem_source

from .choices import OPEN_STATUSES, Status
from .models import Appeal
from .selectors import appeals_visible

# Still to be solved: open, and not yet reported solved (办结) — a resolved appeal waits for
# verification, a verified one for the enterprise's rating; neither is a problem in hand.
UNSOLVED = tuple(s for s in OPEN_STATUSES if s not in (Status.RESOLVED, Status.VERIFIED))


def open_project_problems(project_ids: list[int], user) -> list[ProjectProblem]:
    """The appeals of these projects not yet solved, oldest first. The digest is the
    responsible leader's report on their own projects, so every problem is named; the link
    is given only where `user` may open the appeal (its own scope)."""
    rows = list(
        Appeal.objects.filter(project_id__in=project_ids, status__in=UNSOLVED)
        .order_by("received_at", "id")
        .values_list("pk", "project_id", "code", "title", "status", "received_at")
    )
    openable = set()
    if user is not None and rows:
        openable = set(appeals_visible(user).filter(pk__in=[r[0] for r in rows]).values_list("pk", flat=True))
    labels = dict(Appeal._meta.get_field("status").choices)
    return [
        ProjectProblem(
            project_id=project_id,
            code=code,
            title=title,
            status=str(labels.get(status, status)),
            opened_on=timezone.localdate(received_at),
            url=reverse("appeals:detail", args=[pk]) if pk in openable else "",
        )
        for pk, project_id, code, title, status, received_at in rows
    ]


def register() -> None:
    register_problem_source(open_project_problems)
