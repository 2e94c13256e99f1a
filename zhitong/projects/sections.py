"""The sections of a project's page ("one place for everything about a project").

Each part of the domain adds its section here: a template under
`projects/templates/projects/sections/` and a function `context(request, project, today)`
returning the section's context (scoped reads only; return None to hide the section).
The page renders them in this order, each as its own `<section id="…">` with the context as `ctx`, so parts never
edit each other's markup.

Apps above projects (appeals, coordination) cannot be imported from here: they add their
sections with `register` from their AppConfig.ready (e.g. zhitong/appeals/project_sections.py),
reading only through their own scoped selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str  # the section's id on the page (anchor)
    title: str
    template: str
    context: Callable  # (request, project, today) -> dict | None
    # Whether an enterprise user sees the section on its own project's page. The staff's
    # working records (dispatch and inspection findings, coordination meetings and their
    # tasks) are not the enterprise's to read; its stages, lead unit, service team (its
    # butler, seeds/002 项目管家), roadmap, progress and commitments are.
    enterprise: bool = False


def _stages(request, project, today):
    from .selectors import project_stage_history

    return {"stage_history": project_stage_history(project)}


def _lead(request, project, today):
    from .team_views import lead_context

    return lead_context(request, project, today)


def _team(request, project, today):
    from .team_views import team_context

    return team_context(request, project, today)


def _roadmap(request, project, today):
    from .roadmap.views import roadmap_section

    return roadmap_section(request, project, today)


def _progress(request, project, today):
    from .progress.sections import progress_context

    return progress_context(request, project, today)


def _commitments(request, project, today):
    from .progress.sections import commitments_context

    return commitments_context(request, project, today)


def _dispatch(request, project, today):
    from .dispatch.sections import dispatch_context

    return dispatch_context(request, project, today)


SECTIONS: list[Section] = [
    Section("stages", _("阶段历程"), "projects/sections/_stages.html", _stages, enterprise=True),
    Section("lead", _("牵头单位"), "projects/sections/_lead.html", _lead, enterprise=True),
    Section("team", _("服务团队"), "projects/sections/_team.html", _team, enterprise=True),
    Section("roadmap", _("推进路径图"), "projects/sections/_roadmap.html", _roadmap, enterprise=True),
    Section("progress", _("月度进展"), "projects/sections/_progress.html", _progress, enterprise=True),
    Section(
        "commitments", _("履约承诺"), "projects/sections/_commitments.html", _commitments, enterprise=True
    ),
    Section("dispatch", _("会商、调度与抽查"), "projects/sections/_dispatch.html", _dispatch),
]


def register(section: Section) -> None:
    """Add `section` to the project page (once: registering a key again replaces it) — for
    the apps above projects, from their AppConfig.ready."""
    for i, s in enumerate(SECTIONS):
        if s.key == section.key:
            SECTIONS[i] = section
            return
    SECTIONS.append(section)
