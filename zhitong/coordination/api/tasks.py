"""/api/v1/coordination — assigned tasks."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Schema

from zhitong.core.fields import Id, Text
from zhitong.organizations.access import require_government

from .. import selectors
from ..machines.tasks import TASK
from ..schemas.tasks import TaskOut, task_out
from ._common import ERRORS, move_body, router
from ._common import move as perform_move


class TaskQuery(Schema):
    status: Text(20) = "open"
    light: Text(10) = ""
    source: Text(20) = ""


def _task(request, task_id: int) -> dict:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    return task_out(task, light=selectors.task_light(task, timezone.localdate()))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="交办任务（按用户范围，含红黄灯）")
def task_list(request, q: Query[TaskQuery]):
    require_government(request.user)
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
def task_detail(request, task_id: Id):
    return _task(request, task_id)


@router.post(
    "/tasks/{task_id}/moves/{move}",
    response={200: TaskOut, **ERRORS},
    summary="任务操作：progress 填报进展 / done 报办结 / confirm 确认办结 / reject 退回（字段及version）",
    openapi_extra=move_body(TASK),
)
def task_move(request, task_id: Id, move: Text(40)):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    perform_move(request, TASK, pk=task_id, name=move)
    return _task(request, task_id)
