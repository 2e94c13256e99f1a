"""The face-to-face event's table of moves (seeds/001 四, the eight steps; one state per
step, see choices.EVENT_STEPS).

Every status change of an event is a move declared here: its sources, its target, who may
make it (relations of a user to the event) and the inputs of its form. The services in
services/events/ perform them (`@EVENT.service`); the event page and the API call
`EVENT.dispatch`. Work on one problem of the catalog (verify it, record the on-site
opinion, change its unit, remove it, pick or register problems) does not change the
event's status and is not a move; services/events/items.py does it.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, Move, move, record_state_change

from .. import permissions
from ..choices import EventStatus, TaskStatus, Verification
from ..models import Event

S = EventStatus

# Relations a user can have to one event.
OFFICE = "office"  # 专班办公室: a hub of the department that runs the event
DEPUTY = "deputy"  # 专班副组长 named on the event (reviews the catalog and the document)
CHAIR = "chair"  # 出席活动的市领导 named on the event (approves the list and the document)
HUB = "hub"  # another coordinating office: sees the event, does not act on it
SUPERVISOR = "supervisor"  # 督查室: follows the tasks

# Shown on the event page ("waiting for …"), so translated lazily like the moves.
RELATION_LABELS = {
    OFFICE: _("专班办公室"),
    DEPUTY: _("专班副组长"),
    CHAIR: _("审定市领导"),
    HUB: _("其他统筹协调专员"),
    SUPERVISOR: _("督查室"),
}

COLLECTING_STATES = frozenset({S.COLLECTING, S.VERIFYING})

FIELDS = [
    Field("scheduled_at", _("活动时间"), "datetime"),
    Field("place", _("地点"), "text", required=False),
    Field("proposals", _("处理意见建议"), "proposals", help=_("对核实属实的问题逐项提出处理意见建议")),
    Field("item_ids", _("现场研究问题清单"), "event_items", help=_("从核实属实的问题中选择")),
    Field("note", _("意见"), "textarea", required=False),
    Field("reason", _("修改意见"), "textarea"),
    Field("item_id", _("问题"), "item", help=_("清单中诉求尚未办结的问题")),
    Field(
        "carry_on_reason",
        _("转入常态化办理的理由"),
        "textarea",
        help=_("为何活动办结时尚未解决、由谁继续跟踪办理"),
    ),
]


def _relations(user, event) -> set[str]:
    rel: set[str] = set()
    if permissions.is_event_office(user, event):
        rel.add(OFFICE)
    elif permissions.is_hub(user):
        rel.add(HUB)
    if permissions.is_event_deputy(user, event):
        rel.add(DEPUTY)
    if permissions.is_event_chair(user, event):
        rel.add(CHAIR)
    if permissions.is_supervisor(user):
        rel.add(SUPERVISOR)
    return rel


# -- guards: the conditions beyond status and relation (the Chinese reason, or None) ------


def has_items(event, today: date | None) -> str | None:
    return None if event.items.exists() else "请先收集企业问题"


def all_items_verified(event, today: date | None) -> str | None:
    """(二) The catalog is reported once every problem is verified, with at least one true."""
    pending = event.items.filter(verification=Verification.PENDING).count()
    if pending:
        return f"还有{pending}个问题未核实，不能报送目录"
    if not event.items.filter(verification=Verification.CONFIRMED).exists():
        return "没有核实属实的问题，不能报送目录"
    return None


def event_day_reached(event, today: date | None) -> str | None:
    day = timezone.localdate(event.scheduled_at)
    if today is not None and today < day:
        return f"活动定于{day:%Y-%m-%d}举行，举行后方可登记"
    return None


def all_opinions_recorded(event, today: date | None) -> str | None:
    missing = event.items.filter(in_final_list=True, opinion_at__isnull=True).count()
    return f"还有{missing}个问题未录入处理意见" if missing else None


def unsettled_items(event):
    """The problems on the approved list whose appeal is not 办结 (verified, or closed after
    the rating: appeals.choices.CONCLUDED_STATUSES) and which were not carried on to regular
    handling: what still keeps the event open (seeds/001 四(七)(八))."""
    from zhitong.appeals.selectors import concluded_q

    return event.items.filter(in_final_list=True, carried_on_at__isnull=True).exclude(concluded_q("appeal__"))


def may_carry_on(event, today: date | None) -> str | None:
    return None if unsettled_items(event).exists() else "清单中的问题均已办结或已转入常态化办理"


def ready_to_close(event, today: date | None) -> str | None:
    """seeds/001 四(七)(八): the event is 办结 when every task it assigned is done and every
    problem on its list is 办结 — or was explicitly carried on (转入常态化办理/继续跟踪, the
    `carry_on` move, with a reason). A carried-on problem's tasks stay open under the
    supervision office and do not hold the event."""
    from ..models import Task

    open_tasks = (
        Task.objects.filter(event_item__event=event, event_item__carried_on_at__isnull=True)
        .exclude(status=TaskStatus.DONE)
        .count()
    )
    if open_tasks:
        return f"还有{open_tasks}项交办任务未办结，不能办结活动"
    unsettled = unsettled_items(event).count()
    if unsettled:
        return (
            f"还有{unsettled}个问题的诉求尚未办结（核验通过），"
            "须待其办结或逐项决定转入常态化办理后才能办结活动"
        )
    return None


MOVES: list[Move] = [
    move(
        "reschedule",
        _("调整活动时间"),
        COLLECTING_STATES,
        None,
        {OFFICE},
        ("scheduled_at", "place"),
        description=_("问题清单审定前可调整；目录报送截止日随之重算"),
        style="secondary",
    ),
    move(
        "start_verification",
        _("发送有关部门核实"),
        {S.COLLECTING},
        S.VERIFYING,
        {OFFICE},
        description=_("四(二)：收集的问题发有关部门逐项核实"),
        style="primary",
        guard=has_items,
    ),
    move(
        "submit_catalog",
        _("报送企业问题目录"),
        {S.VERIFYING},
        S.CATALOG_SUBMITTED,
        {OFFICE},
        description=_("四(二)：活动日前4个工作日将企业问题目录报市府办公室；逾期仍可报送，记录逾期工作日数"),
        style="primary",
        guard=all_items_verified,
    ),
    move(
        "review",
        _("提出处理意见建议，报领导审定"),
        {S.CATALOG_SUBMITTED},
        S.REVIEWED,
        {DEPUTY},
        ("proposals", "note"),
        description=_("四(三)：专班副组长召集相关职能部门，对问题逐项提出处理意见建议"),
        style="primary",
    ),
    move(
        "approve",
        _("审定问题清单"),
        {S.REVIEWED},
        S.APPROVED,
        {CHAIR},
        ("item_ids", "note"),
        description=_("四(三)：市政府领导审定活动日现场研究解决的问题目录清单"),
        style="primary",
    ),
    move(
        "notify",
        _("发出活动通知"),
        {S.APPROVED},
        S.NOTIFIED,
        {OFFICE},
        description=_("四(四)：通知有关部门负责人和企业主要负责人参加活动"),
        style="primary",
    ),
    move(
        "hold",
        _("登记活动已召开"),
        {S.NOTIFIED},
        S.HELD,
        {OFFICE},
        description=_("四(五)：活动举行后登记，录入现场处理意见"),
        style="primary",
        guard=event_day_reached,
    ),
    move(
        "generate_document",
        _("生成《企业诉求事项处理意见》"),
        {S.HELD, S.DOCUMENT_DRAFTED},
        S.DOCUMENT_DRAFTED,
        {OFFICE},
        description=_("四(六)：全部问题录入现场处理意见后生成，报市府办公室审核"),
        style="primary",
        guard=all_opinions_recorded,
    ),
    move(
        "withdraw_document",
        _("撤回文稿修改处理意见"),
        {S.DOCUMENT_DRAFTED},
        S.HELD,
        {OFFICE},
        ("note",),
        description=_("审核前修改现场处理意见：文稿须重新生成（录入处理意见时自动撤回）"),
        style="secondary",
    ),
    move(
        "review_document",
        _("审核通过，呈领导审定"),
        {S.DOCUMENT_DRAFTED},
        S.DOCUMENT_REVIEWED,
        {DEPUTY},
        ("note",),
        description=_("四(六)：报市府办公室审核修改"),
        style="primary",
    ),
    move(
        "return_document",
        _("退回修改"),
        {S.DOCUMENT_DRAFTED},
        S.HELD,
        {DEPUTY},
        ("reason",),
        needs_reason=True,
        description=_("写明修改意见，退回专班办公室"),
        style="secondary",
    ),
    move(
        "approve_document",
        _("审定"),
        {S.DOCUMENT_REVIEWED},
        S.DOCUMENT_APPROVED,
        {CHAIR},
        ("note",),
        description=_("四(六)：呈市政府领导审定"),
        style="primary",
    ),
    move(
        "assign",
        _("交办并转督查室"),
        {S.DOCUMENT_APPROVED},
        S.ASSIGNED,
        {OFFICE},
        description=_("四(六)(七)：处理意见审定后交办责任单位，同时转市政府督查室跟踪督办"),
        style="primary",
    ),
    move(
        "carry_on",
        _("转入常态化办理"),
        {S.ASSIGNED},
        None,
        {OFFICE},
        ("item_id", "carry_on_reason"),
        needs_reason=True,
        description=(
            _(
                "四(七)(八)：诉求尚未办结的问题，逐项说明理由后转入常态化办理、继续跟踪；"
                "其交办任务仍由督查室督办，活动可办结，企业不因此被提醒评价"
            )
        ),
        style="secondary",
        guard=may_carry_on,
    ),
    move(
        "close",
        _("全部办结，提醒企业评价"),
        {S.ASSIGNED},
        S.CLOSED,
        {OFFICE},
        description=(
            _(
                "四(八)：交办任务全部办结、清单中每个问题的诉求已办结（核验通过）或已转入常态化办理后"
                "办结活动；只提醒诉求已办结待评价的企业进行满意度评价"
            )
        ),
        style="primary",
        guard=ready_to_close,
    ),
]


EVENT = Machine(
    kind="event",
    model=Event,
    noun="活动",
    states=EventStatus,
    fields=FIELDS,
    moves=MOVES,
    relations=_relations,
    relation_labels=RELATION_LABELS,
    audited=(
        "status",
        "scheduled_at",
        "place",
        "catalog_due",
        "catalog_late",
        "catalog_late_workdays",
        "document_number",
    ),
    history=record_state_change,
    stale_message="活动已被他人更新，请刷新后重试",
    initial=(S.COLLECTING,),
    pk_arg="event_id",
)


def blocked_moves(user, event, *, today: date | None = None) -> list[tuple[Move, str]]:
    """The moves the state and the user's relation allow but a guard refuses now, with the
    reason (shown beside the buttons, so the user knows what is missing)."""
    today = today or timezone.localdate()
    rel, out = EVENT.relations_of(user, event), []
    for m in EVENT.moves.values():
        if event.status in m.sources and rel & m.actors and m.guard:
            reason = m.guard(event, today)
            if reason:
                out.append((m, reason))
    return out


__all__ = ["EVENT", "FIELDS", "MOVES", "RELATION_LABELS", "blocked_moves"]
