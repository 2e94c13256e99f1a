"""/api/v1/coordination — assigned tasks."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Schema

from .. import selectors, services
from ..schemas import NoteIn, ReasonIn
from ..schemas.tasks import TaskOut, task_out
from ._common import ERRORS, router


class TaskQuery(Schema):
    status: str = "open"
    light: str = ""
    source: str = ""


def _task(request, task_id: int) -> dict:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    return task_out(task, light=selectors.task_light(task, timezone.localdate()))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="交办任务（按用户范围，含红黄灯）")
def task_list(request, q: Query[TaskQuery]):
    today = timezone.localdate()
    qs = selectors.task_filter(
        selectors.task_list_for_user(user=request.user),
        status=q.status,
        light=q.light,
        source=q.source,
        today=today,
    )
    return [task_out(t, light=selectors.task_light(t, today)) for t in qs[:500]]


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="交办任务详情")
def task_detail(request, task_id: int):
    return _task(request, task_id)


@router.post("/tasks/{task_id}/progress", response={200: TaskOut, **ERRORS}, summary="填报进展（责任单位）")
def task_progress(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_report_progress(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, summary="报办结（责任单位）")
def task_done(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_report_done(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post(
    "/tasks/{task_id}/confirm", response={200: TaskOut, **ERRORS}, summary="确认办结（统筹协调专员/督查室）"
)
def task_confirm(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_confirm(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/reject", response={200: TaskOut, **ERRORS}, summary="退回继续办理")
def task_reject(request, task_id: int, body: ReasonIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_reject(actor=request.user, task_id=task_id, reason=body.reason)
    return _task(request, task_id)
