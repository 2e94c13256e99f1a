"""Tasks: an opinion (of a meeting or an event) becomes one task per responsible unit with
a deadline; the unit reports progress and completion, the hub or the supervision office
confirms (seeds/001 四(七): 市政府督查室负责对办理工作进行督促检查)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.errors import ConflictError, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from .. import permissions
from ..choices import TaskReportKind, TaskStatus
from ..models import Task, TaskReport
from ._common import local_date, notify, timeline_note


def _snapshot(task: Task) -> dict:
    return {"status": task.status, "due": task.due, "last_note": task.last_note, "version": task.version}


def tasks_create_for_item(
    *, item, actor: User, due: date, due_provisional: bool, now: datetime
) -> list[Task]:
    """One task per responsible unit of an item's opinion (the first unit leads). Called by
    the meeting and event services inside their transaction."""
    units = item.ordered_units()
    if not units:
        raise ServiceError("请选择至少一个责任单位", field="unit_ids")
    source = {"meeting_item": item} if item.__class__.__name__ == "MeetingItem" else {"event_item": item}
    tasks = []
    for i, unit in enumerate(units):
        task = Task.objects.create(
            **source,
            appeal=item.appeal,
            unit=unit,
            is_lead=i == 0,
            content=item.opinion,
            due=due,
            due_provisional=due_provisional,
            due_workdays=item.due_workdays,
            due_base=local_date(now) if item.due_workdays else None,
            assigned_at=now,
            assigned_by=actor,
        )
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
            recipients=User.objects.filter(
                unit__path__startswith=unit.path, role__in=[Role.HANDLER, Role.UNIT_HEAD], is_active=True
            ),
            kind="coordination_task",
            title=f"交办任务：{item.appeal.title}（{'牵头' if i == 0 else '配合'}，{due:%Y-%m-%d}前）",
            body=item.opinion,
            url=f"/coordination/tasks/{task.pk}/",
            dedupe_key=f"task:{task.pk}",
            now=now,
        )
    names = "、".join(
        f"{u.display_name}{'（牵头）' if i == 0 and len(units) > 1 else ''}" for i, u in enumerate(units)
    )
    timeline_note(
        appeal=item.appeal,
        actor=actor,
        action="coordination.task_assign",
        note=f"交办{names}办理，期限{due:%Y-%m-%d}",
        data={"task_ids": [t.pk for t in tasks], "due": due.isoformat()},
        now=now,
    )
    return tasks


def _lock(task_id: int) -> Task:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("unit", "appeal")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise ServiceError("任务不存在")
    return task


def _check_version(task: Task, version: int | None) -> None:
    if version is not None and version != task.version:
        raise ConflictError("任务已被他人更新，请刷新后重试", code="stale")


def _record(
    task: Task, *, kind: str, note: str, actor: User, now: datetime, before: dict, action: str
) -> None:
    task.version += 1
    task.save()
    TaskReport.objects.create(task=task, kind=kind, note=note, actor=actor, at=now)
    audit_record(action=action, obj=task, actor=actor, before=before, after=_snapshot(task), now=now)
    label = TaskReportKind(kind).label
    timeline_note(
        appeal=task.appeal,
        actor=actor,
        action=f"coordination.task_{kind}",
        note=f"交办任务（{task.unit.display_name}）{label}" + (f"：{note}" if note else ""),
        data={"task_id": task.pk, "status": task.status},
        now=now,
    )


@transaction.atomic
def task_report_progress(
    *, actor: User, task_id: int, note: str, version: int | None = None, now: datetime | None = None
) -> Task:
    now = now or timezone.now()
    task = _lock(task_id)
    permissions.require_task_reporter(actor, task)
    _check_version(task, version)
    note = (note or "").strip()
    if not note:
        raise ServiceError("请填写办理进展", field="note")
    if task.status not in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS):
        raise ConflictError(f"任务当前状态为“{task.get_status_display()}”，不能填报进展")
    before = _snapshot(task)
    task.status = TaskStatus.IN_PROGRESS
    task.last_note = note
    _record(
        task,
        kind=TaskReportKind.PROGRESS,
        note=note,
        actor=actor,
        now=now,
        before=before,
        action="coordination_task.progress",
    )
    return task


@transaction.atomic
def task_report_done(
    *, actor: User, task_id: int, note: str, version: int | None = None, now: datetime | None = None
) -> Task:
    """The unit says the task is done (with what was done and the reply to the enterprise)."""
    now = now or timezone.now()
    task = _lock(task_id)
    permissions.require_task_reporter(actor, task)
    _check_version(task, version)
    note = (note or "").strip()
    if not note:
        raise ServiceError("请填写办理结果及回复企业情况", field="note")
    if task.status not in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS):
        raise ConflictError(f"任务当前状态为“{task.get_status_display()}”，不能报办结")
    before = _snapshot(task)
    task.status = TaskStatus.REPORTED
    task.last_note = note
    task.reported_at = now
    _record(
        task,
        kind=TaskReportKind.DONE,
        note=note,
        actor=actor,
        now=now,
        before=before,
        action="coordination_task.report_done",
    )
    notify(
        recipients=[task.assigned_by],
        kind="coordination_task_reported",
        title=f"{task.unit.display_name}报任务办结待确认",
        body=note,
        url=f"/coordination/tasks/{task.pk}/",
        now=now,
    )
    return task


@transaction.atomic
def task_confirm(
    *, actor: User, task_id: int, note: str = "", version: int | None = None, now: datetime | None = None
) -> Task:
    now = now or timezone.now()
    permissions.require_task_confirmer(actor)
    task = _lock(task_id)
    _check_version(task, version)
    if task.status != TaskStatus.REPORTED:
        raise ConflictError("只有已报办结的任务可以确认办结")
    before = _snapshot(task)
    task.status = TaskStatus.DONE
    task.done_at = now
    task.confirmed_by = actor
    _record(
        task,
        kind=TaskReportKind.CONFIRM,
        note=note.strip(),
        actor=actor,
        now=now,
        before=before,
        action="coordination_task.confirm",
    )
    return task


@transaction.atomic
def task_reject(
    *, actor: User, task_id: int, reason: str, version: int | None = None, now: datetime | None = None
) -> Task:
    """Not done yet: back to the unit with the reason."""
    now = now or timezone.now()
    permissions.require_task_confirmer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("退回须说明理由", field="reason")
    task = _lock(task_id)
    _check_version(task, version)
    if task.status != TaskStatus.REPORTED:
        raise ConflictError("只有已报办结的任务可以退回")
    before = _snapshot(task)
    task.status = TaskStatus.IN_PROGRESS
    task.reported_at = None
    _record(
        task,
        kind=TaskReportKind.REJECT,
        note=reason,
        actor=actor,
        now=now,
        before=before,
        action="coordination_task.reject",
    )
    notify(
        recipients=User.objects.filter(
            unit__path__startswith=task.unit.path, role__in=[Role.HANDLER, Role.UNIT_HEAD], is_active=True
        ),
        kind="coordination_task_rejected",
        title="交办任务办结未获确认，请继续办理",
        body=reason,
        url=f"/coordination/tasks/{task.pk}/",
        now=now,
    )
    return task


__all__ = ["task_confirm", "task_reject", "task_report_done", "task_report_progress", "tasks_create_for_item"]
