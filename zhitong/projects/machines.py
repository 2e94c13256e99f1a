"""The stage table of a project (储备 → 洽谈 → 签约 → 审批 → 在建 → 竣工 → 投产运营), read by
the project pages, the API and the tests. Each move records the day the stage was reached
(`on`, which may be earlier than the day it is recorded) in `ProjectStageChange`.

Who moves a project: the staff of its lead unit (seeds/003 二(四): the lead unit is
responsible for the project in each stage) and the hub (统筹协调专员)."""

from __future__ import annotations

from zhitong.common.transitions import Field, Machine, move
from zhitong.organizations.capabilities import handles_unit_matters, is_hub
from zhitong.organizations.selectors import user_scope_unit_ids

from .models import Project, ProjectStage, ProjectStageChange

HUB = "hub"
LEAD = "lead"  # staff of the lead unit (or a unit above it)

S = ProjectStage


def project_relations(user, project) -> set[str]:
    rel = set()
    if is_hub(user):
        rel.add(HUB)
    if handles_unit_matters(user):
        ids = user_scope_unit_ids(user)
        if ids is not None and project.lead_unit_id in ids:
            rel.add(LEAD)
    return rel


def record_stage_change(obj, *, move, from_status, to_status, actor, now, note, data):
    """The history hook: one dated `ProjectStageChange` per move."""
    on = (data or {}).get("on") or now.date()
    return ProjectStageChange.objects.create(
        project=obj,
        action=move,
        from_stage=from_status or "",
        to_stage=to_status,
        on=on,
        actor=actor,
        at=now,
        note=note,
        data={k: v for k, v in (data or {}).items() if k != "on"},
    )


# Guards later parts of the domain add (e.g. the admission consultation before signing,
# seeds/002 准入落地会商): move name → list of guard(project, today) → reason or None.
EXTRA_GUARDS: dict[str, list] = {}


def _guarded(name):
    def guard(project, today):
        for check in EXTRA_GUARDS.get(name, ()):
            reason = check(project, today)
            if reason:
                return reason
        return None

    return guard


# What is re-derived after every stage move, in its transaction: hook(project, step) → the
# names of the fields it set. services/lead.py registers the lead unit of the new stage
# (seeds/003 二) here; the arrow stays services → machines.
RECOMPUTE_HOOKS: list = []


def _recompute(project, step) -> list[str]:
    """Run after every stage move, in its transaction: the fields it re-derives."""
    fields: list[str] = []
    for hook in RECOMPUTE_HOOKS:
        fields += hook(project, step)
    return fields


_ADVANCES = [
    ("start_negotiation", "进入洽谈", S.RESERVE, S.NEGOTIATION, "首谈单位开始与企业洽谈"),
    ("sign", "签约", S.NEGOTIATION, S.SIGNED, "项目签约；签约后牵头单位按引进单位确定（seeds/003 二(二)）"),
    ("start_approval", "进入审批", S.SIGNED, S.APPROVAL, "开始办理立项、用地、规划等审批手续"),
    ("start_construction", "开工建设", S.APPROVAL, S.CONSTRUCTION, "取得施工许可后开工"),
    ("complete", "竣工", S.CONSTRUCTION, S.COMPLETED, "通过竣工验收"),
    (
        "start_operation",
        "投产运营",
        S.COMPLETED,
        S.OPERATING,
        "投产运营后由行业主管部门牵头（seeds/003 二(三)）",
    ),
]

STAGE = Machine(
    kind="project",
    model=Project,
    noun="项目",
    states=ProjectStage,
    fields=[
        Field("on", "发生日期", "date"),
        Field("note", "说明", "textarea", required=False),
        Field("reason", "理由", "textarea"),
    ],
    moves=[
        *[
            move(name, label, {src}, dst, {LEAD, HUB}, ("on", "note"), guard=_guarded(name), description=desc)
            for name, label, src, dst, desc in _ADVANCES
        ],
        move(
            "step_back",
            "退回上一阶段",
            set(S.values) - {S.RESERVE},
            None,
            {HUB},
            ("reason",),
            needs_reason=True,
            description="阶段登记有误时由统筹协调专员更正，须说明理由",
            style="secondary",
        ),
    ],
    relations=project_relations,
    relation_labels={HUB: "统筹协调专员", LEAD: "牵头单位"},
    audited=("stage_since", "lead_unit_id", "lead_basis", "lead_override_reason"),
    history=record_stage_change,
    recompute=_recompute,
    stale_message="该项目已被他人更新，请刷新后重试",
    initial=(S.RESERVE,),
    status_field="stage",
    pk_arg="project_id",
)

PREVIOUS = {S.values[i + 1]: S.values[i] for i in range(len(S.values) - 1)}
