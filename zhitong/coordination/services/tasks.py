"""Tasks: an opinion (of a meeting or an event) becomes one task per responsible unit with
a deadline; the unit reports progress and completion, the hub or the supervision office
confirms (seeds/001 四(七): 市政府督查室负责对办理工作进行督促检查)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

from django.utils.translation import gettext_noop

from zhitong.audit.services import audit_record
from zhitong.core.errors import ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from ..choices import TaskReportKind, TaskStatus
from ..deadlines import task_yellow_from
from ..machines.tasks import REPORT_KINDS, TASK
from ..models import Task
from ._common import label_arg, local_date, notify, required, said, timeline_note


def _snapshot(task: Task) -> dict:
    return {"status": task.status, "due": task.due, "last_note": task.last_note, "version": task.version}


def tasks_create_for_item(
    *, item, actor: User, due: date, due_provisional: bool, now: datetime, due_base: date | None = None
) -> list[Task]:
    """One task per responsible unit of an item's opinion (the first unit leads). Called by
    the meeting and event services inside their transaction. `due_base`: the day a number
    of working days counts from (default: today)."""
    units = item.ordered_units()
    if not units:
        raise ServiceError("请选择至少一个责任单位", field="unit_ids")
    source = {"meeting_item": item} if item.__class__.__name__ == "MeetingItem" else {"event_item": item}
    tasks = []
    for i, unit in enumerate(units):
        task = Task(
            **source,
            appeal=item.appeal,
            unit=unit,
            is_lead=i == 0,
            content=item.opinion,
            due=due,
            due_provisional=due_provisional,
            due_workdays=item.due_workdays,
            due_base=(due_base or local_date(now)) if item.due_workdays else None,
            assigned_at=now,
            assigned_by=actor,
        )
        task.yellow_from = task_yellow_from(task)
        task.save(force_insert=True)
        audit_record(
            action="coordination_task.assign",
            obj=task,
            actor=actor,
            before=None,
            after=_snapshot(task),
            now=now,
        )
        tasks.append(task)
        notify(
            recipients=_unit_staff(task),
            kind="coordination_task",
            title=f"交办任务：{item.appeal.title}（{'牵头' if i == 0 else '配合'}，{due:%Y-%m-%d}前）",
            body=item.opinion,
            url=_task_url(task),
            dedupe_key=f"task:{task.pk}",
            now=now,
        )
    names = [u.display_name for u in units]
    timeline_note(
        appeal=item.appeal,
        actor=actor,
        action="coordination.task_assign",
        note=said(
            gettext_noop("交办%(lead)s（牵头）、%(units)s办理，期限%(due)s"),
            lead=names[0],
            units=names[1:],
            due=f"{due:%Y-%m-%d}",
        )
        if len(names) > 1
        else said(gettext_noop("交办%(units)s办理，期限%(due)s"), units=names, due=f"{due:%Y-%m-%d}"),
        data={"task_ids": [t.pk for t in tasks], "due": due.isoformat()},
        now=now,
    )
    return tasks


def _unit_staff(task: Task):
    return User.objects.filter(
        unit__path__startswith=task.unit.path, role__in=[Role.HANDLER, Role.UNIT_HEAD], is_active=True
    )


@contextmanager
def _moving(move: str, task_id, actor, expected_version, now, *, note: str):
    """TASK.moving; after the caller's commit, the step on the appeal's timeline."""
    with TASK.moving(pk=task_id, move=move, actor=actor, expected_version=expected_version, now=now) as step:
        yield step
        _timeline(step, note)


def _task_url(task: Task) -> str:
    return f"/coordination/tasks/{task.pk}/"


def _tell(step, recipients, kind: str, title: str, body: str) -> None:
    """A notification about the task of `step`, linking to its page, sent after the commit."""
    step.tell(recipients, kind=kind, title=title, body=body, url=_task_url(step.obj))


def _timeline(step, note: str) -> None:
    task = step.obj
    kind = REPORT_KINDS[step.move.name]
    timeline_note(
        appeal=task.appeal,
        actor=step.actor,
        action=f"coordination.task_{kind}",
        note=said(
            gettext_noop("交办任务（%(unit)s）%(kind)s：%(note)s")
            if note
            else gettext_noop("交办任务（%(unit)s）%(kind)s"),
            unit=task.unit.display_name,
            kind=label_arg(TaskReportKind(kind).label, context="report"),
            **({"note": note} if note else {}),
        ),
        data={"task_id": task.pk, "status": task.status},
        now=step.now,
    )


@TASK.service("progress")
def task_report_progress(
    *,
    actor: User,
    task_id: int,
    note: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Task:
    """A progress note of the responsible unit; a task still waiting turns in progress."""
    note = required(note, "请填写办理进展", "note")
    with _moving("progress", task_id, actor, expected_version, now, note=note) as step:
        step.obj.last_note = note
        step.commit(fields=["last_note"], to_status=TaskStatus.IN_PROGRESS, note=note)
    return step.obj


@TASK.service("done")
def task_report_done(
    *,
    actor: User,
    task_id: int,
    note: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Task:
    """The unit says the task is done (with what was done and the reply to the enterprise)."""
    note = required(note, "请填写办理结果及回复企业情况", "note")
    with _moving("done", task_id, actor, expected_version, now, note=note) as step:
        task = step.obj
        task.last_note, task.reported_at = note, step.now
        step.commit(fields=["last_note", "reported_at"], note=note)
        _tell(
            step,
            [task.assigned_by],
            "coordination_task_reported",
            f"{task.unit.display_name}报任务办结待确认",
            note,
        )
    return task


@TASK.service("confirm")
def task_confirm(
    *,
    actor: User,
    task_id: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Task:
    note = (note or "").strip()
    with _moving("confirm", task_id, actor, expected_version, now, note=note) as step:
        task = step.obj
        task.done_at, task.confirmed_by = step.now, actor
        step.commit(fields=["done_at", "confirmed_by"], note=note)
    return task


@TASK.service("reject")
def task_reject(
    *,
    actor: User,
    task_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Task:
    """Not done yet: back to the unit with the reason."""
    reason = required(reason, "退回须说明理由", "reason")
    with _moving("reject", task_id, actor, expected_version, now, note=reason) as step:
        task = step.obj
        task.reported_at = None
        step.commit(fields=["reported_at"], note=reason)
        _tell(
            step,
            lambda: list(_unit_staff(task)),
            "coordination_task_rejected",
            "交办任务办结未获确认，请继续办理",
            reason,
        )
    return task


__all__ = ["task_confirm", "task_reject", "task_report_done", "task_report_progress", "tasks_create_for_item"]
