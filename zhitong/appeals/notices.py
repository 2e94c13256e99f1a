"""Who is told about an appeal, and what: recipients, notice texts and the clock job's
notices. Below the machine and the services (it imports neither), so the machine's hooks
(recipe.py) and every service module may use it.

Inside a move, services send through the kernel: `step.tell(recipients, kind=…,
**about(appeal, title, body))`. Every notice is queued in the outbox in the transaction of
the change it reports and delivered after the commit (zhitong/outbox): the timeline entry
and its notice commit, or roll back, together.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

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


def notify_cooperation_overdue(*, cooperation, now=None) -> int:
    appeal = cooperation.appeal
    return notify(
        recipients=unit_staff_ids(cooperation.unit_id),
        kind="appeal.cooperation_overdue",
        dedupe_key=f"appeal:{cooperation.appeal_id}:coop:{cooperation.unit_id}:{cooperation.due:%Y%m%d}",
        now=now,
        **about(appeal, f"配合意见已超期（期限{cooperation.due:%Y-%m-%d}）", appeal.title),
    )
