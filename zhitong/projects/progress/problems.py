"""The hook through which a problem named in a monthly progress report becomes an appeal.

Projects sit below appeals (docs/architecture.md: floors), so this app cannot call the
appeals intake itself. The appeals app installs a `ProblemDesk` here in its
`AppConfig.ready` (zhitong/appeals/project_hooks.py): `register` files the problem as an
appeal of the project's owner with the project set and the channel 项目月报, through the
normal intake service (first-inquiry owner = the reporter, routing by the hub as for any
appeal); `lookup` answers, in one query, the appeals' codes and whether each is still open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ProblemAppeal:
    """What the project pages show of the appeal a problem became."""

    id: int
    code: str
    status_label: str
    open: bool
    url: str


@dataclass(frozen=True)
class ProblemDesk:
    # register(problem=ReportProblem, actor=User, now=datetime) -> ProblemAppeal; runs inside
    # the report's transaction (an intake that fails rolls the report back).
    register: Callable[..., ProblemAppeal]
    # lookup(appeal_ids) -> {appeal_id: ProblemAppeal}, one query whatever the number.
    lookup: Callable[[Iterable[int]], dict[int, ProblemAppeal]]


_desk: ProblemDesk | None = None


def install(desk: ProblemDesk) -> None:
    """Called once by the appeals app (AppConfig.ready)."""
    global _desk
    _desk = desk


def register_problem(*, problem, actor, now: datetime) -> ProblemAppeal:
    if _desk is None:
        raise ImproperlyConfigured("项目月报的问题登记未接入诉求受理（appeals 未安装 ProblemDesk）")
    return _desk.register(problem=problem, actor=actor, now=now)


def lookup_appeals(appeal_ids: Iterable[int]) -> dict[int, ProblemAppeal]:
    ids = sorted({i for i in appeal_ids if i})
    if not ids or _desk is None:
        return {}
    return _desk.lookup(ids)
