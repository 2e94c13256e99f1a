"""/api/v1/projects — the roadmap (推进路径图): the same operations as the pages, through the
same selectors and services. Token authentication comes from zhitong.api.

- GET  /projects/roadmap/template                      the standard milestones and their
                                                       default limits (?green_channel=true:
                                                       the shortened ones)
- GET  /projects/{id}/milestones                       the project's roadmap, with lights
- POST /projects/{id}/roadmap/preview                  a plan's nodes and dates, nothing saved
- POST /projects/{id}/roadmap                          save a plan as the roadmap (201)
- GET  /projects/{id}/milestones/{mid}                 one node, with the caller's moves
- POST /projects/{id}/milestones/{mid}/moves/{move}    edit | complete | reopen:
                                                       {"expected_version", "data": {…}}

A plan: {"direction": "reverse" (from the target date) | "forward" (from the start date),
"anchor": "YYYY-MM-DD", "items": [{"kind", "name"?, "workdays"?, "agent_id"?,
"responsible_unit_id"?}, …], "replace": false}. `workdays` is the standard limit: a
green-channel project's nodes are planned with the shortened one (docs/projects.md).

Errors are JSON {"code", "message"} in Chinese: 403 not yours to do, 404 missing or out of
scope, 409 a wrong step, a stale version, a roadmap that exists (`roadmap_exists`: send
"replace": true) or has a node done (`roadmap_started`), 422 a bad input.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhitong.core.errors import (
    ErrorOut,
    Forbidden,
)
from zhitong.core.fields import Id, SaneDate, Text, Version, WorkdayCount
from zhitong.organizations.access import require_government

from .. import selectors as project_selectors
from ..models import MilestoneKind
from . import rules, selectors, services
from .machine import MILESTONE

router = Router(tags=["projects"])


# The refusals an endpoint may answer besides the errors every operation documents
# (400/401/404/405/413/422/500 — added centrally by zhitong.api.contract).
ERRORS = {403: ErrorOut, 409: ErrorOut}


class Ref(Schema):
    id: int
    name: str


class MoveRef(Schema):
    name: str
    label: str


class MilestoneOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    name: str
    sequence: int
    status: str
    workdays: int
    standard_workdays: int | None
    plan_rule: str
    plan_anchor: date | None
    planned_start: date | None
    planned_due: date
    planned_provisional: bool
    yellow_from: date | None
    actual_on: date | None
    light: str = Field(description="green 正常 / yellow 临期 / red 超期 / none 不计时（已完成）")
    completed_late: bool
    agent: Ref | None
    responsible_unit: Ref | None
    note: str
    version: int
    moves: list[MoveRef] = Field(default_factory=list, description="调用者现在可以执行的操作")


class TemplateRowOut(Schema):
    kind: str
    name: str
    standard_workdays: int
    workdays: int


class TemplateQuery(Schema):
    green_channel: bool = False


class PlanItemIn(Schema):
    kind: Text(30) = MilestoneKind.CUSTOM
    name: Text(100) = ""
    workdays: WorkdayCount | None = Field(None, description="标准办理时限（工作日）；标准节点可省略")
    agent_id: Id | None = None
    responsible_unit_id: Id | None = None


class PlanIn(Schema):
    direction: Text(10) = Field(description="reverse 倒排（自目标完成日期）/ forward 顺排（自开始日期）")
    anchor: SaneDate
    items: list[PlanItemIn] = Field(max_length=rules.MAX_MILESTONES)
    replace: bool = False


class PlanNodeOut(Schema):
    sequence: int
    kind: str
    name: str
    standard_workdays: int
    workdays: int
    planned_start: date
    planned_due: date
    provisional: bool
    rest_days: int = Field(description="期间不计入时限的工作日（节假日）天数")


class MilestoneMoveIn(Schema):
    """A move of the milestone table: the version the caller based it on (422 without it,
    409 when stale) and the move's fields in `data` (a key the move does not take: 422)."""

    expected_version: Version
    data: MILESTONE.input_model = Field(default_factory=MILESTONE.input_model)


def _ref(obj, name) -> dict | None:
    return {"id": obj.pk, "name": name} if obj is not None else None


def milestone_out(m, *, today: date, user=None) -> dict:
    moves = (
        [{"name": mv.name, "label": mv.label} for mv in MILESTONE.available(user, m, today=today)]
        if user
        else []
    )
    return {
        "id": m.pk,
        "project_id": m.project_id,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "name": m.name,
        "sequence": m.sequence,
        "status": m.status,
        "workdays": m.workdays,
        "standard_workdays": m.standard_workdays,
        "plan_rule": m.plan_rule,
        "plan_anchor": m.plan_anchor,
        "planned_start": m.planned_start,
        "planned_due": m.planned_due,
        "planned_provisional": m.planned_provisional,
        "yellow_from": m.yellow_from,
        "actual_on": m.actual_on,
        "light": rules.light_of(m, today),
        "completed_late": rules.completed_late(m),
        "agent": _ref(m.agent, m.agent.display_name if m.agent_id else ""),
        "responsible_unit": _ref(
            m.responsible_unit, m.responsible_unit.display_name if m.responsible_unit_id else ""
        ),
        "note": m.note,
        "version": m.version,
        "moves": moves,
    }


def _plan_args(payload: PlanIn) -> dict:
    return {
        "direction": payload.direction,
        "anchor": payload.anchor,
        "items": [item.model_dump() for item in payload.items],
    }


@router.get(
    "/roadmap/template",
    response={200: list[TemplateRowOut], 403: ErrorOut},
    summary="推进路径图标准节点及默认办理时限",
)
def roadmap_template(request, q: Query[TemplateQuery]):
    """The standard approval milestones in their usual order with their default limits in
    working days (configurable defaults; `workdays` is shortened for a green channel)."""
    require_government(request.user)
    return selectors.template_rows(green_channel=q.green_channel)


@router.get(
    "/{project_id}/milestones",
    response={200: list[MilestoneOut], **ERRORS},
    summary="项目推进路径图（含红黄灯）",
)
def milestone_list(request, project_id: Id):
    today = timezone.localdate()
    rows = selectors.milestone_list_for_user(user=request.user, project_id=project_id)
    return [milestone_out(m, today=today, user=request.user) for m in rows]


@router.post(
    "/{project_id}/roadmap/preview",
    response={200: list[PlanNodeOut], **ERRORS},
    summary="推进路径图预览：按工作日倒排/顺排计算各节点日期（不保存）",
)
def roadmap_preview(request, project_id: Id, payload: PlanIn):
    project = project_selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not services.can_plan(request.user, project):
        raise Forbidden("只有统筹协调专员和项目牵头单位可以编制推进路径图", code="forbidden_plan")
    nodes = services.roadmap_preview(project=project, **_plan_args(payload))
    return [
        {
            "sequence": n.sequence,
            "kind": n.item.kind,
            "name": n.item.name,
            "standard_workdays": n.item.standard_workdays,
            "workdays": n.item.workdays,
            "planned_start": n.dates.start,
            "planned_due": n.dates.due,
            "provisional": n.dates.provisional,
            "rest_days": n.rest_days,
        }
        for n in nodes
    ]


@router.post(
    "/{project_id}/roadmap",
    response={201: list[MilestoneOut], **ERRORS},
    summary="保存推进路径图（整体替换须 replace=true；已有节点完成的不能整体替换）",
)
def roadmap_save(request, project_id: Id, payload: PlanIn, response: HttpResponse):
    project_selectors.project_get_for_user(user=request.user, project_id=project_id)
    services.roadmap_plan(
        project_id=project_id, actor=request.user, replace=payload.replace, **_plan_args(payload)
    )
    today = timezone.localdate()
    rows = selectors.milestone_list_for_user(user=request.user, project_id=project_id)
    return 201, [milestone_out(m, today=today, user=request.user) for m in rows]


def _one(request, project_id: int, milestone_id: int) -> dict:
    m = selectors.milestone_get_for_user(user=request.user, milestone_id=milestone_id, project_id=project_id)
    return milestone_out(m, today=timezone.localdate(), user=request.user)


@router.get(
    "/{project_id}/milestones/{milestone_id}",
    response={200: MilestoneOut, **ERRORS},
    summary="推进节点详情（含可执行操作）",
)
def milestone_detail(request, project_id: Id, milestone_id: Id):
    return _one(request, project_id, milestone_id)


@router.post(
    "/{project_id}/milestones/{milestone_id}/moves/{move}",
    response={200: MilestoneOut, **ERRORS},
    summary="推进节点操作：edit 修改节点 / complete 登记完成 / reopen 撤销完成（字段见 data）",
)
def milestone_move(request, project_id: Id, milestone_id: Id, move: Text(40), payload: MilestoneMoveIn):
    """`data` holds the move's fields: edit {name, workdays, planned_due, agent_id,
    responsible_unit_id, note} (all of them: left out = cleared), complete {actual_on,
    note}, reopen {reason}. `expected_version` is the node's `version` the caller read."""
    selectors.milestone_get_for_user(user=request.user, milestone_id=milestone_id, project_id=project_id)
    MILESTONE.dispatch(
        pk=milestone_id,
        move=move,
        actor=request.user,
        expected_version=payload.expected_version,
        unknown="refuse",
        **payload.data.model_dump(exclude_unset=True),
    )
    return _one(request, project_id, milestone_id)
