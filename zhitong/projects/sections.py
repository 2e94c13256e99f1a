"""The sections of a project's page ("one place for everything about a project").

Each part of the domain adds its section here: a template under
`projects/templates/projects/sections/` and a function `context(request, project, today)`
returning the section's context (scoped reads only; return None to hide the section).
The page renders them in this order, each as its own `<section id="…">` with the context as `ctx`, so parts never
edit each other's markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the section's id on the page (anchor)
    title: str
    template: str
    context: Callable  # (request, project, today) -> dict | None


def _stages(request, project, today):
    from .selectors import project_stage_history

    return {"stage_history": project_stage_history(project)}


def _progress(request, project, today):
    from .progress.sections import progress_context

    return progress_context(request, project, today)


def _commitments(request, project, today):
    from .progress.sections import commitments_context

    return commitments_context(request, project, today)


SECTIONS: list[Section] = [
    Section("stages", "阶段历程", "projects/sections/_stages.html", _stages),
    Section("progress", "月度进展", "projects/sections/_progress.html", _progress),
    Section("commitments", "履约承诺", "projects/sections/_commitments.html", _commitments),
]
