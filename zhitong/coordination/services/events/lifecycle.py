"""The moves of an event up to the meeting and after the document (seeds/001 四(二)–(五),
(七)–(八)), each performed by the kernel's recipe (machines/events.py declares them)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from zhitong.appeals.models import Appeal
from zhitong.common.transitions import lock_rows
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User

from ...choices import NoticeKind, Verification
from ...models import EventNotice
from .._common import local_date, required, resolve_due, said, timeline_note
from ..tasks import tasks_create_for_item
from ._recipe import event_url, office_hubs, performs, tell
from .catalog import catalog_is_late, catalog_lateness, catalog_warning


@performs("start_verification")
def event_start_verification(step):
    """(二) Send the collected problems to the departments for verification."""
    event = step.obj
    step.commit()
    for unit in {i.unit_id: i.unit for i in event.items.select_related("unit")}.values():
        tell(
            step,
            User.objects.filter(
                unit__path__startswith=unit.path, role__in=[Role.HANDLER, Role.UNIT_HEAD], is_active=True
            ),
            "event_verify",
            f"请核实面对面活动「{event.title}」企业问题",
            key=f"event-verify:{event.pk}:{unit.pk}",
        )


@performs("submit_catalog")
def event_submit_catalog(step):
    """(二) Report the verified catalog to 市府办. A late catalog (reported after its due day,
    Asia/Shanghai: seeds/001 四(二) 活动日前4个工作日) is still accepted — the event goes on —
    but it is recorded late with its lateness in working days, shown wherever the event's
    catalog is, and a warning goes to the office and the deputy leader."""
    event = step.obj
    on = local_date(step.now)
    event.catalog_submitted_at = step.now
    event.catalog_late = catalog_is_late(event, on)
    event.catalog_late_workdays = catalog_lateness(event, on)
    due = event.catalog_due.isoformat() if event.catalog_due else None
    step.commit(
        fields=["catalog_submitted_at", "catalog_late", "catalog_late_workdays"],
        data={"catalog_due": due, "late": event.catalog_late, "late_workdays": event.catalog_late_workdays},
    )
    if event.catalog_late:
        tell(
            step,
            lambda: [*office_hubs(event), event.deputy],
            "event_catalog_late",
            f"面对面活动「{event.title}」问题目录逾期报送",
            key=f"event-catalog-late:{event.pk}",
            body=catalog_warning(event, on),
        )
    tell(
        step,
        [event.deputy],
        "event_review",
        f"面对面活动「{event.title}」问题目录待审核",
        key=f"event-review:{event.pk}",
    )


@performs("review")
def event_review(step, proposals: dict[int, str], note: str = ""):
    """(三) The task force's deputy leader, with the departments, proposes handling for each
    verified problem (提出处理意见建议) and sends the list to the city leader."""
    event = step.obj
    items = {i.pk: i for i in lock_rows(event.items.filter(verification=Verification.CONFIRMED))}
    proposals = {int(k): (v or "").strip() for k, v in (proposals or {}).items()}
    if set(proposals) - set(items):
        raise ServiceError("处理建议对应的问题不在核实属实的目录中", field="proposals")
    missing = [i for pk, i in items.items() if not proposals.get(pk)]
    if missing:
        raise ServiceError(f"请为每个问题提出处理意见建议（还有{len(missing)}个）", field="proposals")
    for pk, text in proposals.items():
        items[pk].proposed_handling = text
        items[pk].save(update_fields=["proposed_handling"])
    event.review_note = (note or "").strip()
    event.reviewed_at = step.now
    step.commit(fields=["review_note", "reviewed_at"], note=event.review_note, data={"proposals": proposals})
    tell(
        step,
        [event.chair],
        "event_approve",
        f"面对面活动「{event.title}」问题清单待审定",
        key=f"event-approve:{event.pk}",
    )


@performs("approve")
def event_approve(step, item_ids, note: str = ""):
    """(三) The city leader fixes the list of problems to be studied on site."""
    event = step.obj
    chosen = {int(i) for i in item_ids or []}
    if not chosen:
        raise ServiceError("请至少选择一个问题列入现场研究清单", field="item_ids")
    items = lock_rows(event.items.select_related("appeal"))
    if chosen - {i.pk for i in items if i.verification == Verification.CONFIRMED}:
        raise ServiceError("只能从核实属实的问题中选择", field="item_ids")
    for item in items:
        item.in_final_list = item.pk in chosen
        item.save(update_fields=["in_final_list"])
        timeline_note(
            appeal=item.appeal,
            actor=step.actor,
            action="coordination.event_list",
            note=said(
                gettext_noop("列入面对面活动「%(title)s」现场研究问题清单")
                if item.in_final_list
                else gettext_noop("未列入面对面活动「%(title)s」现场研究问题清单"),
                title=event.title,
            ),
            data={"event_id": event.pk, "item_id": item.pk},
            now=step.now,
        )
    event.approval_note = (note or "").strip()
    event.approved_at = step.now
    step.commit(
        fields=["approval_note", "approved_at"],
        note=event.approval_note,
        data={"item_ids": sorted(chosen)},
    )


def _department_contact(unit: Unit) -> tuple[str, str, str, list[User]]:
    heads = list(User.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True).order_by("pk"))
    window = getattr(unit, "window", None) if hasattr(unit, "window") else None
    if window is not None:
        return window.leader_name, window.leader_position, window.phone, heads
    if heads:
        return heads[0].display_name, heads[0].position, heads[0].phone, heads
    return "", "", "", heads


@performs("notify")
def event_notify(step):
    """(四) Notices: the heads of the departments on the approved list and the principals of
    the enterprises (in-app to their accounts, and a printable list for the office)."""
    from zhitong.enterprises.models import Enterprise

    event = step.obj
    final = list(event.items.filter(in_final_list=True).select_related("unit", "appeal__enterprise"))
    event.notices.all().delete()
    when = f"{timezone.localtime(event.scheduled_at):%Y年%m月%d日 %H:%M}"
    notice = {
        "kind": "event_notice",
        "body": f"地点：{event.place}",
        "dedupe_key": f"event-notice:{event.pk}",
        # The enterprises' link is their home page: name the event, so the hub and the
        # digest tell one event's notice from another's.
        "subject": event_url(event),
    }
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
        if heads:
            step.tell(
                heads,
                title=f"活动通知：请部门负责人{when}出席「{event.title}」",
                url=event_url(event),
                **notice,
            )
    enterprises = {i.appeal.enterprise_id for i in final}
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
        if users:
            step.tell(
                users, title=f"活动通知：请企业主要负责人{when}参加「{event.title}」", url="/", **notice
            )
    event.notified_at = step.now
    step.commit(fields=["notified_at"], data={"notices": event.notices.count()})


@performs("hold")
def event_hold(step):
    """(五) The event took place (not before its day: the move's guard); on-site opinions may
    now be recorded."""
    step.obj.held_at = step.now
    step.commit(fields=["held_at"])


@performs("assign")
def event_assign(step):
    """(六)(七) Assign each opinion to its units with the deadline, and hand the whole to
    the supervision office (同时转市政府督查室进行跟踪督办). Working days count from the
    approved document's date, as the document itself states them (documents/opinions.py)."""
    event, now = step.obj, step.now
    start = local_date(event.document_approved_at or now)
    count = 0
    for item in event.items.filter(in_final_list=True).select_related("appeal").order_by("sort_order", "id"):
        if item.due_date is not None:
            # A date the leader set stands even if it is already near; the light shows it.
            due, provisional = item.due_date, item.due_provisional
        else:
            due, provisional = resolve_due(today=start, due_workdays=item.due_workdays, due_date=None)
        item.due_date = due
        item.due_provisional = provisional
        item.save(update_fields=["due_date", "due_provisional"])
        count += len(
            tasks_create_for_item(
                item=item, actor=step.actor, due=due, due_provisional=provisional, now=now, due_base=start
            )
        )
    event.assigned_at = now
    step.commit(fields=["assigned_at"], data={"tasks": count})
    step.tell(
        User.objects.filter(role=Role.SUPERVISOR, is_active=True),
        kind="event_supervise",
        title=f"面对面活动「{event.title}」{count}项交办任务请跟踪督办",
        url="/coordination/tasks/?source=event",
        subject=event_url(event),  # the link is the task list of every event
        dedupe_key=f"event-supervise:{event.pk}",
    )


@performs("carry_on")
def event_carry_on(step, item_id=None, carry_on_reason: str = ""):
    """(七)(八) A problem on the list whose appeal is not 办结 is carried on to regular
    handling (转入常态化办理/继续跟踪), explicitly and with a reason, so the event may close
    without pretending it was solved: recorded on the item, in the event's history and on
    the appeal's timeline; its tasks stay with the supervision office, the enterprise is
    told it goes on (and is not asked to rate)."""
    from zhitong.appeals.selectors import appeal_concluded

    event = step.obj
    reason = required(carry_on_reason, "请填写转入常态化办理的理由", "carry_on_reason")
    if item_id in (None, ""):
        raise ServiceError("请选择要转入常态化办理的问题", field="item_id")
    (item,) = lock_rows(event.items.filter(pk=item_id, in_final_list=True)) or (None,)
    if item is None:
        raise ServiceError("所选问题不在本活动的现场研究问题清单中", field="item_id")
    if item.carried_on_at is not None:
        raise ConflictError(
            f"该问题已于{timezone.localtime(item.carried_on_at):%Y-%m-%d}转入常态化办理", field="item_id"
        )
    appeal = Appeal.objects.select_related("merged_into", "enterprise").get(pk=item.appeal_id)
    if appeal_concluded(appeal):
        raise ConflictError("该问题的诉求已办结，无需转入常态化办理", field="item_id")
    item.carried_on_at, item.carried_on_by, item.carried_on_reason = step.now, step.actor, reason
    item.save(update_fields=["carried_on_at", "carried_on_by", "carried_on_reason"])
    timeline_note(
        appeal=appeal,
        actor=step.actor,
        action="coordination.event_carry_on",
        note=said(
            gettext_noop("面对面活动「%(title)s」：转入常态化办理，继续跟踪。理由：%(reason)s"),
            title=event.title,
            reason=reason,
        ),
        data={"event_id": event.pk, "item_id": item.pk},
        now=step.now,
    )
    step.commit(note=reason, data={"item_id": item.pk, "appeal_id": appeal.pk, "appeal_code": appeal.code})
    tell(
        step,
        User.objects.filter(role=Role.SUPERVISOR, is_active=True),
        "event_carry_on",
        f"面对面活动「{event.title}」问题{appeal.code}转入常态化办理，请继续跟踪督办",
        key=f"event-carry-on:{event.pk}:{item.pk}",
        body=reason,
    )
    step.tell(
        [u for u in appeal.enterprise.users.all() if u.is_active],
        kind="event_carry_on",
        title=f"您在「{event.title}」反映的问题转入常态化办理，有关部门将继续办理并回复您",
        url=f"/appeals/{appeal.pk}/",
        dedupe_key=f"event-carry-on-enterprise:{event.pk}:{item.pk}",
    )


@performs("close")
def event_close(step):
    """(八) Every task done and every problem 办结 or carried on (the move's guard): close
    the event and remind the enterprises to rate — only where there is a rating to give:
    the appeal is verified and waits for it (a merged duplicate: the appeal it was merged
    into). An appeal already rated or closed unrated, or carried on unsolved, gets no
    request (seeds/001 四(八): 办结后提醒评价; the rating itself is the appeals app's)."""
    from zhitong.appeals.selectors import rating_appeal

    event = step.obj
    event.closed_at = step.now
    step.commit(fields=["closed_at"])
    items = event.items.filter(in_final_list=True, carried_on_at__isnull=True).select_related(
        "appeal__merged_into__enterprise", "appeal__enterprise"
    )
    asked = set()
    for item in items.order_by("sort_order", "id"):
        appeal = rating_appeal(item.appeal)
        if appeal is None or appeal.pk in asked:
            continue
        asked.add(appeal.pk)
        users = [u for u in appeal.enterprise.users.all() if u.is_active]
        if users:
            step.tell(
                users,
                kind="event_rate",
                title=f"您在「{event.title}」反映的问题已办结，请对办理情况进行满意度评价",
                url=f"/appeals/{appeal.pk}/",
                dedupe_key=f"event-rate:{event.pk}:{appeal.pk}",
            )
