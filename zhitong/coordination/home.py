"""Home panels (common.panels protocol): what coordination asks of each role — the leader's
pending decisions, the hub's batches and events, the units' and supervisors' tasks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from zhitong.appeals.choices import Light
from zhitong.appeals.deadlines import light_meanings
from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import handles_unit_matters, is_city_leader, is_hub

from . import permissions


def home_panels(user, *, today: date) -> list[HomePanel]:
    from . import selectors

    if is_city_leader(user):
        pending = selectors.leader_pending(user=user)
        for event in pending["events"]:
            event.my_action = selectors.event_action_for(event, user)
        # Each figure counts the list it opens: the events listed on the page itself
        # (#pending), my_batch?pending=1 (leader_requests) and meetings?mine=1 (meetings_listed).
        pending["counts"] = (
            HomeCount(
                _("待我审定"),
                len(pending["events"]),
                "#pending",
                tone="yellow" if pending["events"] else "",
                key="events",
            ),
            HomeCount(
                _("报我协调、待召开协调会"),
                pending["requests"],
                f"{reverse('coordination:my_batch')}?pending=1",
                key="requests",
            ),
            HomeCount(
                _("我召开的协调会"),
                pending["meeting_count"],
                f"{reverse('coordination:meetings')}?mine=1",
                key="meetings",
            ),
        )
        # Data-only: portal/home_leader.html is built around it.
        return [
            HomePanel(
                title=_("待我审定"),
                context={"coordination_leader": pending},
                order=30,
                counts=pending["counts"][1:],  # "#pending" is on the page itself
            )
        ]
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
                    title=_("提请市领导协调批次、面对面活动"),
                    template="coordination/_home_hub.html",
                    context={"coordination_hub": {"batches": rows, "events": events}},
                    order=30,
                )
            )
    # Those who report tasks (unit staff) or confirm them (hub, supervisor).
    if handles_unit_matters(user) or permissions.can_confirm_task(user):
        base = selectors.task_list_for_user(user=user)
        tasks = reverse("coordination:tasks")

        # What the red and yellow figures mean: the appeals' light rule, which tasks follow.
        meanings = light_meanings()

        def task_count(key, label, tone="", **params) -> HomeCount:
            # The task list's own filter (task_filter) on the user's task list.
            value = selectors.task_filter(base, today=today, **params).count()
            url = f"{tasks}?{urlencode(params)}"
            return HomeCount(
                label, value, url, tone=tone, key=f"task_{key}", hint=meanings[Light(tone)] if tone else ""
            )

        counts = (
            task_count("open", _("未办结"), status="open"),
            task_count("red", _("超期"), "red", status="open", light="red"),
            task_count("yellow", _("临期"), "yellow", status="open", light="yellow"),
            task_count("reported", _("已报办结待确认"), status="reported"),
        )
        if counts[0].value or counts[3].value:
            panels.append(
                HomePanel(
                    title=_("协调会、面对面活动交办任务"),
                    template="coordination/_home_tasks.html",
                    context={"coordination_tasks": {c.key: c.value for c in counts}},
                    order=40,
                    counts=counts,
                )
            )
    return panels
