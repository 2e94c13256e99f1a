"""The table of a coordination meeting (协调会): planned until it is held; filing the minutes
or recording the meeting's opinion on one of its appeals (which becomes tasks) marks it held.
Agenda items are edited outside the table (services.meetings, `edit`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import is_city_leader, is_hub

from ..choices import MeetingStatus
from ..models import Meeting

HUB = "hub"  # the hub prepares the leaders' meetings
CONVENER = "convener"  # the leader who convenes this meeting
MANAGERS = frozenset({HUB, CONVENER})

S = MeetingStatus


def _relations(user, meeting) -> set[str]:
    rel = set()
    if is_hub(user):
        rel.add(HUB)
    if is_city_leader(user) and meeting.convener_id == user.pk:
        rel.add(CONVENER)
    return rel


def _held(meeting, today) -> str | None:
    if today is not None and timezone.localdate(meeting.held_at) > today:
        return f"协调会定于{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}召开，召开后方可录入"
    return None


MEETING = Machine(
    kind="meeting",
    model=Meeting,
    noun="协调会",
    states=MeetingStatus,
    fields=[
        Field(
            "upload",
            _("会议纪要或方案"),
            "file",
            help=_("会议纪要、会议方案或其他承诺报告：PDF、Word 或图片"),
        ),
        Field("item_id", _("议题"), "item"),
        Field("opinion", _("协调意见"), "textarea"),
        Field("unit_ids", _("责任单位(第一个为牵头单位)"), "units"),
        Field("due_workdays", _("办理时限(工作日)"), "int", required=False, help=_("与截止日期二选一")),
        Field("due_date", _("截止日期"), "date", required=False),
    ],
    moves=[
        move(
            "minutes",
            _("上传会议纪要/方案"),
            {S.PLANNED, S.HELD},
            S.HELD,
            MANAGERS,
            ("upload",),
            guard=_held,
            description=_(
                "seeds/000 五(二)1：会议纪要或方案是协调的佐证材料；县(市)区主要领导协调会须上传，经市发改委认定后计入"
            ),
            style="primary",
        ),
        move(
            "opinion",
            _("录入协调意见并交办"),
            {S.PLANNED, S.HELD},
            S.HELD,
            MANAGERS,
            ("item_id", "opinion", "unit_ids", "due_workdays", "due_date"),
            guard=_held,
            description=_("每个议题一条协调意见，按责任单位生成交办任务"),
            style="primary",
        ),
    ],
    relations=_relations,
    relation_labels={HUB: "统筹协调专员", CONVENER: "召开协调会的领导"},
    audited=("title", "held_at", "place", "minutes_name", "minutes_size"),
    history=record_state_change,
    stale_message="该协调会已被他人更新，请刷新后重试",
    initial=(S.PLANNED,),
    pk_arg="meeting_id",
)
