"""The milestones' planned dates, registered with the working-day calendar
(zhitong/workdays/deadlines.py): when the calendar changes — a year's official schedule
imported over the predicted one, a day set or cleared — the open nodes are re-timed in the
change's own transaction by the rule that planned them (rules.recompute), and the shifts
are recorded. A done node's planned dates are history and stay as they were."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from ..models import MilestoneStatus


def touches(years: list[int]) -> Q:
    """Nodes whose count may walk over a day of `years`: a planned date, or the anchor it
    is counted from (a reverse plan's target date in a later year moves its earlier
    nodes), on or after 1 January of the first year, less the calendar's margin."""
    from zhitong.workdays.deadlines import BACKWARD_MARGIN

    since = date(years[0], 1, 1) - BACKWARD_MARGIN
    return Q(planned_due__gte=since) | Q(plan_anchor__gte=since) | Q(planned_start__gte=since)


def recompute(milestones: list) -> None:
    from .rules import recompute as recompute_one

    for milestone in milestones:
        recompute_one(milestone)


def register() -> None:
    from zhitong.workdays import deadlines

    deadlines.register(
        "projects.Milestone",
        title="推进路径节点",
        # planned_due first: a change of the provisional mark alone is recorded on it.
        dates=("planned_due", "planned_start"),
        provisional="planned_provisional",
        derived=("yellow_from",),  # YELLOW_WORKDAYS before planned_due
        recompute=recompute,
        active=Q(status=MilestoneStatus.OPEN),
        touches=touches,
        select_related=("project",),
        describe=lambda m: f"{m.project.code} {m.project.name}：{m.name}",
    )
