"""The table of the assessment month: open → closed (the hub's month close). There is no
way back: a change after the close lands in the next open month as an adjustment
(scorecards.py), so the published scorecard never changes."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import SYSTEM, Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import is_hub

from .choices import MonthStatus
from .counting import next_month
from .models import AssessmentMonth

HUB = "hub"
S = MonthStatus


def _hub(user, obj) -> set[str]:
    return {HUB} if is_hub(user) else set()


def _month_over(m: AssessmentMonth, today: date | None) -> str | None:
    # seeds/000 五(二)1: the month's facts are uploaded by the month's end, counted after it.
    if today is not None and today < next_month(m.month):
        return f"{m.label}尚未结束，次月方可结账"
    return None


MONTH = Machine(
    kind="assessment_month",
    model=AssessmentMonth,
    noun="考核月份",
    states=MonthStatus,
    fields=[Field("note", _("结账说明"), "textarea", required=False)],
    moves=[
        move(
            "close",
            _("结账并公布成绩单"),
            {S.OPEN},
            S.CLOSED,
            {HUB, SYSTEM},
            ("note",),
            guard=_month_over,
            description=_(
                "冻结本月计数、成绩单及各单位台账为不可更改的快照，摘要写入审计链；结账后的变动计入下月调整"
            ),
            style="primary",
        ),
    ],
    relations=_hub,
    relation_labels={HUB: "统筹协调专员（市发改委）", SYSTEM: "系统（zhitong month close）"},
    audited=("closed_at", "digest"),
    history=record_state_change,
    stale_message="该月份已被他人结账，请刷新后重试",
    initial=(S.OPEN,),
    pk_arg="month_id",
)
