"""Opening an event and its catalog deadline (seeds/001 四(二): the catalog reaches 市府办
4 working days before a quarterly event)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhitong.audit.services import audit_record
from zhitong.common.transitions import record_state_change
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.organizations.selectors import scope_root

from ... import permissions
from ...choices import EventKind, EventLevel, EventStatus
from ...machines.events import EVENT
from ...models import Event
from .._common import local_date, required
from ._recipe import performs

# seeds/001 四(二): 在活动日前4个工作日将企业问题目录报市府办公室
CATALOG_LEAD_WORKDAYS = 4


def catalog_due_for(*, kind: str, scheduled_at: datetime) -> tuple[date | None, bool]:
    """The last day the catalog may reach 市府办: 4 working days before the event day (the
    event day not counted). Only the quarterly event has a catalog deadline; the regular
    kinds (phone, breakfast, visit, platform) are held as the occasion arises."""
    from zhitong.workdays.services import subtract_workdays

    if kind != EventKind.QUARTERLY:
        return None, False
    result = subtract_workdays(local_date(scheduled_at), CATALOG_LEAD_WORKDAYS)
    return result.date, result.provisional


def catalog_is_late(event: Event, on: date) -> bool:
    """A catalog reported on `on` (its Asia/Shanghai calendar day) is late when that day is
    after the due day: the due day runs to 23:59:59 and the next day is late from 00:00.

    seeds/001 四(二) counts the time in working days back from the event day (活动日前4个工作日),
    so the due day is always a working day: a holiday before the event pulls it earlier and
    never later. The rule that a time limit ending on a rest day runs on to the next working
    day (《民法典》第二百零三条, the batch cut-off's rule) is for limits counted forward; here
    it would take working days from the 4 that 市府办 is given. So a catalog reported on the
    rest days right after its due day is late although no working day has passed — which
    `catalog_lateness` (in working days) alone cannot say."""
    return event.catalog_due is not None and on > event.catalog_due


def catalog_lateness(event: Event, on: date) -> int:
    """Working days by which a catalog reported on `on` is late (0 when on time, and also
    when reported late on the rest days right after the due day: see `catalog_is_late`)."""
    from zhitong.workdays.services import workdays_between

    if not catalog_is_late(event, on):
        return 0
    return max(workdays_between(event.catalog_due, on), 0)


def catalog_warning(event: Event, on: date) -> str:
    """The warning shown while the catalog is unreported past its deadline, or after it was
    reported late."""
    if event.catalog_due is None:
        return ""
    if event.catalog_submitted_at is not None:
        late, workdays = event.catalog_late, event.catalog_late_workdays
        on = local_date(event.catalog_submitted_at)
    else:
        late, workdays = catalog_is_late(event, on), catalog_lateness(event, on)
    if not late:
        return ""
    # In the page's language (gettext); the notices are written inside a move, in Chinese.
    base = _("目录应于活动日前%(n)s个工作日报市府办公室，截止日为 %(due)s") % {
        "n": CATALOG_LEAD_WORKDAYS,
        "due": f"{event.catalog_due:%Y-%m-%d}",
    }
    if workdays:
        return _("%(base)s，已逾期 %(n)s 个工作日") % {"base": base, "n": workdays}
    # Late on the rest days right after the due day: no working day has passed yet.
    if event.catalog_submitted_at is not None:
        return _("%(base)s，%(on)s（休息日）报送，已逾期") % {"base": base, "on": f"{on:%Y-%m-%d}"}
    return _("%(base)s，%(on)s（休息日）尚未报送，已逾期") % {"base": base, "on": f"{on:%Y-%m-%d}"}


def catalog_state(event: Event, today: date) -> tuple[str, bool]:
    """How the event lists show its catalog: a short label, and whether it is (or was) late."""
    if event.catalog_due is None:
        return "", False
    if event.catalog_submitted_at is not None:
        if event.catalog_late:
            return _("逾期报送"), True
        return _("按时报送"), False
    if catalog_is_late(event, today):
        return _("逾期未报"), True
    return _("%(due)s前报送") % {"due": f"{event.catalog_due:%m-%d}"}, False


def _check_leader(user: User | None, field: str, label: str) -> User:
    if user is None or user.role != Role.LEADER or not user.is_active:
        raise ServiceError(f"{label}须为市领导", field=field)
    return user


@transaction.atomic
def event_create(
    *,
    actor: User,
    title: str,
    kind: str,
    scheduled_at: datetime,
    chair: User,
    deputy: User,
    level: str = EventLevel.CITY,
    place: str = "",
    now: datetime | None = None,
) -> Event:
    """The office opens an event; its own unit runs it (seeds/001 一: 专班办公室)."""
    now = now or timezone.now()
    if not permissions.can_create_event(actor):
        raise Forbidden("只有统筹协调专员可以组织面对面活动")
    if not actor.unit_id:
        raise ServiceError("组织者未设置所在单位")
    title = required(title, "请填写活动名称", "title")
    if kind not in EventKind.values:
        raise ServiceError("请选择活动方式", field="kind")
    if level not in EventLevel.values:
        raise ServiceError("请选择活动层级", field="level")
    if scheduled_at is None:
        raise ServiceError("请填写活动时间", field="scheduled_at")
    _check_leader(chair, "chair_id", "出席活动的领导")
    _check_leader(deputy, "deputy_id", "专班副组长")
    due, provisional = catalog_due_for(kind=kind, scheduled_at=scheduled_at)
    event = Event.objects.create(
        title=title,
        kind=kind,
        level=level,
        # The office is the department (a hub in its section acts for it).
        office_unit=scope_root(actor.unit),
        chair=chair,
        deputy=deputy,
        scheduled_at=scheduled_at,
        place=(place or "").strip(),
        catalog_due=due,
        catalog_due_provisional=provisional,
        created_by=actor,
    )
    record_state_change(
        event,
        move="create",
        from_status="",
        to_status=EventStatus.COLLECTING,
        actor=actor,
        now=now,
        note="",
        data={},
    )
    audit_record(
        action="event.create", obj=event, actor=actor, before=None, after=EVENT.snapshot(event), now=now
    )
    return event


@performs("reschedule")
def event_reschedule(step, scheduled_at: datetime, place: str = ""):
    """Move the event before its list is approved; the catalog deadline moves with it."""
    if scheduled_at is None:
        raise ServiceError("请填写活动时间", field="scheduled_at")
    event = step.obj
    event.scheduled_at = scheduled_at
    event.place = (place or event.place).strip()
    event.catalog_due, event.catalog_due_provisional = catalog_due_for(
        kind=event.kind, scheduled_at=scheduled_at
    )
    step.commit(fields=["scheduled_at", "place", "catalog_due", "catalog_due_provisional"])
