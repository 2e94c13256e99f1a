"""The table of the hub's monthly certification of a unit's coordinated problems (seeds/000
五(二)1: 由市发改委牵头认定每个月协调问题的数量). A county principal's meeting counts only with its
minutes or plan filed and after this certification; see services/facts.py."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import is_hub

from ..choices import CertificationStatus
from ..models import FactCertification

HUB = "hub"  # 市发改委 (the hub) certifies

S = CertificationStatus


def _hub(user, obj) -> set[str]:
    return {HUB} if is_hub(user) else set()


def _month_over(cert, today: date | None) -> str | None:
    # seeds/000 五(二)1: the meetings' minutes and plans are uploaded by the end of the month
    # (于每月底上传), and the month's number is certified after it.
    month = cert.month
    after = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    if today is not None and today < after:
        return f"{cert.label}尚未结束：会议纪要、方案于月底上传，次月方可认定"
    return None


CERTIFICATION = Machine(
    kind="fact_certification",
    model=FactCertification,
    noun="认定",
    states=CertificationStatus,
    fields=[
        Field("note", _("认定意见"), "textarea", required=False),
        Field("reason", _("理由"), "textarea"),
    ],
    moves=[
        move(
            "certify",
            _("认定本月协调问题数量"),
            {S.PENDING},
            S.CERTIFIED,
            {HUB},
            ("note",),
            guard=_month_over,
            description=_(
                "seeds/000 五(二)1：已上传会议纪要或方案的县(市)区主要领导协调会问题经认定后计入考核"
            ),
            style="primary",
        ),
        move(
            "reopen",
            _("撤销认定"),
            {S.CERTIFIED},
            S.PENDING,
            {HUB},
            ("reason",),
            needs_reason=True,
            description=_(
                "撤销后本月该单位的主要领导协调会问题暂不计入，重新认定后计入（如月底后补传的纪要）"
            ),
            style="secondary",
        ),
    ],
    relations=_hub,
    relation_labels={HUB: "统筹协调专员（市发改委）"},
    audited=("certified_at", "certified_by_id", "certified_count"),
    history=record_state_change,
    stale_message="该认定已被他人处理，请刷新后重试",
    initial=(S.PENDING,),
    pk_arg="certification_id",
)
