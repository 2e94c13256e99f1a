"""Home panels (common.panels protocol): what coordination asks of each role — the leader's
pending decisions, the hub's batches and events, the units' and supervisors' tasks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import handles_unit_matters, is_city_leader, is_hub

from . import permissions


def home_panels(user, *, today: date) -> list[HomePanel]:
    from . import selectors

    if is_city_leader(user):
        pending = selectors.leader_pending(user=user)
        for event in pending["events"]:
            event.my_action = selectors.event_action_for(event, user)
        # Data-only: portal/home_leader.html is built around it.
        return [HomePanel(title="待我审定", context={"coordination_leader": pending}, order=30)]
    panels: list[HomePanel] = []
    if is_hub(user):
        # The hub's desk: batches waiting for review or submission, and the events its own
        # office must move on.
        from .choices import BatchStatus

        rows = [
            r
            for r in selectors.batch_list(today=today)
            if r.batch.status == BatchStatus.UNDER_REVIEW
            or (r.batch.status == BatchStatus.OPEN and r.total and r.batch.cutoff < today)
        ]
        events = [
            e for e in selectors.event_list_for_user(user=user) if selectors.event_office_action(e, user)
        ]
        for e in events:
            e.my_action = selectors.event_office_action(e, user)
        if rows or events:
            panels.append(
                HomePanel(
                    title="提请市领导协调批次、面对面活动",
                    template="coordination/_home_hub.html",
                    context={"coordination_hub": {"batches": rows, "events": events}},
                    order=30,
                )
            )
    # Those who report tasks (unit staff) or confirm them (hub, supervisor).
    if handles_unit_matters(user) or permissions.can_confirm_task(user):
        counts = selectors.task_counts(selectors.task_list_for_user(user=user), today=today)
        if counts["open"] or counts["reported"]:
            tasks = reverse("coordination:tasks")
            panels.append(
                HomePanel(
                    title="协调会、面对面活动交办任务",
                    template="coordination/_home_tasks.html",
                    context={"coordination_tasks": counts},
                    order=40,
                    counts=(
                        HomeCount("未办结", counts["open"], f"{tasks}?status=open"),
                        HomeCount("超期", counts["red"], f"{tasks}?status=open&light=red", "red"),
                        HomeCount(
                            "临期(≤2个工作日)",
                            counts["yellow"],
                            f"{tasks}?status=open&light=yellow",
                            "yellow",
                        ),
                        HomeCount("已报办结待确认", counts["reported"], f"{tasks}?status=reported"),
                    ),
                )
            )
    return panels
