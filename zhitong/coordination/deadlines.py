"""Coordination's stored working-day deadlines, registered with the calendar
(zhitong/workdays/deadlines.py), each recomputed by the rule that set it:

- a batch's cut-off: the 10th or the next working day (`batch_cutoff`), while the batch is
  open (a batch under review or reported keeps the cut-off it closed on);
- a quarterly event's catalog deadline: 4 working days before the event
  (`catalog_due_for`), until the catalog is reported (its lateness is judged then);
- an opinion's deadline (meeting item, event item) and its tasks' deadlines: N working days
  after the day of the opinion or the approved document, or a date the leader set (only its
  provisional mark can change), while the task is not done;
- a task's first yellow day (`yellow_from`, derived from its deadline): the appeals' light
  rule (appeals/deadlines.py "The light rule": at most YELLOW_WORKDAYS working days left
  and YELLOW_ELAPSED_SHARE of the limit used), so a task of 1–2 working days is not yellow
  the moment it is assigned. The clock starts on `due_base` (the day its N working days
  count from) or, for a date the leader set, the day the task was assigned; its limit is
  N, or the working days from that start to the date.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy

from .choices import BatchStatus, TaskStatus


def _workdays():
    from zhitong.workdays import services

    return services


def recompute_batches(batches: list) -> None:
    from .services.batches import batch_cutoff

    for batch in batches:
        batch.cutoff, batch.cutoff_provisional = batch_cutoff(batch.month)


def recompute_catalogs(events: list) -> None:
    from .services.events.catalog import catalog_due_for

    for event in events:
        event.catalog_due, event.catalog_due_provisional = catalog_due_for(
            kind=event.kind, scheduled_at=event.scheduled_at
        )


def _count_or_confirm(obj, *, date_field: str, base, n) -> None:
    """N working days after `base` when both are known, else keep the date and say again
    whether it is provisional."""
    wd = _workdays()
    if base is not None and n:
        result = wd.add_workdays(base, n)
        setattr(obj, date_field, result.date)
        obj.due_provisional = result.provisional
    elif getattr(obj, date_field) is not None:
        obj.due_provisional = wd.is_provisional(getattr(obj, date_field))


def task_clock(task) -> tuple[date, int]:
    """(start, limit in working days) of a task's clock (see the module docstring)."""
    from django.utils import timezone

    start = task.due_base or timezone.localdate(task.assigned_at)
    limit = task.due_workdays or max(_workdays().workdays_between(start, task.due), 0)
    return start, limit


def task_yellow_from(task) -> date:
    """The first yellow day of the task's light (appeals' light rule, one definition)."""
    from zhitong.appeals.deadlines import yellow_from_for

    return yellow_from_for(task.due, task_clock(task)[1])


def recompute_tasks(tasks: list) -> None:
    for task in tasks:
        _count_or_confirm(task, date_field="due", base=task.due_base, n=task.due_workdays)
        task.yellow_from = task_yellow_from(task)


def recompute_meeting_items(items: list) -> None:
    from django.utils import timezone

    for item in items:
        base = timezone.localdate(item.opinion_at) if item.opinion_at else None
        _count_or_confirm(item, date_field="due_date", base=base, n=item.due_workdays)


def recompute_event_items(items: list) -> None:
    from django.utils import timezone

    for item in items:
        # Stored at the event's assignment (event_assign), counted from the approved
        # document's date (the day the document states); before it no date is stored.
        event = item.event
        assigned = event.assigned_at
        base = timezone.localdate(event.document_approved_at or assigned) if assigned else None
        if base is None and item.due_date is None:
            continue
        _count_or_confirm(item, date_field="due_date", base=base, n=item.due_workdays)


OPEN_TASKS = Q(status__in=[TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED])


def register() -> None:
    from zhitong.workdays import deadlines

    deadlines.register(
        "coordination.EscalationBatch",
        title=gettext_lazy("提请市领导协调批次"),
        dates="cutoff",
        provisional="cutoff_provisional",
        recompute=recompute_batches,
        active=Q(status=BatchStatus.OPEN),
        ref="label",
    )
    deadlines.register(
        "coordination.Event",
        title=gettext_lazy("面对面活动目录"),
        dates="catalog_due",
        provisional="catalog_due_provisional",
        recompute=recompute_catalogs,
        active=Q(catalog_due__isnull=False, catalog_submitted_at__isnull=True),
        ref="title",
    )
    deadlines.register(
        "coordination.Task",
        title=gettext_lazy("交办任务"),
        dates="due",
        provisional="due_provisional",
        recompute=recompute_tasks,
        derived=("yellow_from",),  # task_yellow_from(task): the light rule on `due`
        active=OPEN_TASKS,
        select_related=("unit",),
        describe=lambda t: f"{t.unit.display_name}：{t.content[:40]}",
    )
    deadlines.register(
        "coordination.MeetingItem",
        title=gettext_lazy("协调会意见"),
        dates="due_date",
        provisional="due_provisional",
        recompute=recompute_meeting_items,
        active=Q(opinion_at__isnull=False),
        describe=lambda i: i.project_name,
    )
    deadlines.register(
        "coordination.EventItem",
        title=gettext_lazy("面对面处理意见"),
        dates="due_date",
        provisional="due_provisional",
        recompute=recompute_event_items,
        active=Q(opinion_at__isnull=False),
        select_related=("event", "appeal"),
        describe=lambda i: f"{i.event.title}：{i.appeal.title}",
    )
