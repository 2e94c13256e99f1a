"""Who is told about an appeal, and what: recipients, notice texts and the clock job's
notices. Below the machine and the services (it imports neither), so the machine's hooks
(recipe.py) and every service module may use it.

Inside a move, services send through the kernel: `step.tell(recipients, kind=…,
**about(appeal, title, body))`. Every notice is queued in the outbox in the transaction of
the change it reports and delivered after the commit (zhitong/outbox): the timeline entry
and its notice commit, or roll back, together. Each kind sent here is declared to the
message hub (NOTICE_KINDS: its label, and whether the recipient may mute it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Delivery, Section, kind, register_kinds
from zhitong.notifications.services import notify
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.organizations.selectors import service_window_of

from . import deadlines
from .choices import Light, Status


@functools.cache
def _appeal_url_template() -> str:
    try:
        return reverse("appeals:detail", kwargs={"appeal_id": 987654321}).replace("987654321", "{}")
    except NoReverseMatch:
        return "/appeals/{}/"


def appeal_url(appeal_id: int) -> str:
    """The appeal's page, for notification links (reverse() once, not per notification)."""
    return _appeal_url_template().format(appeal_id)


def about(appeal, title: str, body: str = "") -> dict:
    """The title, body and link of a notice about `appeal` (`step.tell(…, **about(…))`)."""
    return {"title": f"[{appeal.code}] {title}", "body": body, "url": appeal_url(appeal.pk)}


def tell(recipients, kind: str, appeal, title: str, body: str = "", *, now=None, dedupe_key=None) -> None:
    """A notice outside a move's step (intake, the rating reminder), queued in the current
    transaction."""
    notify(recipients=recipients, kind=kind, dedupe_key=dedupe_key, now=now, **about(appeal, title, body))


# ---------------------------------------------------------------------------------------
# The kinds of notice this app sends (the message hub's labels and the preferences page).
# Mandatory ones are those a seed requires to be given, and those that put work on the
# recipient's desk: a new assignment to their unit, a deadline falling today, an escalation
# to them. Defaults: at once, except news that asks nothing of its reader.
# ---------------------------------------------------------------------------------------

# Who receives each kind (the recipient functions below), only to list it on the right
# people's preferences page — not a permission.
_UNIT = (Role.HANDLER, Role.UNIT_HEAD)
_CLOCK = (*_UNIT, Role.HUB, Role.CLERK)

NOTICE_KINDS = (
    kind(
        "appeal.mailbox_leader",
        _("市长信箱转办"),
        Section.APPEALS,
        roles=(Role.LEADER,),
        mandatory=True,
        basis=_("seeds/003 七：接到转办意见的有关领导要第一时间主动与投诉企业联系，7个工作日内告知办理结果"),
    ),
    kind(
        "appeal.mailbox_feedback",
        _("市长信箱企业反馈意见"),
        Section.APPEALS,
        roles=(Role.LEADER, *_UNIT),
        mandatory=True,
        basis=_("seeds/003 七：听取投诉企业对处理结果的意见，将企业的反馈意见再次转交相关承办领导"),
    ),
    kind(
        "appeal.assigned",
        _("新分办诉求"),
        Section.APPEALS,
        roles=_UNIT,
        mandatory=True,
        basis=_("新交办本单位的事项"),
    ),
    kind(
        "appeal.cooperate",
        _("配合办理请求"),
        Section.APPEALS,
        roles=_UNIT,
        mandatory=True,
        basis=_("seeds/003 二(四)：配合部门须在牵头单位明确的时限内完成"),
    ),
    kind(
        "appeal.materials",
        _("补正材料告知"),
        Section.APPEALS,
        roles=(Role.ENTERPRISE,),
        mandatory=True,
        basis=_("seeds/003 六.2：一次性告知需补齐的全部内容"),
    ),
    # The clerk who registered it learns it was signed for (news); the enterprise must be
    # told who handles it and by when (seeds/003 七).
    kind(
        "appeal.signed",
        _("签收通知"),
        Section.APPEALS,
        roles=(Role.CLERK, Role.HUB, Role.ENTERPRISE),
        default=Delivery.DIGEST,
        mandatory_roles=(Role.ENTERPRISE,),
        basis=_("seeds/003 七：告知企业处理人及处理时限"),
    ),
    kind("appeal.objected", _("退回改派申请"), Section.APPEALS, roles=(Role.HUB, Role.CLERK)),
    kind("appeal.cooperation", _("配合意见答复"), Section.APPEALS, roles=_UNIT),
    kind("appeal.extension", _("延期申请待审批"), Section.APPEALS, roles=(Role.UNIT_HEAD,)),
    kind(
        "appeal.extended",
        _("延期已批准"),
        Section.APPEALS,
        roles=(*_UNIT, Role.ENTERPRISE),
        mandatory_roles=(Role.ENTERPRISE,),
        basis=_("seeds/003 六.3：延期须在时限届满前告知服务对象"),
    ),
    kind("appeal.extension_rejected", _("延期未获批准"), Section.APPEALS, roles=_UNIT),
    kind(
        "appeal.escalation",
        _("提请市领导协调申报"),
        Section.APPEALS,
        roles=(Role.HUB,),
        mandatory=True,
        basis=_("seeds/000 二：每月10日前报送审核"),
    ),
    kind(
        "appeal.problem",
        _("问题诉求提级督办"),
        Section.APPEALS,
        roles=(Role.HUB,),
        mandatory=True,
        basis=_("seeds/000 三：提级督办"),
    ),
    kind("appeal.resumed", _("退回牵头单位继续办理"), Section.APPEALS, roles=_UNIT),
    kind("appeal.resolved", _("办结待核验"), Section.APPEALS, roles=(Role.HUB, Role.SUPERVISOR)),
    kind(
        "appeal.rate",
        _("满意度评价邀请"),
        Section.APPEALS,
        roles=(Role.ENTERPRISE,),
        mandatory=True,
        basis=_("seeds/001 四(八)：及时提醒企业进行满意度评价"),
    ),
    kind(
        "appeal.rate_reminder",
        _("评价提醒"),
        Section.APPEALS,
        roles=(Role.ENTERPRISE,),
        mandatory=True,
        basis=_("seeds/001 四(八)：及时提醒企业进行满意度评价"),
    ),
    kind("appeal.verification_rejected", _("办结核验未通过"), Section.APPEALS, roles=_UNIT),
    kind("appeal.reopened", _("诉求重办"), Section.APPEALS, roles=(*_UNIT, Role.HUB)),
    kind("appeal.exemption", _("不纳入考核申请与审核"), Section.APPEALS, roles=(*_UNIT, Role.HUB)),
    kind("appeal.clock_yellow", _("临期提醒"), Section.CLOCK, roles=_CLOCK),
    kind(
        "appeal.clock_due_today",
        _("今日到期"),
        Section.CLOCK,
        roles=_CLOCK,
        mandatory=True,
        basis=_("期限为今天"),
    ),
    kind("appeal.clock_red", _("超期提醒"), Section.CLOCK, roles=_CLOCK),
    kind("appeal.cooperation_overdue", _("配合意见超期"), Section.CLOCK, roles=_UNIT),
    # issue 12: a withdrawal puts a call-back on the hub's desk (撤单质检).
    kind(
        "appeal.withdrawn",
        _("企业撤回诉求待回访"),
        Section.APPEALS,
        roles=(*_UNIT, Role.HUB),
        mandatory_roles=(Role.HUB,),
        basis=_("撤单质检：回访核实企业是否自愿撤回"),
    ),
    kind("appeal.withdrawal_reopened", _("撤回诉求恢复办理"), Section.APPEALS, roles=(*_UNIT, Role.HUB)),
)


def register_notice_kinds() -> None:
    """Called in AppealsConfig.ready."""
    register_kinds(*NOTICE_KINDS)


# ---------------------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------------------


def unit_staff_ids(unit_id: int | None, roles: Iterable[str] = (Role.HANDLER, Role.UNIT_HEAD)) -> list[int]:
    """Active users with `roles` in the unit or its sections (their path holds its id)."""
    if not unit_id:
        return []
    return list(
        User.objects.filter(
            is_active=True, role__in=list(roles), unit__path__contains=f"/{unit_id}/"
        ).values_list("pk", flat=True)
    )


def hub_ids() -> list[int]:
    return list(User.objects.filter(is_active=True, role=Role.HUB).values_list("pk", flat=True))


def enterprise_user_ids(enterprise_id: int) -> list[int]:
    return list(
        User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=enterprise_id).values_list(
            "pk", flat=True
        )
    )


def to_enterprise(appeal) -> Callable[[], list[int]]:
    eid = appeal.enterprise_id
    return lambda: enterprise_user_ids(eid)


def to_unit(unit_id, roles: Iterable[str] = (Role.HANDLER, Role.UNIT_HEAD)) -> Callable[[], list[int]]:
    return lambda: unit_staff_ids(unit_id, roles)


def to_handler_or_unit(appeal, *also: Callable[[], list[int]]) -> Callable[[], list[int]]:
    """The appeal's handler (else the lead unit's staff), and whoever `also` names."""
    handler_id, unit_id = appeal.handler_id, appeal.lead_unit_id
    return lambda: (
        ([handler_id] if handler_id else unit_staff_ids(unit_id)) + [uid for more in also for uid in more()]
    )


# ---------------------------------------------------------------------------------------
# Notice texts used by more than one phase
# ---------------------------------------------------------------------------------------


def materials_notice(appeal, *, missing: list[str], at: datetime, now) -> dict:
    """seeds/003 六.2: ONE notice to the enterprise listing every missing item, due within 2
    working days of receipt. Returns the data the timeline records with it; called in the
    transaction that writes that timeline entry, so the entry and the notice are one."""
    notice_due = deadlines.add_workdays(
        timezone.localdate(appeal.received_at), deadlines.MATERIALS_NOTICE_WORKDAYS
    ).date
    body = "\n".join(f"{i}. {m}" for i, m in enumerate(missing, 1))
    tell(to_enterprise(appeal), "appeal.materials", appeal, "请一次性补齐以下材料", body, now=now)
    return {
        "missing_items": missing,
        "notice_due": notice_due.isoformat(),
        "on_time": timezone.localdate(at) <= notice_due,
    }


def enterprise_signed_notice(appeal) -> str:
    """What the enterprise is told when the lead unit signs: the unit, its published service
    window (seeds/003 一) and the handling deadline — never the name or phone of the staff
    member who signed (issue 9: enterprises see units, not staff)."""
    parts = [f"牵头单位：{appeal.lead_unit.name}" if appeal.lead_unit_id else ""]
    window = service_window_of(appeal.lead_unit_id)
    if window is not None:
        parts.append(f"服务窗口：{window.section_name}，电话：{window.phone}")
    if appeal.handling_due:
        parts.append(f"办理期限：{appeal.handling_due:%Y-%m-%d}")
    return "，".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------
# The clock job's notices (jobs.run_appeal_clock)
# ---------------------------------------------------------------------------------------

CLOCK_WAITING = {
    Status.SUBMITTED: "分办",
    Status.ASSIGNED: "签收",
    Status.TRANSFER_REQUESTED: "改派",
    Status.IN_PROGRESS: "办理",
    Status.ESCALATED: "办理",
    Status.RESOLVED: "核验",
}


def _clock_recipients(appeal, light: str) -> list[int]:
    status, lead, handler = appeal.status, appeal.lead_unit_id, appeal.handler_id
    if status in (Status.SUBMITTED, Status.TRANSFER_REQUESTED, Status.RESOLVED):
        return hub_ids() + ([appeal.received_by_id] if status == Status.SUBMITTED else [])
    if status == Status.ASSIGNED:
        return unit_staff_ids(lead) + [appeal.received_by_id]
    # in_progress / escalated: the handler; when overdue also the unit head and the hub.
    out = [handler] if handler else unit_staff_ids(lead)
    if light == Light.RED:
        out += unit_staff_ids(lead, [Role.UNIT_HEAD]) + hub_ids()
    return out


def notify_clock(*, appeal, light: str, now=None) -> int:
    """A yellow reminder or a red overdue notice for the appeal's current deadline; the
    dedupe key (appeal, state, deadline, light) makes repeats a no-op."""
    what = CLOCK_WAITING.get(appeal.status)
    if what is None or appeal.clock_due is None:
        return 0
    if light == Light.YELLOW:
        title = f"临期提醒：请于{appeal.clock_due:%Y-%m-%d}前完成{what}"
    else:
        title = f"超期通知：{what}期限{appeal.clock_due:%Y-%m-%d}已过"
    return notify(
        recipients=_clock_recipients(appeal, light),
        kind=f"appeal.clock_{light}",
        dedupe_key=f"appeal:{appeal.pk}:{light}:{appeal.status}:{appeal.clock_due:%Y%m%d}",
        now=now,
        **about(appeal, title, appeal.title),
    )


def notify_due_today(*, appeal, now=None) -> int:
    """The appeal's deadline is today (mandatory: nobody may mute it); told to whoever the
    yellow reminder went to, once per state and deadline."""
    what = CLOCK_WAITING.get(appeal.status)
    if what is None or appeal.clock_due is None:
        return 0
    return notify(
        recipients=_clock_recipients(appeal, Light.YELLOW),
        kind="appeal.clock_due_today",
        dedupe_key=f"appeal:{appeal.pk}:due_today:{appeal.status}:{appeal.clock_due:%Y%m%d}",
        now=now,
        **about(appeal, f"今日到期：请于今天（{appeal.clock_due:%Y-%m-%d}）内完成{what}", appeal.title),
    )


def notify_cooperation_overdue(*, cooperation, now=None) -> int:
    appeal = cooperation.appeal
    return notify(
        recipients=unit_staff_ids(cooperation.unit_id),
        kind="appeal.cooperation_overdue",
        dedupe_key=f"appeal:{cooperation.appeal_id}:coop:{cooperation.unit_id}:{cooperation.due:%Y%m%d}",
        now=now,
        **about(appeal, f"配合意见已超期（期限{cooperation.due:%Y-%m-%d}）", appeal.title),
    )
