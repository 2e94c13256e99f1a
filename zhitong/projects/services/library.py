"""Writes of the project library (seeds/003 八 在谈项目信息库): enter a project, edit its
facts, and — for an import — record the stage the sheet gives through the stage table's
history. Every write records an audit event in the same transaction.

The stage is not a fact: pages, the API and imports never set it by hand. A new project
starts in 储备 and moves through `machines.STAGE`; an imported project that is already
further on gets one dated `ProjectStageChange` (the import named in its note), written by
the stage table's own history hook, and an audit event (`project_import_stage`).

Who may write is checked by the callers (`permissions.require_create` / `require_edit`);
the import checks `permissions.require_import` once for the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhitong.audit.changes import apply_changes, changed_only, snapshot
from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, ConflictError, InvalidInput, ServiceError
from zhitong.organizations.choices import Role, UnitKind

from ..machines import STAGE
from ..models import ApprovalAuthority, Project, ProjectCategory, ProjectLevel, ProjectStage
from ..selectors import IMPORT_ACTION

# The facts of a project a page, the API or an import may set (the stage, its day, the
# version and the lead unit's basis are not among them).
PROJECT_FIELDS = (
    "code",
    "name",
    "owner_id",
    "category",
    "industry",
    "level",
    "location_id",
    "address",
    "first_contact_unit_id",
    "introducing_unit_id",
    "designated_unit_id",
    "industry_unit_id",
    "approval_authority",
    "leader_id",
    "total_investment",
    "annual_investment",
    "planned_start",
    "planned_completion",
    "summary",
    "green_channel",
    "green_channel_note",
    "public",
)
# The lead unit is set when the project is entered; afterwards the lead-unit rules of
# seeds/003 二 (or an override with a reason) change it, not the edit form.
CREATE_ONLY = ("lead_unit_id",)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
LOCATION_KINDS = (UnitKind.COUNTY, UnitKind.PARK)
MAX_INVESTMENT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)

# Run after a project's facts are saved (created, edited, imported), in the write's
# transaction: each takes the project, the actor and the time, and returns the names of the
# fields it re-derived (saved with it). The lead-unit rules of seeds/003 二 register here
# (services/lead.py), as they do in the stage table's recompute hook, so the lead unit
# follows the facts it is decided by.
FACT_HOOKS: list[Callable[..., Iterable[str]]] = []


def _under_location(unit) -> bool:
    from zhitong.organizations.models import Unit

    ancestor_ids = [int(x) for x in (unit.path or "").strip("/").split("/") if x]
    return (
        unit.kind in LOCATION_KINDS
        or Unit.objects.filter(pk__in=ancestor_ids, kind__in=LOCATION_KINDS).exists()
    )


def project_check(p: Project) -> None:
    """Raise ServiceError (with `field`) if the project's facts break a rule; the import
    asks it for each row too, so both say the same."""
    code = (p.code or "").strip()
    if not code:
        raise InvalidInput("项目编码不能为空", field="code")
    if len(code) > 32 or not CODE_RE.match(code):
        raise InvalidInput("项目编码只能包含字母、数字、下划线和连字符，最多32个字符", field="code")
    if not (p.name or "").strip():
        raise InvalidInput("项目名称不能为空", field="name")
    if p.owner_id is None:
        raise InvalidInput("请选择业主企业", field="owner")
    if p.category not in ProjectCategory.values:
        raise InvalidInput("项目类别无效", field="category")
    if p.level not in ProjectLevel.values:
        raise InvalidInput("项目层级无效", field="level")
    if p.approval_authority not in ApprovalAuthority.values:
        raise InvalidInput("审批权限无效", field="approval_authority")
    if p.location_id is None:
        raise InvalidInput("请选择落地县区/园区", field="location")
    if not _under_location(p.location):
        raise InvalidInput(f"“{p.location.name}”不是县（市）区或园区", field="location")
    if p.leader_id is not None and (p.leader.role != Role.LEADER or not p.leader.is_active):
        raise InvalidInput("包挂领导须为在职的市、县领导", field="leader")
    for f, label in (("total_investment", "总投资"), ("annual_investment", "年度计划投资")):
        value = getattr(p, f)
        if value is None or value < 0:
            raise InvalidInput(f"{label}不能为负数", field=f)
        if value > MAX_INVESTMENT:
            raise InvalidInput(f"{label}过大", field=f)
    if p.annual_investment > p.total_investment:
        raise InvalidInput("年度计划投资不能大于总投资", field="annual_investment")
    if p.planned_start and p.planned_completion and p.planned_completion < p.planned_start:
        raise InvalidInput("计划竣工日期不能早于计划开工日期", field="planned_completion")


def _stripped(field: str, value):
    return value.strip() if isinstance(value, str) else value


def _derive(p: Project, *, actor=None, now=None) -> None:
    fields: set[str] = set()
    for hook in FACT_HOOKS:
        fields |= set(hook(p, actor=actor, now=now) or ())
    if fields:
        p.save(update_fields=sorted(fields | {"updated_at"}))


def _code_taken(code: str, exclude_pk=None) -> bool:
    qs = Project.objects.filter(code__iexact=code)
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


@transaction.atomic
def project_create(*, actor, lead_unit, now: datetime | None = None, **fields) -> Project:
    """Enter a project into the library, in 储备 (it moves on through the stage table).
    `fields` are PROJECT_FIELDS (foreign keys as `<name>_id` or as objects)."""
    now = now or timezone.now()
    for fk in ("owner", "location", "first_contact_unit", "introducing_unit", "designated_unit",
               "industry_unit", "leader"):  # fmt: skip
        if fk in fields:
            obj = fields.pop(fk)
            fields[f"{fk}_id"] = obj.pk if obj is not None else None
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{', '.join(sorted(unknown))}")
    if lead_unit is None:
        raise InvalidInput("请选择牵头单位", field="lead_unit")
    p = Project(lead_unit=lead_unit, stage=ProjectStage.RESERVE)
    for f, v in fields.items():
        setattr(p, f, _stripped(f, v))
    project_check(p)
    if _code_taken(p.code):
        raise ConflictError(f"项目编码“{p.code}”已登记", field="code")
    p.save()
    _derive(p, actor=actor, now=now)
    audit_record(
        action="project.create",
        obj=p,
        actor=actor,
        after=snapshot(p, (*PROJECT_FIELDS, "lead_unit_id", "stage")),
        now=now,
    )
    return p


@transaction.atomic
def project_update(
    *, actor, project_id: int, expected_version: int | None, now: datetime | None = None, **changes
) -> Project:
    """Change a project's facts (PROJECT_FIELDS). `expected_version` is the version the
    caller's form was rendered at: a stale one is refused (409) — the stage table moves share
    the version, so an edit never silently overwrites a move made meanwhile, nor the
    reverse. Records only what changed; no change, no event and no new version."""
    now = now or timezone.now()
    p = Project.objects.select_for_update(of=("self",)).filter(pk=project_id).first()
    if p is None:
        raise AccessDenied()
    if expected_version is not None and expected_version != p.version:
        raise ConflictError(STAGE.stale_message, code="stale")
    for fk in ("owner", "location", "first_contact_unit", "introducing_unit", "designated_unit",
               "industry_unit", "leader"):  # fmt: skip
        if fk in changes:
            obj = changes.pop(fk)
            changes[f"{fk}_id"] = obj.pk if obj is not None else None
    before, after = apply_changes(p, changes, PROJECT_FIELDS, _stripped)
    if after == before:
        return p
    project_check(p)
    if p.code != before["code"] and _code_taken(p.code, exclude_pk=p.pk):
        raise ConflictError(f"项目编码“{p.code}”已登记", field="code")
    p.version += 1
    p.save()
    _derive(p, actor=actor, now=now)
    before, after = changed_only(before, after)
    audit_record(
        action="project.update",
        obj=p,
        actor=actor,
        before=before | {"version": p.version - 1},
        after=after | {"version": p.version},
        now=now,
    )
    return p


@transaction.atomic
def project_import_stage(
    *, actor, project: Project, stage: str, on: date, note: str, now: datetime | None = None
) -> Project:
    """Record the stage an import gives a project just entered in 储备: one dated row of the
    stage table's history (action "import", the import named in `note`), the stage and its
    day on the project, a new version and an audit event — never a bare field write."""
    now = now or timezone.now()
    if stage not in ProjectStage.values:
        raise InvalidInput("所处阶段无效", field="stage")
    p = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if p.stage == stage:
        return p
    before = STAGE.snapshot(p)
    from_stage = p.stage
    p.stage, p.stage_since = stage, on
    p.version += 1
    p.save(update_fields=["stage", "stage_since", "version", "updated_at"])
    _derive(p, actor=actor, now=now)
    STAGE.history(
        p,
        move=IMPORT_ACTION,
        from_status=from_stage,
        to_status=stage,
        actor=actor,
        now=now,
        note=note,
        data={"on": on},
    )
    after = STAGE.snapshot(p)
    changed = [k for k in after if before.get(k) != after[k]]
    audit_record(
        action="project.import_stage",
        obj=p,
        actor=actor,
        before={k: before[k] for k in changed} | {"version": p.version - 1},
        after={k: after[k] for k in changed} | {"version": p.version, "note": note},
        now=now,
    )
    return p
