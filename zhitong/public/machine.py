"""The table of a service-commitment catalog item (服务承诺, seeds/003 五): 草稿 → 已公布 →
已撤回 (→ 草稿 again). Its unit's staff and the hub keep it; only a draft is edited, so a
published commitment never changes under the public's eyes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import is_hub, is_unit_staff
from zhitong.organizations.selectors import user_scope_unit_ids

from .choices import CommitmentStatus, PromiseStatus
from .models import CommitmentItem, GovernmentPromise

C = CommitmentStatus
HUB = "hub"
UNIT_STAFF = "unit_staff"


def keeps_unit_catalog(user, unit_id: int) -> bool:
    """The user keeps this unit's catalog: the hub, or the unit's own staff (their scope)."""
    if is_hub(user):
        return True
    if not is_unit_staff(user):
        return False
    scope = user_scope_unit_ids(user)
    return scope is not None and unit_id in scope


def commitment_relations(user, item) -> set[str]:
    rel = set()
    if is_hub(user):
        rel.add(HUB)
    if is_unit_staff(user) and keeps_unit_catalog(user, item.unit_id):
        rel.add(UNIT_STAFF)
    return rel


COMMITMENT_ITEM = Machine(
    kind="commitment_item",
    model=CommitmentItem,
    noun="服务承诺事项",
    states=CommitmentStatus,
    fields=[Field("reason", _("理由"), "textarea")],
    moves=[
        move(
            "publish",
            _("公布"),
            {C.DRAFT},
            C.PUBLISHED,
            {UNIT_STAFF, HUB},
            description=_(
                "向社会公开承诺事项、时限与标准（seeds/003 五）；公布后该单位牵头的同类诉求按承诺时限办理"
            ),
        ),
        move(
            "withdraw",
            _("撤回"),
            {C.PUBLISHED},
            C.WITHDRAWN,
            {UNIT_STAFF, HUB},
            ("reason",),
            needs_reason=True,
            description=_("事项不再适用或需要修改时撤回，须说明理由；已分办诉求的期限不变"),
            style="secondary",
        ),
        move(
            "redraft",
            _("重新编辑"),
            {C.WITHDRAWN},
            C.DRAFT,
            {UNIT_STAFF, HUB},
            description=_("将撤回的事项改回草稿，修改后再公布"),
            style="secondary",
        ),
    ],
    relations=commitment_relations,
    relation_labels={HUB: _("统筹协调专员"), UNIT_STAFF: _("本单位工作人员")},
    audited=("committed_days", "legal_days", "published_at"),
    history=record_state_change,
    stale_message="该承诺事项已被他人更新，请刷新后重试",
    initial=(C.DRAFT,),
    pk_arg="item_id",
)


# -- the government-commitment ledger (政府承诺, seeds/002 限期办理销号) ---------------------

P = PromiseStatus
RESPONSIBLE = "responsible"


def promise_relations(user, promise) -> set[str]:
    rel = set()
    if is_hub(user):
        rel.add(HUB)
    if is_unit_staff(user):
        scope = user_scope_unit_ids(user)
        if scope is not None and promise.responsible_unit_id in scope:
            rel.add(RESPONSIBLE)
    return rel


PROMISE = Machine(
    kind="government_promise",
    model=GovernmentPromise,
    noun="政府承诺",
    states=PromiseStatus,
    fields=[
        Field("evidence", _("销号证明"), "textarea", help=_("兑现、办结或偿还的情况，文书或凭证编号")),
        Field("evidence_file", _("证明材料"), "file", required=False),
        Field("reason", _("理由"), "textarea"),
    ],
    moves=[
        move(
            "start",
            _("开始办理"),
            {P.RECORDED},
            P.IN_PROGRESS,
            {RESPONSIBLE, HUB},
            description=_("责任单位确认承诺事项并开始办理"),
        ),
        move(
            "submit_write_off",
            _("申请销号"),
            {P.RECORDED, P.IN_PROGRESS},
            P.SUBMITTED,
            {RESPONSIBLE, HUB},
            ("evidence", "evidence_file"),
            description=_(
                "承诺已兑现：写明兑现情况并附证明材料，由统筹协调专员核实后销号（seeds/002 限期办理销号）"
            ),
        ),
        move(
            "verify_write_off",
            _("核实销号"),
            {P.SUBMITTED},
            P.WRITTEN_OFF,
            {HUB},
            description=_("核实证明材料无误，承诺销号"),
        ),
        move(
            "return_write_off",
            _("退回"),
            {P.SUBMITTED},
            P.IN_PROGRESS,
            {HUB},
            ("reason",),
            needs_reason=True,
            description=_("证明材料不足或承诺未兑现，退回责任单位继续办理，须说明理由"),
            style="secondary",
        ),
    ],
    relations=promise_relations,
    relation_labels={HUB: _("统筹协调专员"), RESPONSIBLE: _("责任单位")},
    audited=("evidence", "written_off_on"),
    history=record_state_change,
    stale_message="该承诺已被他人更新，请刷新后重试",
    initial=(P.RECORDED,),
    pk_arg="promise_id",
)
