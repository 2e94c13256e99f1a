"""The table of moves of a roadmap milestone (未完成 → 已完成), read by the project page,
the milestone page, the API and the tests (docs/state-machines.md draws it).

Who acts on a milestone: the hub (统筹协调专员) and the staff of the project's lead unit
plan and edit it (seeds/003 二(四): the lead unit is responsible for the project in each
stage); its agent (代办员, seeds/002 代办帮办: 全程代办) and the staff of its responsible
unit (the approving department) also record its completion; only the hub undoes a
completion recorded by mistake, with a reason (as only the hub steps a project back)."""

from __future__ import annotations

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import handles_unit_matters
from zhitong.organizations.selectors import user_scope_unit_ids

from ..machines import HUB, LEAD, project_relations
from ..models import Milestone, MilestoneStatus
from . import rules

AGENT = "agent"  # the milestone's agent (代办员)
RESPONSIBLE = "responsible"  # staff of the milestone's responsible unit (or a unit above it)

S = MilestoneStatus


def milestone_relations(user, milestone) -> set[str]:
    rel = project_relations(user, milestone.project)
    if milestone.agent_id is not None and milestone.agent_id == user.pk:
        rel.add(AGENT)
    if milestone.responsible_unit_id is not None and handles_unit_matters(user):
        ids = user_scope_unit_ids(user)
        if ids is not None and milestone.responsible_unit_id in ids:
            rel.add(RESPONSIBLE)
    return rel


def _recompute(milestone, step) -> list[str]:
    """After every move: the planned dates from the node's inputs (rules.recompute)."""
    return rules.recompute(milestone)


MILESTONE = Machine(
    kind="milestone",
    model=Milestone,
    noun="推进节点",
    states=MilestoneStatus,
    fields=[
        Field("name", "节点名称", "text", max_length=100),
        Field("workdays", "办理时限(工作日)", "int"),
        Field("planned_due", "计划完成", "date"),
        Field("agent_id", "代办员", "user", required=False),
        Field("responsible_unit_id", "责任单位", "unit", required=False),
        Field("note", "备注", "textarea", required=False),
        Field("actual_on", "实际完成日期", "date"),
        Field("reason", "理由", "textarea"),
    ],
    moves=[
        move(
            "edit",
            "修改节点",
            {S.OPEN},
            None,
            {LEAD, HUB},
            ("name", "workdays", "planned_due", "agent_id", "responsible_unit_id", "note"),
            description=(
                "改动计划完成日期的，本节点固定于该日期；未改动的，仍按原方式计算"
                "（倒排节点保持完成日期，顺排节点保持开始日期）；其他节点不变"
            ),
        ),
        move(
            "complete",
            "登记完成",
            {S.OPEN},
            S.DONE,
            {LEAD, HUB, AGENT, RESPONSIBLE},
            ("actual_on", "note"),
            style="primary",
            description="代办员、责任单位或牵头单位登记节点实际完成日期（不晚于今天）",
        ),
        move(
            "reopen",
            "撤销完成",
            {S.DONE},
            S.OPEN,
            {HUB},
            ("reason",),
            needs_reason=True,
            style="secondary",
            description="完成登记有误时由统筹协调专员撤销，须说明理由",
        ),
    ],
    relations=milestone_relations,
    relation_labels={HUB: "统筹协调专员", LEAD: "牵头单位", AGENT: "代办员", RESPONSIBLE: "责任单位"},
    audited=(
        "name",
        "workdays",
        "planned_start",
        "planned_due",
        "actual_on",
        "agent_id",
        "responsible_unit_id",
    ),
    history=record_state_change,
    recompute=_recompute,
    stale_message="该推进节点已被他人更新，请刷新后重试",
    initial=(S.OPEN,),
    pk_arg="milestone_id",
)
