"""The enterprise page's 项目 section ("one place for everything about an enterprise"):
the enterprise's projects the user may see (the library's own scoped list selector), the
count linking to the library filtered by the enterprise — the same list, the same number.
Registered in ProjectsConfig.ready (enterprises sits below projects)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.enterprises.sections import Section, register

from .selectors import project_list_for_user


def _context(request, enterprise, today) -> dict:
    projects = list(project_list_for_user(user=request.user, owner_id=enterprise.pk))
    return {
        "projects": projects,
        "count": len(projects),
        "url": f"{reverse('projects:list')}?owner={enterprise.pk}",
    }


SECTION = Section("projects", _("项目"), "projects/enterprise_section.html", _context)


def install() -> None:
    register(SECTION)
