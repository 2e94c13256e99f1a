"""The project page's 诉求 section ("one place for everything about a project", issue 10):
the appeals registered for the project that the user may see — read through the appeals'
own scope (`appeals_for_user`), with their lights. Registered in AppealsConfig.ready: the
projects app sits below appeals and cannot read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.projects.sections import Section, register

from .choices import Status
from .selectors import appeals_for_user, appeals_with_light

CLOSED = (Status.CLOSED, Status.MERGED, Status.WITHDRAWN)  # not open; WITHDRAWN is not 办结


def _context(request, project, today) -> dict:
    appeals = list(
        appeals_with_light(appeals_for_user(request.user).filter(project=project), today).order_by(
            "-received_at", "-id"
        )
    )
    return {
        "appeals": appeals,
        "count": len(appeals),
        "open": sum(1 for a in appeals if a.status not in CLOSED),
    }


SECTION = Section("appeals", _("诉求"), "appeals/project_section.html", _context)


def install() -> None:
    register(SECTION)
