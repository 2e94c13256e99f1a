"""Writes of the roadmap: planning a project's milestones (preview, then save) and the
services of the milestone table's moves (machine.py).

Planning replaces the project's roadmap as a whole — only while none of its milestones is
done (after that, each one is edited on its own, through the `edit` move) and, when there
is one already, only when the planner says so (`replace`). It is not a move of a table (no
milestone exists yet): it locks the project's row, writes the nodes and one audit event
`project.roadmap_plan` in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import contended, retrying
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput
from zhitong.core.fields import DATE_CEILING, DATE_FLOOR
from zhitong.organizations.capabilities import is_government_user
from zhitong.organizations.models import Unit, User

from ..machines import HUB, LEAD, project_relations
from ..models import Milestone, MilestoneKind, MilestoneStatus, PlanRule, Project
from . import rules
from .machine import MILESTONE

# A whole roadmap spans at most this many working days (about six years): a plan longer
# than that is a typo, and its dates would leave the calendar's sane range.
MAX_TOTAL_WORKDAYS = 1500


def can_plan(user, project) -> bool:
    """The hub and the staff of the project's lead unit plan its roadmap."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(project_relations(user, project) & {HUB, LEAD})


# -- the inputs of a plan --------------------------------------------------------------------


def _int(value, field: str, label: str, *, default: int | None = None) -> int:
    if value in (None, ""):
        if default is None:
            raise InvalidInput(f"请填写{label}", field=field)
        return default
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}须为整数", field=field)
    if not 1 <= number <= rules.MAX_WORKDAYS:
        raise InvalidInput(f"{label}须在1至{rules.MAX_WORKDAYS}个工作日之间", field=field)
    return number


def _id(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("编号须为整数", field=field)
    if number < 1:
        raise InvalidInput("编号须为正整数", field=field)
    return number


def agent_or_none(agent_id, field: str = "agent_id") -> User | None:
    """An active government user (an agent is staff, never an enterprise's account)."""
    agent_id = _id(agent_id, field)
    if agent_id is None:
        return None
    user = User.objects.filter(pk=agent_id, is_active=True).first()
    if user is None or not is_government_user(user):
        raise InvalidInput("所选代办员不存在或已停用", field=field)
    return user


def unit_or_none(unit_id, field: str = "responsible_unit_id") -> Unit | None:
    unit_id = _id(unit_id, field)
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidInput("所选责任单位不存在或已停用", field=field)
    return unit


def _text(value, field: str, label: str, max_length: int) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if value not in (None, "") and not isinstance(value, str):
        raise InvalidInput(f"{label}须为文字", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{label}最多{max_length}个字", field=field)
    return text


def clean_items(items: Iterable[Mapping], *, green_channel: bool) -> list[rules.PlanItem]:
    """The planner's nodes, in order: each a standard kind (its name and default limit may
    be left out) or `custom` with a name and a limit; `workdays` is the standard limit,
    shortened for a green-channel project (rules.green_channel_days). Agents and units
    are checked to exist (InvalidInput names the node)."""
    items = list(items or [])
    if not items:
        raise InvalidInput("请至少选择一个节点", field="items")
    if len(items) > rules.MAX_MILESTONES:
        raise InvalidInput(f"一个推进路径图最多{rules.MAX_MILESTONES}个节点", field="items")
    out, seen = [], set()
    for i, raw in enumerate(items, 1):
        where = f"items[{i}]"
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"第{i}个节点格式不正确", field=where)
        kind = raw.get("kind") or MilestoneKind.CUSTOM
        if kind not in MilestoneKind.values:
            raise InvalidInput(f"第{i}个节点的类型不正确", field=f"{where}.kind")
        name = _text(raw.get("name"), f"{where}.name", f"第{i}个节点的名称", 100)
        if kind == MilestoneKind.CUSTOM:
            if not name:
                raise InvalidInput(f"请填写第{i}个节点（自定义节点）的名称", field=f"{where}.name")
        else:
            if kind in seen:
                raise InvalidInput(f"节点“{MilestoneKind(kind).label}”重复", field=f"{where}.kind")
            seen.add(kind)
            name = name or MilestoneKind(kind).label
        standard = _int(
            raw.get("workdays"),
            f"{where}.workdays",
            f"“{name}”的办理时限",
            default=rules.DEFAULT_WORKDAYS.get(kind),
        )
        agent = agent_or_none(raw.get("agent_id"), f"{where}.agent_id")
        unit = unit_or_none(raw.get("responsible_unit_id"), f"{where}.responsible_unit_id")
        out.append(
            rules.PlanItem(
                kind=kind,
                name=name,
                standard_workdays=standard,
                workdays=rules.committed_workdays(standard, green_channel=green_channel),
                agent_id=agent.pk if agent else None,
                responsible_unit_id=unit.pk if unit else None,
            )
        )
    if sum(item.workdays for item in out) > MAX_TOTAL_WORKDAYS:
        raise InvalidInput(f"各节点办理时限合计不得超过{MAX_TOTAL_WORKDAYS}个工作日", field="items")
    return out


def clean_anchor(direction, anchor) -> tuple[str, date]:
    if direction not in (PlanRule.REVERSE, PlanRule.FORWARD):
        raise InvalidInput("请选择倒排（自目标日期）或顺排（自开始日期）", field="direction")
    if not isinstance(anchor, date):
        label = "目标完成日期" if direction == PlanRule.REVERSE else "开始日期"
        raise InvalidInput(f"请填写{label}", field="anchor")
    if not DATE_FLOOR <= anchor <= DATE_CEILING:
        raise InvalidInput(f"日期须在{DATE_FLOOR:%Y-%m-%d}至{DATE_CEILING:%Y-%m-%d}之间", field="anchor")
    return direction, anchor


def roadmap_preview(*, project, direction, anchor, items) -> list[rules.PlannedNode]:
    """The plan's nodes with their dates, nothing saved (the planning page's preview and
    POST …/roadmap/preview). InvalidInput for a bad input, as `roadmap_plan` would."""
    direction, anchor = clean_anchor(direction, anchor)
    nodes = rules.plan(
        clean_items(items, green_channel=project.green_channel), direction=direction, anchor=anchor
    )
    first = nodes[0].dates.start
    if first < DATE_FLOOR:
        raise InvalidInput(
            f"倒排后首个节点的计划开始为{first:%Y-%m-%d}，早于{DATE_FLOOR:%Y-%m-%d}，请检查目标日期和办理时限",
            field="anchor",
        )
    if nodes[-1].dates.due > DATE_CEILING:
        raise InvalidInput("计划完成日期超出可用范围，请检查开始日期和办理时限", field="anchor")
    return nodes


def _summary(rows) -> list[dict]:
    return [
        {
            "name": m.name,
            "workdays": m.workdays,
            "planned_start": m.planned_start.isoformat() if m.planned_start else None,
            "planned_due": m.planned_due.isoformat(),
        }
        for m in rows
    ]


@retrying
def roadmap_plan(
    *, project_id: int, actor, direction, anchor, items, replace: bool = False, now=None
) -> list[Milestone]:
    """Save a plan as the project's roadmap (see the module docstring): 403 unless the
    hub or the lead unit's staff, 409 when a milestone is done already or a roadmap exists
    and `replace` was not said, 422 for a bad input."""
    now = now or timezone.now()
    with contended(), transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).filter(pk=project_id).first()
        if project is None:
            raise AccessDenied()
        if not can_plan(actor, project):
            raise Forbidden("只有统筹协调专员和项目牵头单位可以编制推进路径图", code="forbidden_plan")
        nodes = roadmap_preview(project=project, direction=direction, anchor=anchor, items=items)
        existing = list(
            Milestone.objects.select_for_update(of=("self",)).filter(project=project).order_by("sequence")
        )
        if any(m.status == MilestoneStatus.DONE for m in existing):
            raise ConflictError(
                "已有节点登记完成，不能整体重新编制推进路径图；请逐个修改节点", code="roadmap_started"
            )
        if existing and not replace:
            raise ConflictError(
                "该项目已有推进路径图，确认替换后才能重新编制", code="roadmap_exists", field="replace"
            )
        Milestone.objects.filter(pk__in=[m.pk for m in existing]).delete()
        created = Milestone.objects.bulk_create(
            [
                Milestone(
                    project=project,
                    kind=n.item.kind,
                    name=n.item.name,
                    sequence=n.sequence,
                    workdays=n.item.workdays,
                    standard_workdays=n.item.standard_workdays,
                    plan_rule=n.rule,
                    plan_anchor=n.anchor,
                    plan_offset=n.offset,
                    planned_start=n.dates.start,
                    planned_due=n.dates.due,
                    planned_provisional=n.dates.provisional,
                    yellow_from=n.dates.yellow_from,
                    agent_id=n.item.agent_id,
                    responsible_unit_id=n.item.responsible_unit_id,
                )
                for n in nodes
            ]
        )
        audit_record(
            action="project.roadmap_plan",
            obj=project,
            actor=actor,
            before={"milestones": _summary(existing)} if existing else None,
            after={
                "direction": direction,
                "anchor": anchor.isoformat(),
                "green_channel": project.green_channel,
                "milestones": _summary(created),
            },
            now=now,
        )
    return created


# -- the moves -------------------------------------------------------------------------------


@MILESTONE.service("edit")
def milestone_edit(
    *,
    milestone_id: int,
    actor,
    name: str = "",
    workdays=None,
    planned_due: date | None = None,
    agent_id=None,
    responsible_unit_id=None,
    note: str = "",
    expected_version=None,
    now=None,
) -> Milestone:
    """Change a node's name, limit, planned due day, agent, responsible unit and note
    (all of them: what is left empty is cleared, the name, limit and due day are
    required). A new due day fixes the node on it (PlanRule.FIXED); with the due day kept,
    the node keeps its rule — a new limit moves a reverse or fixed node's start and a
    forward node's due day. The other nodes do not move."""
    name = _text(name, "name", "节点名称", 100)
    if not name:
        raise InvalidInput("请填写节点名称", field="name")
    days = _int(workdays, "workdays", "办理时限")
    if planned_due is None:
        raise InvalidInput("请填写计划完成日期", field="planned_due")
    agent = agent_or_none(agent_id)
    unit = unit_or_none(responsible_unit_id)
    with MILESTONE.moving(
        pk=milestone_id, move="edit", actor=actor, expected_version=expected_version, now=now
    ) as step:
        m = step.obj
        if planned_due != m.planned_due:
            m.plan_rule, m.plan_anchor, m.plan_offset = PlanRule.FIXED, planned_due, 0
        elif days != m.workdays and m.plan_rule == PlanRule.FORWARD and m.plan_anchor:
            m.plan_offset = max(m.plan_offset - m.workdays, 0) + days  # its start stays
        m.name, m.workdays, m.agent, m.responsible_unit, m.note = name, days, agent, unit, note or ""
        step.commit(
            fields=[
                "name",
                "workdays",
                "agent",
                "responsible_unit",
                "note",
                "plan_rule",
                "plan_anchor",
                "plan_offset",
            ],
            note=note or "",
        )
    return step.obj


@MILESTONE.service("complete")
def milestone_complete(
    *,
    milestone_id: int,
    actor,
    actual_on: date | None = None,
    note: str = "",
    expected_version=None,
    now=None,
) -> Milestone:
    """Record the day the milestone was actually completed (not in the future)."""
    now = now or timezone.now()
    if actual_on is None:
        raise InvalidInput("请填写实际完成日期", field="actual_on")
    today = timezone.localdate(now)
    if actual_on > today:
        raise InvalidInput(f"实际完成日期不能晚于今天（{today:%Y-%m-%d}）", field="actual_on")
    with MILESTONE.moving(
        pk=milestone_id, move="complete", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.actual_on = actual_on
        step.commit(fields=["actual_on"], note=note or "", data={"actual_on": actual_on.isoformat()})
    return step.obj


@MILESTONE.service("reopen")
def milestone_reopen(
    *, milestone_id: int, actor, reason: str = "", expected_version=None, now=None
) -> Milestone:
    """Undo a completion recorded by mistake (the hub, with a reason): the node runs again."""
    if not (reason or "").strip():
        raise InvalidInput("请填写理由", field="reason")
    with MILESTONE.moving(
        pk=milestone_id, move="reopen", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.actual_on = None
        step.commit(fields=["actual_on"], note=reason)
    return step.obj
