"""Reads of the assigned tasks: scope, filters and the red/yellow/green light."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

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
    if light == "red":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, due__lt=today)
    elif light == "yellow":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, due__gte=today, due__lte=yellow_from(today))
    if source == "meeting":
        qs = qs.filter(meeting_item__isnull=False)
    elif source == "event":
        qs = qs.filter(event_item__isnull=False)
    return qs


def yellow_from(today: date) -> date:
    """Deadlines up to this date have ≤ 2 working days left (SPEC: yellow; the threshold is
    the appeals' light rule's, appeals.deadlines.YELLOW_WORKDAYS)."""
    from zhitong.appeals.deadlines import YELLOW_WORKDAYS
    from zhitong.workdays.services import add_workdays

    return add_workdays(today, YELLOW_WORKDAYS).date


def task_light(task: Task, today: date) -> str:
    """green, yellow (≤ 2 working days left), red (overdue), none (done)."""
    from zhitong.appeals.deadlines import YELLOW_WORKDAYS
    from zhitong.workdays.services import workdays_between

    if task.status == TaskStatus.DONE:
        return "none"
    if today > task.due:
        return "red"
    return "yellow" if workdays_between(today, task.due) <= YELLOW_WORKDAYS else "green"


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
        "yellow": open_qs.filter(due__gte=today, due__lte=yellow_from(today)).count(),
        "reported": qs.filter(status=TaskStatus.REPORTED).count(),
        "done": qs.filter(status=TaskStatus.DONE).count(),
    }
