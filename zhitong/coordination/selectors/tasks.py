"""Reads of the assigned tasks: scope, filters and the red/yellow/green light."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from zhitong.appeals.choices import Light
from zhitong.appeals.deadlines import light_for
from zhitong.core.scope import get_in_scope
from zhitong.organizations.choices import Role
from zhitong.organizations.selectors import user_scope_unit_ids, user_sees_all

from ..choices import OPEN_TASK_STATUSES, TaskStatus
from ..models import Task


def task_list_for_user(*, user) -> QuerySet[Task]:
    qs = Task.objects.select_related(
        "unit", "appeal", "appeal__enterprise", "meeting_item__meeting", "event_item__event"
    )
    if user_sees_all(user):
        return qs
    q = Q(pk__in=[])
    if user.role == Role.LEADER:
        q |= Q(meeting_item__meeting__convener=user) | Q(event_item__event__chair=user)
    scope = user_scope_unit_ids(user)
    if scope:
        q |= Q(unit__in=scope)
    return qs.filter(q)


def task_get_for_user(*, user, task_id: int) -> Task:
    return get_in_scope(task_list_for_user(user=user), None, task_id)


def task_filter(
    qs: QuerySet[Task], *, status: str = "", light: str = "", source: str = "", today: date
) -> QuerySet[Task]:
    if status == "open":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if light:
        qs = qs.filter(task_light_q(light, today))
    if source == "meeting":
        qs = qs.filter(meeting_item__isnull=False)
    elif source == "event":
        qs = qs.filter(event_item__isnull=False)
    return qs


def task_light_q(light: str, today: date) -> Q:
    """A filter for one light of the open tasks (the same rule as `task_light`); an unknown
    value filters nothing (a garbage parameter lists as if unset)."""
    running = Q(status__in=OPEN_TASK_STATUSES)
    if light == Light.NONE:
        return ~running
    if light == Light.RED:
        return running & Q(due__lt=today)
    if light == Light.YELLOW:
        return running & Q(due__gte=today, yellow_from__lte=today)
    if light == Light.GREEN:
        return running & Q(due__gte=today) & (Q(yellow_from__gt=today) | Q(yellow_from__isnull=True))
    return Q()


def task_light(task: Task, today: date) -> str:
    """The task's light today by the appeals' light rule (appeals/deadlines.py): red when
    overdue, yellow from its stored `yellow_from` (coordination/deadlines.py), green
    otherwise; none once done."""
    if task.status == TaskStatus.DONE:
        return Light.NONE
    return light_for(task.due, task.yellow_from, today)


def overdue_workdays(task: Task, today: date) -> int:
    from zhitong.workdays.services import workdays_between

    if task.status == TaskStatus.DONE or today <= task.due:
        return 0
    return max(workdays_between(task.due, today), 0)


def task_counts(qs: QuerySet[Task], *, today: date) -> dict[str, int]:
    open_qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    return {
        "open": open_qs.count(),
        "red": open_qs.filter(due__lt=today).count(),
        "yellow": qs.filter(task_light_q(Light.YELLOW, today)).count(),
        "reported": qs.filter(status=TaskStatus.REPORTED).count(),
        "done": qs.filter(status=TaskStatus.DONE).count(),
    }
