"""The open problems of projects, for the leaders' digest: problems are appeals linked to
the project, and appeals sit above projects (docs/architecture.md), so the appeals app
registers the source in its AppConfig.ready (zhitong/appeals/project_problems.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ProjectProblem:
    """One open problem of a project. `url` is its page, or "" when the reader may not open
    it (the digest still names the problem: it is the leader's project)."""

    project_id: int
    code: str
    title: str
    status: str
    opened_on: date
    url: str = ""


# source(project_ids, user) -> the open problems of those projects, oldest first.
ProblemSource = Callable[[list[int], object], Iterable[ProjectProblem]]
PROBLEM_SOURCES: list[ProblemSource] = []


def register_problem_source(source: ProblemSource) -> None:
    if source not in PROBLEM_SOURCES:
        PROBLEM_SOURCES.append(source)


def open_problems(project_ids: Iterable[int], *, user=None) -> dict[int, list[ProjectProblem]]:
    """The open problems of each project (a project without any is absent)."""
    ids = sorted(set(project_ids))
    out: dict[int, list[ProjectProblem]] = {}
    if not ids:
        return out
    for source in PROBLEM_SOURCES:
        for problem in source(ids, user):
            out.setdefault(problem.project_id, []).append(problem)
    return out
