"""The table of an agreement commitment (履约承诺): 待履约 → 已履约, or 已撤销.

seeds/004 枣阳: 定期对招商项目的投资协议和履约情况进行全面清理，防止围而不动、圈而不建 — the
enterprise's commitments; seeds/002: 做到政府招商政策承诺100%兑现……对非因企业原因造成各项审批
手续未办理的，要建立台账，限期办理销号 — the government side's. Every move writes a dated
fulfilment record (`CommitmentRecord`); overdue is read from `due_on`, not a state.
"""

from __future__ import annotations

from zhitong.common.transitions import Field, Machine, move

from ..machines import HUB, LEAD
from ..models import Commitment, CommitmentRecord, CommitmentStatus
from .access import SECRETARY, progress_relations

C = CommitmentStatus


def commitment_relations(user, commitment) -> set[str]:
    return progress_relations(user, commitment.project)


def record_commitment_change(obj, *, move, from_status, to_status, actor, now, note, data):
    """The history hook: one dated fulfilment record per move."""
    on = (data or {}).get("on") or now.date()
    return CommitmentRecord.objects.create(
        commitment=obj,
        action=move,
        from_status=from_status or "",
        to_status=to_status,
        on=on,
        note=note,
        actor=actor,
        at=now,
    )


COMMITMENT = Machine(
    kind="project_commitment",
    model=Commitment,
    noun="承诺",
    states=CommitmentStatus,
    fields=[
        Field("on", "日期", "date"),
        Field("note", "情况说明", "textarea"),
        Field("reason", "理由", "textarea"),
    ],
    moves=[
        move(
            "record",
            "登记履约进展",
            {C.PENDING},
            None,
            {LEAD, SECRETARY, HUB},
            ("on", "note"),
            description="记录承诺的推进情况（部分履约、遇到的困难），承诺仍待履约",
            style="secondary",
        ),
        move(
            "fulfil",
            "确认履约",
            {C.PENDING},
            C.FULFILLED,
            {LEAD, HUB},
            ("on", "note"),
            description="承诺已兑现：填写履约日期和情况（seeds/002 限期办理销号）",
        ),
        move(
            "reopen",
            "撤销履约确认",
            {C.FULFILLED},
            C.PENDING,
            {HUB},
            ("reason",),
            needs_reason=True,
            description="履约登记有误时由统筹协调专员更正，须说明理由",
            style="secondary",
        ),
        move(
            "cancel",
            "撤销承诺",
            {C.PENDING},
            C.CANCELLED,
            {HUB},
            ("reason",),
            needs_reason=True,
            description="协议变更或解除后不再履行的承诺，须说明理由",
            style="secondary",
        ),
    ],
    relations=commitment_relations,
    relation_labels={HUB: "统筹协调专员", LEAD: "牵头单位", SECRETARY: "项目秘书"},
    audited=("fulfilled_on",),
    history=record_commitment_change,
    stale_message="该承诺已被他人更新，请刷新后重试",
    initial=(C.PENDING,),
    pk_arg="commitment_id",
)
