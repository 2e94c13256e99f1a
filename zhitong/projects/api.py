"""/api/v1/projects — the project library (seeds/003 八 在谈项目信息库) through the same
selectors, filter form, permissions and services as the pages. Token authentication
(Authorization: Bearer …) comes from zhitong.api.

- GET   /projects                     the caller's projects, filtered and paginated, with the
                                      count per stage (the page's filters: q, stage, level,
                                      category, location, lead_unit, leader, green, owner —
                                      read by the page's own form; a value that does not
                                      validate is ignored, as on the page)
- POST  /projects                     enter a project (in 储备): the hub, or a handler / unit
                                      head for a project led by a unit of their scope
- GET   /projects/{id}                one project, its stage history and the caller's moves
- PATCH /projects/{id}                edit its facts with the `version` read (stale: 409);
                                      the hub and the lead unit; never the stage
- GET   /projects/{id}/moves          the stage moves the caller may make now, with fields
- POST  /projects/{id}/moves/{move}   a move of the stage table (machines.STAGE):
                                      {version, on, note} | step_back {version, reason}

Errors are JSON {"code", "message"} in Chinese (zhitong/api/contract.py): 403 not yours to
do, 404 missing or out of scope, 409 a stale version, a move not possible now, or a code
already registered, 422 a value of the wrong type or outside its bounds (or a move without
its `version`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from zhitong.common import api_moves
from zhitong.common.forms import INT_MAX
from zhitong.core.errors import ErrorOut, InvalidInput
from zhitong.core.fields import (
    LONG_TEXT_MAX,
    QUERY_TEXT_MAX,
    Id,
    PageNumber,
    PageSize,
    SaneDate,
    Text,
    Version,
    VisibleText,
)
from zhitong.enterprises.selectors import enterprise_list_for_user
from zhitong.organizations.access import require_government
from zhitong.organizations.models import Unit, User

from . import permissions, selectors, services
from .forms import ProjectFilterForm
from .machines import STAGE
from .models import ApprovalAuthority, ProjectCategory, ProjectLevel

router = Router(tags=["projects"])
# The refusals an endpoint may answer besides the errors every operation documents
# (400/401/404/405/413/422/500 — added centrally by zhitong.api.contract).
ERRORS = {403: ErrorOut, 409: ErrorOut}
MAX_PAGE_SIZE = 100

Amount = Annotated[Decimal, Field(ge=0, le=INT_MAX, max_digits=14, decimal_places=2)]
Category = Literal[tuple(ProjectCategory.values)]
Level = Literal[tuple(ProjectLevel.values)]
Authority = Literal[tuple(ApprovalAuthority.values)]


# -- answers ----------------------------------------------------------------------------------


class StageChangeOut(Schema):
    action: str
    label: str
    from_stage: str
    to_stage: str
    on: date
    actor: str | None
    note: str


class MoveFieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool


class ProjectMoveOut(Schema):
    name: str
    label: str
    target: str | None
    description: str
    fields: list[MoveFieldOut]


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    owner_id: int
    owner_name: str
    owner_credit_code: str
    category: str
    category_label: str
    industry: str
    level: str
    level_label: str
    stage: str
    stage_label: str
    stage_since: date | None
    location_id: int
    location_name: str
    lead_unit_id: int
    lead_unit_name: str
    leader_id: int | None
    leader_name: str | None
    total_investment: Decimal = Field(description="总投资（万元）")
    annual_investment: Decimal = Field(description="年度计划投资（万元）")
    planned_start: date | None
    planned_completion: date | None
    green_channel: bool
    version: int


class ProjectDetailOut(ProjectOut):
    address: str
    first_contact_unit_id: int | None
    introducing_unit_id: int | None
    designated_unit_id: int | None
    industry_unit_id: int | None
    approval_authority: str
    approval_authority_label: str
    lead_basis: str
    summary: str
    green_channel_note: str
    public: bool
    stage_history: list[StageChangeOut]
    moves: list[ProjectMoveOut] = Field(description="调用者现在可执行的阶段操作")


class ProjectPage(Schema):
    count: int
    page: int
    page_size: int
    stage_counts: dict[str, int] = Field(
        description="按阶段计数（除阶段外的同一筛选条件）；各数等于按该阶段筛选的 count"
    )
    items: list[ProjectOut]


def _out(p) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "owner_id": p.owner_id,
        "owner_name": p.owner.name,
        "owner_credit_code": p.owner.credit_code,
        "category": p.category,
        "category_label": p.get_category_display(),
        "industry": p.industry,
        "level": p.level,
        "level_label": p.get_level_display(),
        "stage": p.stage,
        "stage_label": p.get_stage_display(),
        "stage_since": p.stage_since,
        "location_id": p.location_id,
        "location_name": p.location.name,
        "lead_unit_id": p.lead_unit_id,
        "lead_unit_name": p.lead_unit.name,
        "leader_id": p.leader_id,
        "leader_name": p.leader.display_name if p.leader_id else None,
        "total_investment": p.total_investment,
        "annual_investment": p.annual_investment,
        "planned_start": p.planned_start,
        "planned_completion": p.planned_completion,
        "green_channel": p.green_channel,
        "version": p.version,
    }


def _move_out(m) -> dict:
    return {
        "name": m.name,
        "label": m.label,
        "target": m.target,
        "description": m.description,
        "fields": [
            {"name": f.name, "label": f.label, "kind": f.kind, "required": f.required} for f in m.form
        ],
    }


def _detail(request, project_id: int) -> dict:
    p = selectors.project_get_for_user(user=request.user, project_id=project_id)
    return {
        **_out(p),
        "address": p.address,
        "first_contact_unit_id": p.first_contact_unit_id,
        "introducing_unit_id": p.introducing_unit_id,
        "designated_unit_id": p.designated_unit_id,
        "industry_unit_id": p.industry_unit_id,
        "approval_authority": p.approval_authority,
        "approval_authority_label": p.get_approval_authority_display(),
        "lead_basis": p.lead_basis,
        "summary": p.summary,
        "green_channel_note": p.green_channel_note,
        "public": p.public,
        "stage_history": [
            {
                "action": row.action,
                "label": row.label,
                "from_stage": row.from_stage,
                "to_stage": row.to_stage,
                "on": row.on,
                "actor": row.actor.display_name if row.actor_id else None,
                "note": row.note,
            }
            for row in selectors.project_stage_history(p)
        ],
        "moves": [_move_out(m) for m in STAGE.available(request.user, p)],
    }


# -- the list ---------------------------------------------------------------------------------

FilterText = Text(40)


class ProjectFilters(Schema):
    """The page's filters by the page's names, read by the page's own form
    (forms.ProjectFilterForm): a value that does not validate is ignored."""

    q: Text(QUERY_TEXT_MAX) | None = Field(None, description="项目名称、编码、业主企业名称或统一社会信用代码")
    stage: FilterText | None = Field(None, description="所处阶段：reserve … operating")
    level: FilterText | None = Field(None, description="项目层级：city_major | key | county")
    category: FilterText | None = Field(None, description="项目类别")
    location: FilterText | None = Field(None, description="落地县区/园区的单位 id（含下属单位）")
    lead_unit: FilterText | None = Field(None, description="牵头单位的单位 id")
    leader: FilterText | None = Field(None, description="包挂领导的用户 id")
    green: FilterText | None = Field(None, description="绿色通道：yes | no")
    owner: FilterText | None = Field(None, description="业主企业 id")
    page: PageNumber = 1
    page_size: PageSize(MAX_PAGE_SIZE) = 25


@router.get(
    "", response={200: ProjectPage, 403: ErrorOut}, summary="项目库（按用户范围，筛选、分页、按阶段计数）"
)
def project_list(request, f: Query[ProjectFilters]):
    require_government(request.user)
    data = {k: v for k, v in f.model_dump().items() if k not in ("page", "page_size") and v is not None}
    form = ProjectFilterForm(data)
    qs = selectors.project_list_for_user(user=request.user, **form.filters())
    counts = selectors.project_stage_counts(
        selectors.project_list_for_user(user=request.user, **form.filters(stage=False))
    )
    start = (f.page - 1) * f.page_size
    return {
        "count": qs.count(),
        "page": f.page,
        "page_size": f.page_size,
        "stage_counts": counts,
        "items": [_out(p) for p in qs[start : start + f.page_size]],
    }


# -- entering and editing -----------------------------------------------------------------------


class _Facts(Schema):
    model_config = ConfigDict(extra="forbid")


class ProjectIn(_Facts):
    code: VisibleText(32) = Field(description="项目编码：字母、数字、连字符")
    name: VisibleText(200)
    owner_id: Id = Field(description="业主企业 id（须在调用者可见的企业中）")
    category: Category = ProjectCategory.INDUSTRY
    industry: Text(60) = ""
    level: Level = ProjectLevel.KEY
    location_id: Id = Field(description="落地县区/园区的单位 id")
    address: Text(200) = ""
    first_contact_unit_id: Id | None = None
    introducing_unit_id: Id | None = None
    designated_unit_id: Id | None = None
    industry_unit_id: Id | None = None
    approval_authority: Authority = ApprovalAuthority.CITY
    lead_unit_id: Id = Field(description="牵头单位 id（非统筹协调专员：须为本单位或下属单位）")
    leader_id: Id | None = Field(None, description="包挂领导的用户 id（市、县领导）")
    total_investment: Amount = Decimal(0)
    annual_investment: Amount = Decimal(0)
    planned_start: SaneDate | None = None
    planned_completion: SaneDate | None = None
    summary: Text(LONG_TEXT_MAX) = ""
    green_channel: bool = False
    green_channel_note: Text(200) = ""
    public: bool = False


class ProjectPatch(_Facts):
    """The facts to change (others are kept) and the `version` the caller read. The stage and
    the lead unit are not facts: they move through the stage table and the lead-unit rules."""

    version: Version = Field(description="调用方读取时项目的版本号；过期则 409")
    code: VisibleText(32) | None = None
    name: VisibleText(200) | None = None
    owner_id: Id | None = None
    category: Category | None = None
    industry: Text(60) | None = None
    level: Level | None = None
    location_id: Id | None = None
    address: Text(200) | None = None
    first_contact_unit_id: Id | None = None
    introducing_unit_id: Id | None = None
    designated_unit_id: Id | None = None
    industry_unit_id: Id | None = None
    approval_authority: Authority | None = None
    leader_id: Id | None = None
    total_investment: Amount | None = None
    annual_investment: Amount | None = None
    planned_start: SaneDate | None = None
    planned_completion: SaneDate | None = None
    summary: Text(LONG_TEXT_MAX) | None = None
    green_channel: bool | None = None
    green_channel_note: Text(200) | None = None
    public: bool | None = None


UNIT_FIELDS = (
    "location_id",
    "first_contact_unit_id",
    "introducing_unit_id",
    "designated_unit_id",
    "industry_unit_id",
)
# Fields that may be cleared (null) by a PATCH; the others keep their value when null.
NULLABLE = (*UNIT_FIELDS[1:], "leader_id", "planned_start", "planned_completion")


def _resolve(user, data: dict, *, owner_kept: int | None = None) -> dict:
    """Ids checked against what exists and what the caller may name (422 naming the field)."""
    for f in UNIT_FIELDS:
        if data.get(f) is not None and not Unit.objects.filter(pk=data[f], is_active=True).exists():
            raise InvalidInput("单位不存在", field=f)
    if (
        data.get("leader_id") is not None
        and not User.objects.filter(pk=data["leader_id"], is_active=True).exists()
    ):
        raise InvalidInput("人员不存在", field="leader_id")
    owner = data.get("owner_id")
    if owner is not None and owner != owner_kept:
        if not enterprise_list_for_user(user=user).filter(pk=owner).exists():
            raise InvalidInput("业主企业不存在或您无权查看", field="owner_id")
    return data


def _text(data: dict) -> dict:
    # A text sent as null in a PATCH is left as it is (null is not an empty text).
    return {k: v for k, v in data.items() if v is not None or k in NULLABLE}


@router.post("", response={201: ProjectDetailOut, **ERRORS}, summary="登记项目（储备阶段）")
def project_create(request, body: ProjectIn):
    user = request.user
    data = body.model_dump()
    lead_unit = Unit.objects.filter(pk=data.pop("lead_unit_id"), is_active=True).first()
    if lead_unit is None:
        raise InvalidInput("单位不存在", field="lead_unit_id")
    permissions.require_create(user, lead_unit.pk)
    _resolve(user, data)
    project = services.project_create(actor=user, lead_unit=lead_unit, **data)
    return Status(201, _detail(request, project.pk))


@router.get("/{project_id}", response={200: ProjectDetailOut}, summary="项目详情（含阶段历程和可执行操作）")
def project_detail(request, project_id: Id):
    return _detail(request, project_id)


@router.patch("/{project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="编辑项目信息（不含阶段）")
def project_update(request, project_id: Id, body: ProjectPatch):
    user = request.user
    project = selectors.project_get_for_user(user=user, project_id=project_id)
    permissions.require_edit(user, project)
    data = _text(body.model_dump(exclude_unset=True))
    version = data.pop("version")
    _resolve(user, data, owner_kept=project.owner_id)
    services.project_update(actor=user, project_id=project.pk, expected_version=version, **data)
    return _detail(request, project.pk)


# -- the stage table ------------------------------------------------------------------------------


@router.get("/{project_id}/moves", response={200: list[ProjectMoveOut]}, summary="调用者现在可执行的阶段操作")
def project_moves(request, project_id: Id):
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    return [_move_out(m) for m in STAGE.available(request.user, project)]


@router.post(
    "/{project_id}/moves/{move}",
    response={200: ProjectDetailOut, **ERRORS},
    summary="阶段操作：start_negotiation … start_operation {version, on, note} / step_back {version, reason}",
    openapi_extra=api_moves.move_body(STAGE),
)
def project_move(request, project_id: Id, move: Text(40)):
    selectors.project_get_for_user(user=request.user, project_id=project_id)
    api_moves.move(request, STAGE, pk=project_id, name=move)
    return _detail(request, project_id)
