"""The table of a rectification order (督促整改, seeds/000 三: 由市政府督查室牵头…对工作不到位、
未及时协调或报送企业困难问题的行为，予以督促整改): the supervision office issues it to a unit
(services.order_issue), the unit acknowledges it and reports the rectification with its
evidence, the office verifies it — or returns it with a reason, or closes it as a failure,
which records a finding that the scorecard deducts (seeds/000 五(一)). History: StateChange."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations import capabilities as can
from zhitong.organizations.selectors import user_scope_unit_ids

from .choices import OrderStatus
from .models import RectificationOrder
from .scope import unit_in_scope

UNIT = "unit"  # a handler or the head of the unit the order is addressed to
SUPERVISOR = "supervisor"  # the supervision office supervising that unit (city or its county)

S = OrderStatus


def _relations(user, order) -> set[str]:
    rel = set()
    if can.handles_unit_matters(user):
        ids = user_scope_unit_ids(user)
        if ids is None or order.unit_id in ids:
            rel.add(UNIT)
    if can.issues_rectification_orders(user) and unit_in_scope(user, order.unit_id):
        rel.add(SUPERVISOR)
    return rel


ORDER = Machine(
    kind="rectification_order",
    model=RectificationOrder,
    noun="督促整改通知",
    states=OrderStatus,
    fields=[
        Field("note", _("说明"), "textarea", required=False),
        Field("report", _("整改情况"), "textarea", help=_("整改措施、结果及向企业反馈情况")),
        Field("evidence", _("整改佐证材料"), "file", help=_("PDF、图片、Word 或 Excel 文件")),
        Field("reason", _("理由"), "textarea"),
        Field("workdays", _("新的整改时限(工作日)"), "int", required=False, help=_("不填则期限不变")),
        Field("points", _("扣分"), "int", help=_("记入该单位本月考核的扣分（seeds/000 五(一)）")),
    ],
    moves=[
        move("acknowledge", _("签收"), {S.ISSUED}, S.ACKNOWLEDGED, {UNIT}, ("note",), style="primary"),
        move(
            "report",
            _("报整改情况"),
            {S.ACKNOWLEDGED, S.RETURNED},
            S.REPORTED,
            {UNIT},
            ("report", "evidence"),
            style="primary",
        ),
        move("verify", _("核验通过"), {S.REPORTED}, S.VERIFIED, {SUPERVISOR}, ("note",), style="primary"),
        move(
            "return",
            _("退回重新整改"),
            {S.REPORTED},
            S.RETURNED,
            {SUPERVISOR},
            ("reason", "workdays"),
            needs_reason=True,
            style="secondary",
        ),
        move(
            "fail",
            _("认定整改不到位"),
            {S.ISSUED, S.ACKNOWLEDGED, S.RETURNED, S.REPORTED},
            S.FAILED,
            {SUPERVISOR},
            ("reason", "points"),
            needs_reason=True,
            description=_("结束本通知并记录一条督查发现，按扣分计入该单位本月考核"),
            style="secondary",
        ),
    ],
    relations=_relations,
    relation_labels={UNIT: "整改单位", SUPERVISOR: "督查室"},
    audited=(
        "due",
        "last_report",
        "evidence_name",
        "reported_at",
        "return_reason",
        "closed_at",
        "closed_by_id",
    ),
    history=record_state_change,
    since_field="state_since",
    stale_message="该督促整改通知已被他人处理，请刷新后重试",
    initial=(S.ISSUED,),
    pk_arg="order_id",
)
