"""Face-to-face government–enterprise events (面对面政企交流活动, seeds/001), through the
eight steps of seeds/001 四, one state per step (choices.EventStatus / EVENT_STEPS):

(一) collect: pick open appeals, or register problems raised by enterprises (new appeals
     with channel face_to_face);
(二) verify with the departments, and report the catalog to 市府办 at least 4 working days
     before the event (quarterly events; late catalogs are recorded and warned about);
(三) the task force's deputy leader proposes handling; the city leader approves the list;
(四) notices to department heads and enterprise principals;
(五) the event is held;
(六) on-site opinions → 《企业诉求事项处理意见》 (.docx) → reviewed → approved → assigned;
(七) tasks handled and supervised (督查室 sees every task);
(八) closed; the enterprises rate the handling (the appeals app owns the rating).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhitong.appeals.choices import OPEN_STATUSES, Channel
from zhitong.appeals.models import Appeal
from zhitong.audit.services import audit_record
from zhitong.common.errors import ConflictError, Forbidden, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import scope_root

from .. import permissions
from ..choices import EventKind, EventLevel, EventStatus, NoticeKind, TaskStatus, Verification
from ..models import Event, EventItem, EventNotice, Task
from ._common import local_date, notify, resolve_due, timeline_note
from .batches import units_by_ids
from .tasks import tasks_create_for_item

# seeds/001 四(二): 在活动日前4个工作日将企业问题目录报市府办公室
CATALOG_LEAD_WORKDAYS = 4

S = EventStatus
COLLECTING_STATES = (S.COLLECTING, S.VERIFYING)


def catalog_due_for(*, kind: str, scheduled_at: datetime) -> tuple[date | None, bool]:
    """The last day the catalog may reach 市府办: 4 working days before the event day (the
    event day not counted). Only the quarterly event has a catalog deadline; the regular
    kinds (phone, breakfast, visit, platform) are held as the occasion arises."""
    from zhitong.workdays.services import subtract_workdays

    if kind != EventKind.QUARTERLY:
        return None, False
    result = subtract_workdays(local_date(scheduled_at), CATALOG_LEAD_WORKDAYS)
    return result.date, result.provisional


def catalog_lateness(event: Event, on: date) -> int:
    """Working days by which a catalog reported on `on` is late (0 when on time)."""
    from zhitong.workdays.services import workdays_between

    if event.catalog_due is None or on <= event.catalog_due:
        return 0
    return max(workdays_between(event.catalog_due, on), 0)


def catalog_warning(event: Event, on: date) -> str:
    """The warning shown while the catalog is unreported past its deadline, or after it was
    reported late."""
    if event.catalog_due is None:
        return ""
    if event.catalog_submitted_at is not None:
        late = event.catalog_late_workdays
        on = local_date(event.catalog_submitted_at)
    else:
        late = catalog_lateness(event, on)
    if not late:
        return ""
    return (
        f"目录应于活动日前{CATALOG_LEAD_WORKDAYS}个工作日报市府办公室，截止日为 {event.catalog_due:%Y-%m-%d}，"
        f"已逾期 {late} 个工作日"
    )


def _snapshot(event: Event) -> dict:
    return {"status": event.status, "version": event.version, "scheduled_at": event.scheduled_at}


def _lock(event_id: int) -> Event:
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("office_unit", "chair", "deputy")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise ServiceError("活动不存在")
    return event


def _expect(event: Event, *states: str, version: int | None = None) -> None:
    if version is not None and version != event.version:
        raise ConflictError("活动已被他人更新，请刷新后重试", code="stale")
    if event.status not in states:
        raise ConflictError(
            f"活动当前处于“{event.get_status_display()}”阶段，不能执行此操作", code="illegal_move"
        )


def _move(
    event: Event, *, to: str, actor: User, action: str, now: datetime, extra: dict | None = None, fields=()
) -> None:
    before = _snapshot(event)
    event.status = to
    event.version += 1
    event.save(update_fields=["status", "version", "updated_at", *fields])
    audit_record(
        action=action,
        obj=event,
        actor=actor,
        before=before,
        after={**_snapshot(event), **(extra or {})},
        now=now,
    )


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
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写活动名称", field="title")
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
    audit_record(action="event.create", obj=event, actor=actor, before=None, after=_snapshot(event), now=now)
    return event


@transaction.atomic
def event_reschedule(
    *, actor: User, event_id: int, scheduled_at: datetime, place: str = "", now: datetime | None = None
) -> Event:
    """Move the event before its list is approved; the catalog deadline moves with it."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, *COLLECTING_STATES)
    before = _snapshot(event)
    event.scheduled_at = scheduled_at
    event.place = (place or event.place).strip()
    event.catalog_due, event.catalog_due_provisional = catalog_due_for(
        kind=event.kind, scheduled_at=scheduled_at
    )
    event.version += 1
    event.save()
    audit_record(
        action="event.reschedule", obj=event, actor=actor, before=before, after=_snapshot(event), now=now
    )
    return event


def _add_item(
    event: Event, appeal: Appeal, *, source: str, unit: Unit | None, actor: User, now: datetime
) -> EventItem:
    unit = unit or appeal.lead_unit or appeal.received_unit
    order = event.items.count() + 1
    item = EventItem.objects.create(event=event, appeal=appeal, source=source, unit=unit, sort_order=order)
    audit_record(
        action="event.add_item",
        obj=event,
        actor=actor,
        before=None,
        after={"item_id": item.pk, "appeal_id": appeal.pk, "source": source, "unit_id": unit.pk},
        now=now,
    )
    timeline_note(
        appeal=appeal,
        actor=actor,
        action="coordination.event_collect",
        note=f"收集列入面对面活动「{event.title}」企业问题",
        data={"event_id": event.pk, "item_id": item.pk},
        now=now,
    )
    return item


@transaction.atomic
def event_add_appeals(
    *, actor: User, event_id: int, appeal_ids, now: datetime | None = None
) -> list[EventItem]:
    """(一) Pick candidate problems from open appeals of any channel."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, *COLLECTING_STATES)
    ids = [int(i) for i in appeal_ids]
    appeals = list(Appeal.objects.select_related("lead_unit", "received_unit").filter(pk__in=ids))
    if len(appeals) != len(set(ids)):
        raise ServiceError("所选诉求不存在")
    existing = set(event.items.values_list("appeal_id", flat=True))
    added = []
    for appeal in sorted(appeals, key=lambda a: ids.index(a.pk)):
        if appeal.pk in existing:
            continue
        if appeal.status not in OPEN_STATUSES:
            raise ConflictError(f"诉求{appeal.code}已办结或已合并，不能列入活动")
        added.append(_add_item(event, appeal, source="picked", unit=None, actor=actor, now=now))
    return added


@transaction.atomic
def event_register_problem(
    *,
    actor: User,
    event_id: int,
    enterprise,
    title: str,
    description: str,
    category,
    unit: Unit,
    project=None,
    contact_name: str = "",
    contact_phone: str = "",
    now: datetime | None = None,
) -> EventItem:
    """(一) A problem an enterprise raised for the event becomes an appeal (channel
    面对面活动) through the appeals app's intake, and a candidate on the catalog."""
    from zhitong.appeals.services import appeal_intake

    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, *COLLECTING_STATES)
    if unit is None or unit == "":
        raise ServiceError("请选择核实单位", field="unit_id")
    (unit,) = units_by_ids([getattr(unit, "pk", unit)])
    appeal, _created = appeal_intake(
        actor=actor,
        enterprise_id=getattr(enterprise, "pk", enterprise),
        project_id=getattr(project, "pk", project),
        title=title,
        description=description,
        category_id=getattr(category, "pk", category),
        channel=Channel.FACE_TO_FACE,
        contact_name=contact_name,
        contact_phone=contact_phone,
        now=now,
    )
    return _add_item(event, appeal, source="registered", unit=unit, actor=actor, now=now)


@transaction.atomic
def event_item_set_unit(*, actor: User, item_id: int, unit_id: int, now: datetime | None = None) -> EventItem:
    """The office decides which department verifies a problem."""
    now = now or timezone.now()
    item = EventItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ServiceError("问题不存在")
    event = _lock(item.event_id)
    permissions.require_event_office(actor, event)
    _expect(event, *COLLECTING_STATES)
    item = EventItem.objects.select_for_update(of=("self",)).get(pk=item_id)
    (unit,) = units_by_ids([unit_id])
    before = {"unit_id": item.unit_id, "verification": item.verification}
    item.unit = unit
    item.verification = Verification.PENDING
    item.verification_note = ""
    item.verified_at = None
    item.verified_by = None
    item.save()
    audit_record(
        action="event.item_unit", obj=item, actor=actor, before=before, after={"unit_id": unit.pk}, now=now
    )
    return item


@transaction.atomic
def event_remove_item(*, actor: User, item_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    item = EventItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ServiceError("问题不存在")
    event = _lock(item.event_id)
    permissions.require_event_office(actor, event)
    _expect(event, *COLLECTING_STATES)
    audit_record(
        action="event.remove_item",
        obj=event,
        actor=actor,
        before={"item_id": item.pk, "appeal_id": item.appeal_id},
        after=None,
        now=now,
    )
    timeline_note(
        appeal=item.appeal,
        actor=actor,
        action="coordination.event_remove",
        note=f"移出面对面活动「{event.title}」问题目录",
        data={"event_id": event.pk},
        now=now,
    )
    item.delete()


@transaction.atomic
def event_start_verification(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(二) Send the collected problems to the departments for verification."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.COLLECTING, version=version)
    items = list(event.items.select_related("unit"))
    if not items:
        raise ConflictError("请先收集企业问题")
    _move(event, to=S.VERIFYING, actor=actor, action="event.start_verification", now=now)
    for unit in {i.unit_id: i.unit for i in items}.values():
        notify(
            recipients=User.objects.filter(
                unit__path__startswith=unit.path, role__in=[Role.HANDLER, Role.UNIT_HEAD], is_active=True
            ),
            kind="event_verify",
            title=f"请核实面对面活动「{event.title}」企业问题",
            url=f"/coordination/events/{event.pk}/",
            dedupe_key=f"event-verify:{event.pk}:{unit.pk}",
            now=now,
        )
    return event


@transaction.atomic
def event_item_verify(
    *, actor: User, item_id: int, result: str, note: str, now: datetime | None = None
) -> EventItem:
    """(二) The department's verification of one problem (情况属实 or not), with its note."""
    now = now or timezone.now()
    item = EventItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ServiceError("问题不存在")
    event = _lock(item.event_id)
    item = (
        EventItem.objects.select_for_update(of=("self",))
        .select_related("unit", "appeal", "event")
        .get(pk=item_id)
    )
    permissions.require_item_verifier(actor, item)
    _expect(event, S.VERIFYING)
    if result not in (Verification.CONFIRMED, Verification.NOT_CONFIRMED):
        raise ServiceError("请选择核实结果", field="result")
    note = (note or "").strip()
    if not note:
        raise ServiceError("请填写核实情况", field="note")
    before = {"verification": item.verification, "verification_note": item.verification_note}
    item.verification = result
    item.verification_note = note
    item.verified_at = now
    item.verified_by = actor
    item.save()
    audit_record(
        action="event.item_verify",
        obj=item,
        actor=actor,
        before=before,
        after={"verification": result, "verification_note": note},
        now=now,
    )
    timeline_note(
        appeal=item.appeal,
        actor=actor,
        action="coordination.event_verify",
        note=f"面对面活动「{event.title}」问题核实（{Verification(result).label}）：{note}",
        data={"event_id": event.pk, "item_id": item.pk},
        now=now,
    )
    return item


@transaction.atomic
def event_submit_catalog(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(二) Report the verified catalog to 市府办. A late catalog is still accepted (the event
    goes on) but its lateness in working days is stored and shown."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.VERIFYING, version=version)
    pending = event.items.filter(verification=Verification.PENDING).count()
    if pending:
        raise ConflictError(f"还有{pending}个问题未核实，不能报送目录")
    if not event.items.filter(verification=Verification.CONFIRMED).exists():
        raise ConflictError("没有核实属实的问题，不能报送目录")
    event.catalog_submitted_at = now
    event.catalog_late_workdays = catalog_lateness(event, local_date(now))
    _move(
        event,
        to=S.CATALOG_SUBMITTED,
        actor=actor,
        action="event.submit_catalog",
        now=now,
        extra={"catalog_due": event.catalog_due, "late_workdays": event.catalog_late_workdays},
        fields=("catalog_submitted_at", "catalog_late_workdays"),
    )
    notify(
        recipients=[event.deputy],
        kind="event_review",
        title=f"面对面活动「{event.title}」问题目录待审核",
        url=f"/coordination/events/{event.pk}/",
        dedupe_key=f"event-review:{event.pk}",
        now=now,
    )
    return event


@transaction.atomic
def event_review(
    *,
    actor: User,
    event_id: int,
    proposals: dict[int, str],
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Event:
    """(三) The task force's deputy leader, with the departments, proposes handling for each
    verified problem (提出处理意见建议) and sends the list to the city leader."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_deputy(actor, event)
    _expect(event, S.CATALOG_SUBMITTED, version=version)
    items = {
        i.pk: i
        for i in event.items.select_for_update(of=("self",)).filter(verification=Verification.CONFIRMED)
    }
    proposals = {int(k): (v or "").strip() for k, v in (proposals or {}).items()}
    unknown = set(proposals) - set(items)
    if unknown:
        raise ServiceError("处理建议对应的问题不在核实属实的目录中", field="proposals")
    missing = [i for pk, i in items.items() if not proposals.get(pk)]
    if missing:
        raise ServiceError(f"请为每个问题提出处理意见建议（还有{len(missing)}个）", field="proposals")
    for pk, text in proposals.items():
        items[pk].proposed_handling = text
        items[pk].save(update_fields=["proposed_handling"])
    event.review_note = (note or "").strip()
    event.reviewed_at = now
    _move(
        event,
        to=S.REVIEWED,
        actor=actor,
        action="event.review",
        now=now,
        extra={"proposals": proposals},
        fields=("review_note", "reviewed_at"),
    )
    notify(
        recipients=[event.chair],
        kind="event_approve",
        title=f"面对面活动「{event.title}」问题清单待审定",
        url=f"/coordination/events/{event.pk}/",
        dedupe_key=f"event-approve:{event.pk}",
        now=now,
    )
    return event


@transaction.atomic
def event_approve(
    *,
    actor: User,
    event_id: int,
    item_ids,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Event:
    """(三) The city leader fixes the list of problems to be studied on site."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_chair(actor, event)
    _expect(event, S.REVIEWED, version=version)
    chosen = {int(i) for i in item_ids or []}
    confirmed = {
        i.pk: i
        for i in event.items.select_for_update(of=("self",))
        .select_related("appeal")
        .filter(verification=Verification.CONFIRMED)
    }
    if not chosen:
        raise ServiceError("请至少选择一个问题列入现场研究清单", field="item_ids")
    if chosen - set(confirmed):
        raise ServiceError("只能从核实属实的问题中选择", field="item_ids")
    for item in event.items.select_for_update(of=("self",)).select_related("appeal"):
        item.in_final_list = item.pk in chosen
        item.save(update_fields=["in_final_list"])
        timeline_note(
            appeal=item.appeal,
            actor=actor,
            action="coordination.event_list",
            note=f"{'列入' if item.in_final_list else '未列入'}面对面活动「{event.title}」现场研究问题清单",
            data={"event_id": event.pk, "item_id": item.pk},
            now=now,
        )
    event.approval_note = (note or "").strip()
    event.approved_at = now
    _move(
        event,
        to=S.APPROVED,
        actor=actor,
        action="event.approve",
        now=now,
        extra={"item_ids": sorted(chosen)},
        fields=("approval_note", "approved_at"),
    )
    return event


def _department_contact(unit: Unit) -> tuple[str, str, str, list[User]]:
    heads = list(User.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True).order_by("pk"))
    window = getattr(unit, "window", None) if hasattr(unit, "window") else None
    if window is not None:
        return window.leader_name, window.leader_position, window.phone, heads
    if heads:
        return heads[0].display_name, heads[0].position, heads[0].phone, heads
    return "", "", "", heads


@transaction.atomic
def event_notify(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(四) Notices: the heads of the departments on the approved list and the principals of
    the enterprises (in-app to their accounts, and a printable list for the office)."""
    from zhitong.enterprises.models import Enterprise

    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.APPROVED, version=version)
    final = list(event.items.filter(in_final_list=True).select_related("unit", "appeal__enterprise"))
    event.notices.all().delete()
    when = f"{timezone.localtime(event.scheduled_at):%Y年%m月%d日 %H:%M}"
    for unit in {i.unit_id: i.unit for i in final}.values():
        name, position, phone, heads = _department_contact(unit)
        EventNotice.objects.create(
            event=event,
            kind=NoticeKind.DEPARTMENT,
            unit=unit,
            name=name,
            position=position,
            phone=phone,
            notified_users=len(heads),
        )
        notify(
            recipients=heads,
            kind="event_notice",
            title=f"活动通知：请部门负责人{when}出席「{event.title}」",
            body=f"地点：{event.place}",
            url=f"/coordination/events/{event.pk}/",
            dedupe_key=f"event-notice:{event.pk}",
            now=now,
        )
    enterprises = {i.appeal.enterprise_id: i.appeal.enterprise for i in final}
    for enterprise in Enterprise.objects.filter(pk__in=enterprises).prefetch_related("contacts", "users"):
        contact = next(iter(enterprise.contacts.all()), None)
        users = [u for u in enterprise.users.all() if u.is_active]
        EventNotice.objects.create(
            event=event,
            kind=NoticeKind.ENTERPRISE,
            enterprise=enterprise,
            name=contact.name if contact else enterprise.legal_representative,
            position=contact.position if contact else "法定代表人",
            phone=contact.phone if contact else "",
            notified_users=len(users),
        )
        notify(
            recipients=users,
            kind="event_notice",
            title=f"活动通知：请企业主要负责人{when}参加「{event.title}」",
            body=f"地点：{event.place}",
            url="/",
            dedupe_key=f"event-notice:{event.pk}",
            now=now,
        )
    event.notified_at = now
    _move(
        event,
        to=S.NOTIFIED,
        actor=actor,
        action="event.notify",
        now=now,
        extra={"notices": event.notices.count()},
        fields=("notified_at",),
    )
    return event


@transaction.atomic
def event_hold(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(五) The event took place; on-site opinions may now be recorded."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.NOTIFIED, version=version)
    if local_date(now) < local_date(event.scheduled_at):
        raise ConflictError(f"活动定于{timezone.localtime(event.scheduled_at):%Y-%m-%d}举行，举行后方可登记")
    event.held_at = now
    _move(event, to=S.HELD, actor=actor, action="event.hold", now=now, fields=("held_at",))
    return event


@transaction.atomic
def event_record_opinion(
    *,
    actor: User,
    item_id: int,
    opinion: str,
    unit_ids,
    due_workdays: int | None = None,
    due_date: date | None = None,
    now: datetime | None = None,
) -> EventItem:
    """(六) The leader's on-site opinion on one problem, the responsible units (the first
    leads) and the time limit. Editable until the document is reviewed."""
    now = now or timezone.now()
    item = EventItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ServiceError("问题不存在")
    event = _lock(item.event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.HELD, S.DOCUMENT_DRAFTED)
    item = EventItem.objects.select_for_update(of=("self",)).select_related("appeal").get(pk=item_id)
    if not item.in_final_list:
        raise ConflictError("该问题未列入现场研究清单")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError("请填写处理意见", field="opinion")
    units = units_by_ids(unit_ids)
    if not units:
        raise ServiceError("请选择至少一个责任单位", field="unit_ids")
    due, provisional = resolve_due(today=local_date(now), due_workdays=due_workdays, due_date=due_date)
    before = {"opinion": item.opinion, "due_workdays": item.due_workdays, "due_date": item.due_date}
    item.opinion = opinion
    item.opinion_at = now
    item.opinion_by = actor
    item.due_workdays = due_workdays
    # With a number of working days the date is fixed at assignment (from that day).
    item.due_date = due_date
    item.due_provisional = provisional
    item.save()
    item.lead_unit = units[0]
    item.save(update_fields=["lead_unit"])
    item.responsible_units.set(units)
    if event.status == S.DOCUMENT_DRAFTED:
        # The document no longer matches the opinions: it must be generated again.
        _move(event, to=S.HELD, actor=actor, action="event.document_outdated", now=now)
    audit_record(
        action="event.opinion",
        obj=item,
        actor=actor,
        before=before,
        after={
            "opinion": opinion,
            "unit_ids": [u.pk for u in units],
            "due_workdays": due_workdays,
            "due_date": due_date,
        },
        now=now,
    )
    timeline_note(
        appeal=item.appeal,
        actor=actor,
        action="coordination.event_opinion",
        note=f"面对面活动「{event.title}」现场处理意见：{opinion}",
        data={"event_id": event.pk, "item_id": item.pk},
        now=now,
    )
    return item


def _next_document_number(event: Event, now: datetime) -> str:
    year = local_date(now).year
    prefix = "榕面对面办" if event.level == EventLevel.CITY else f"{event.office_unit.display_name}面对面办"
    used = (
        Event.objects.filter(document_generated_at__year=year)
        .exclude(pk=event.pk)
        .exclude(document_number="")
        .count()
    )
    return f"{prefix}〔{year}〕{used + 1}号"


@transaction.atomic
def event_generate_document(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(六) Generate 《企业诉求事项处理意见》 (.docx) from the on-site opinions."""
    from ..documents.opinions import render_opinions_docx

    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.HELD, S.DOCUMENT_DRAFTED, version=version)
    final = event.items.filter(in_final_list=True)
    missing = final.filter(opinion_at__isnull=True).count()
    if missing:
        raise ConflictError(f"还有{missing}个问题未录入处理意见")
    if not event.document_number:
        event.document_number = _next_document_number(event, now)
    content = render_opinions_docx(event=event, now=now)
    event.document.save(f"event-{event.pk}-opinions.docx", ContentFile(content), save=False)
    event.document_generated_at = now
    event.document_review_note = ""
    _move(
        event,
        to=S.DOCUMENT_DRAFTED,
        actor=actor,
        action="event.generate_document",
        now=now,
        extra={"document_number": event.document_number, "bytes": len(content)},
        fields=("document", "document_number", "document_generated_at", "document_review_note"),
    )
    notify(
        recipients=[event.deputy],
        kind="event_document_review",
        title=f"《企业诉求事项处理意见》（{event.title}）待审核",
        url=f"/coordination/events/{event.pk}/",
        dedupe_key=f"event-docreview:{event.pk}:{event.version}",
        now=now,
    )
    return event


@transaction.atomic
def event_review_document(
    *,
    actor: User,
    event_id: int,
    approve: bool,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Event:
    """(六) 报市府办公室审核修改: the deputy leader (the task force's 市政府副秘书长 sits in 市府办)
    passes the draft on to the leader, or sends it back to the office with what to change."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_deputy(actor, event)
    _expect(event, S.DOCUMENT_DRAFTED, version=version)
    note = (note or "").strip()
    event.document_review_note = note
    if approve:
        event.document_reviewed_at = now
        _move(
            event,
            to=S.DOCUMENT_REVIEWED,
            actor=actor,
            action="event.review_document",
            now=now,
            extra={"note": note},
            fields=("document_review_note", "document_reviewed_at"),
        )
        notify(
            recipients=[event.chair],
            kind="event_document_approve",
            title=f"《企业诉求事项处理意见》（{event.title}）待审定",
            url=f"/coordination/events/{event.pk}/",
            dedupe_key=f"event-docapprove:{event.pk}:{event.version}",
            now=now,
        )
    else:
        if not note:
            raise ServiceError("退回修改须写明修改意见", field="note")
        _move(
            event,
            to=S.HELD,
            actor=actor,
            action="event.return_document",
            now=now,
            extra={"note": note},
            fields=("document_review_note",),
        )
        notify(
            recipients=User.objects.filter(
                unit__path__startswith=event.office_unit.path, role=Role.HUB, is_active=True
            ),
            kind="event_document_returned",
            title=f"《企业诉求事项处理意见》（{event.title}）退回修改",
            body=note,
            url=f"/coordination/events/{event.pk}/",
            now=now,
        )
    return event


@transaction.atomic
def event_approve_document(
    *, actor: User, event_id: int, note: str = "", version: int | None = None, now: datetime | None = None
) -> Event:
    """(六) 呈市政府领导审定."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_chair(actor, event)
    _expect(event, S.DOCUMENT_REVIEWED, version=version)
    event.document_approved_at = now
    _move(
        event,
        to=S.DOCUMENT_APPROVED,
        actor=actor,
        action="event.approve_document",
        now=now,
        extra={"note": (note or "").strip()},
        fields=("document_approved_at",),
    )
    notify(
        recipients=User.objects.filter(
            unit__path__startswith=event.office_unit.path, role=Role.HUB, is_active=True
        ),
        kind="event_document_approved",
        title=f"《企业诉求事项处理意见》（{event.title}）已审定，请交办",
        url=f"/coordination/events/{event.pk}/",
        now=now,
    )
    return event


@transaction.atomic
def event_assign(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(六)(七) Assign each opinion to its units with the deadline, and hand the whole to
    the supervision office (同时转市政府督查室进行跟踪督办)."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.DOCUMENT_APPROVED, version=version)
    today = local_date(now)
    count = 0
    for item in event.items.filter(in_final_list=True).select_related("appeal").order_by("sort_order", "id"):
        if item.due_date is not None:
            # A date the leader set stands even if it is already near; the light shows it.
            due, provisional = item.due_date, item.due_provisional
        else:
            due, provisional = resolve_due(today=today, due_workdays=item.due_workdays, due_date=None)
        item.due_date = due
        item.due_provisional = provisional
        item.save(update_fields=["due_date", "due_provisional"])
        count += len(
            tasks_create_for_item(item=item, actor=actor, due=due, due_provisional=provisional, now=now)
        )
    event.assigned_at = now
    _move(
        event,
        to=S.ASSIGNED,
        actor=actor,
        action="event.assign",
        now=now,
        extra={"tasks": count},
        fields=("assigned_at",),
    )
    notify(
        recipients=User.objects.filter(role=Role.SUPERVISOR, is_active=True),
        kind="event_supervise",
        title=f"面对面活动「{event.title}」{count}项交办任务请跟踪督办",
        url="/coordination/tasks/?source=event",
        dedupe_key=f"event-supervise:{event.pk}",
        now=now,
    )
    return event


@transaction.atomic
def event_close(
    *, actor: User, event_id: int, version: int | None = None, now: datetime | None = None
) -> Event:
    """(八) Every task done: close the event and remind the enterprises to rate the handling
    of their appeals (the rating itself is the appeals app's)."""
    now = now or timezone.now()
    event = _lock(event_id)
    permissions.require_event_office(actor, event)
    _expect(event, S.ASSIGNED, version=version)
    open_tasks = Task.objects.filter(event_item__event=event).exclude(status=TaskStatus.DONE).count()
    if open_tasks:
        raise ConflictError(f"还有{open_tasks}项交办任务未办结，不能办结活动")
    event.closed_at = now
    _move(event, to=S.CLOSED, actor=actor, action="event.close", now=now, fields=("closed_at",))
    for item in event.items.filter(in_final_list=True).select_related("appeal__enterprise"):
        notify(
            recipients=[u for u in item.appeal.enterprise.users.all() if u.is_active],
            kind="event_rate",
            title=f"您在「{event.title}」反映的问题已办结，请对办理情况进行满意度评价",
            url=f"/appeals/{item.appeal_id}/",
            dedupe_key=f"event-rate:{event.pk}:{item.appeal_id}",
            now=now,
        )
    return event


__all__ = [
    "CATALOG_LEAD_WORKDAYS",
    "catalog_due_for",
    "catalog_lateness",
    "catalog_warning",
    "event_add_appeals",
    "event_approve",
    "event_approve_document",
    "event_assign",
    "event_close",
    "event_create",
    "event_generate_document",
    "event_hold",
    "event_item_set_unit",
    "event_item_verify",
    "event_notify",
    "event_record_opinion",
    "event_register_problem",
    "event_remove_item",
    "event_reschedule",
    "event_review",
    "event_review_document",
    "event_start_verification",
    "event_submit_catalog",
]
