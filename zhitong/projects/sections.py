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


def _dispatch(request, project, today):
    from .dispatch.sections import dispatch_context

    return dispatch_context(request, project, today)


SECTIONS: list[Section] = [
    Section("stages", "阶段历程", "projects/sections/_stages.html", _stages),
    Section("dispatch", "会商、调度与抽查", "projects/sections/_dispatch.html", _dispatch),
]
