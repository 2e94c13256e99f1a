"""Work on the problems of an event's catalog (seeds/001 四(一)(二)(六)): pick open appeals,
register new problems, change the verifying unit, remove a problem, verify it, record the
on-site opinion. None of these is a move of the event (its status stays, except that an
opinion changed after the document was generated withdraws the document: the declared
move `withdraw_document`); all go through one recipe, `editing`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhitong.appeals.choices import OPEN_STATUSES, Channel
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeal_require_visible
from zhitong.audit.services import audit_record
from zhitong.common.transitions import contended
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.models import Unit, User

from ... import permissions
from ...choices import EventStatus, Verification
from ...machines.events import COLLECTING_STATES, EVENT
from ...models import Event, EventItem
from .._common import Said, label_arg, record_opinion, required, said, timeline_note
from ..batches import units_by_ids

S = EventStatus


def _office(actor, event, item) -> None:
    permissions.require_event_office(actor, event)


def _verifier(actor, event, item) -> None:
    permissions.require_item_verifier(actor, item)


@dataclass
class Edit:
    """One catalog edit in progress: the locked event (and item), who, when."""

    event: Event
    item: EventItem | None
    actor: User
    now: datetime

    def record(self, action: str, *, before, after, obj=None, appeal=None, timeline: tuple[str, Said] = None):
        """The audit event `event.<action>` and, with `timeline=(action, note)`, the note on
        the appeal's timeline."""
        audit_record(
            action=f"event.{action}",
            obj=obj or self.item or self.event,
            actor=self.actor,
            before=before,
            after=after,
            now=self.now,
        )
        if timeline:
            item = self.item if appeal is None else None
            timeline_note(
                appeal=appeal or self.item.appeal,
                actor=self.actor,
                action=f"coordination.{timeline[0]}",
                note=timeline[1],
                data={"event_id": self.event.pk, **({"item_id": item.pk} if item else {})},
                now=self.now,
            )


@contextmanager
def editing(
    *,
    actor: User,
    states,
    event_id: int | None = None,
    item_id: int | None = None,
    who: Callable = _office,
    now: datetime | None = None,
) -> Iterator[Edit]:
    """The recipe of a catalog edit: transaction; the event's row locked (the lock its moves
    take, so an edit never races a status change); who may; the state; the item locked."""
    now = now or timezone.now()
    with contended(), transaction.atomic():
        if item_id is not None:
            event_id = EventItem.objects.filter(pk=item_id).values_list("event_id", flat=True).first()
            if event_id is None:
                raise ServiceError("问题不存在")
        event = EVENT.lock(event_id)
        item = None
        if item_id is not None:
            item = (
                EventItem.objects.select_for_update(of=("self",))
                .select_related("unit", "appeal")
                .get(pk=item_id)
            )
            item.event = event
        who(actor, event, item)
        if event.status not in states:
            raise ConflictError(
                f"活动当前处于“{event.get_status_display()}”阶段，不能执行此操作", code="illegal_move"
            )
        yield Edit(event, item, actor, now)


def _add_item(edit: Edit, appeal: Appeal, *, source: str, unit: Unit | None) -> EventItem:
    event = edit.event
    unit = unit or appeal.lead_unit or appeal.received_unit
    order = event.items.count() + 1
    item = EventItem.objects.create(event=event, appeal=appeal, source=source, unit=unit, sort_order=order)
    edit.item = item
    edit.record(
        "add_item",
        obj=event,
        before=None,
        after={"item_id": item.pk, "appeal_id": appeal.pk, "source": source, "unit_id": unit.pk},
        timeline=(
            "event_collect",
            said(gettext_noop("收集列入面对面活动「%(title)s」企业问题"), title=event.title),
        ),
    )
    return item


def event_add_appeals(
    *, actor: User, event_id: int, appeal_ids, now: datetime | None = None
) -> list[EventItem]:
    """(一) Pick candidate problems from open appeals of any channel."""
    with editing(actor=actor, event_id=event_id, states=COLLECTING_STATES, now=now) as edit:
        ids = [int(i) for i in appeal_ids]
        # Only appeals the office may see (404 otherwise, as for one that does not exist).
        appeal_require_visible(user=actor, appeal_ids=ids)
        appeals = list(Appeal.objects.select_related("lead_unit", "received_unit").filter(pk__in=ids))
        if len(appeals) != len(set(ids)):
            raise ServiceError("所选诉求不存在")
        existing = set(edit.event.items.values_list("appeal_id", flat=True))
        added = []
        for appeal in sorted(appeals, key=lambda a: ids.index(a.pk)):
            if appeal.pk in existing:
                continue
            if appeal.status not in OPEN_STATUSES:
                raise ConflictError(f"诉求{appeal.code}已办结或已合并，不能列入活动")
            added.append(_add_item(edit, appeal, source="picked", unit=None))
    return added


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

    with editing(actor=actor, event_id=event_id, states=COLLECTING_STATES, now=now) as edit:
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
            now=edit.now,
        )
        return _add_item(edit, appeal, source="registered", unit=unit)


def event_item_set_unit(*, actor: User, item_id: int, unit_id: int, now: datetime | None = None) -> EventItem:
    """The office decides which department verifies a problem."""
    with editing(actor=actor, item_id=item_id, states=COLLECTING_STATES, now=now) as edit:
        item = edit.item
        (unit,) = units_by_ids([unit_id])
        before = {"unit_id": item.unit_id, "verification": item.verification}
        item.unit = unit
        item.verification = Verification.PENDING
        item.verification_note = ""
        item.verified_at = None
        item.verified_by = None
        item.save()
        edit.record("item_unit", before=before, after={"unit_id": unit.pk})
    return item


def event_remove_item(*, actor: User, item_id: int, now: datetime | None = None) -> None:
    with editing(actor=actor, item_id=item_id, states=COLLECTING_STATES, now=now) as edit:
        item = edit.item
        edit.record(
            "remove_item",
            obj=edit.event,
            appeal=item.appeal,
            before={"item_id": item.pk, "appeal_id": item.appeal_id},
            after=None,
            timeline=(
                "event_remove",
                said(gettext_noop("移出面对面活动「%(title)s」问题目录"), title=edit.event.title),
            ),
        )
        item.delete()


def event_item_verify(
    *, actor: User, item_id: int, result: str, note: str, now: datetime | None = None
) -> EventItem:
    """(二) The department's verification of one problem (情况属实 or not), with its note."""
    with editing(actor=actor, item_id=item_id, states={S.VERIFYING}, who=_verifier, now=now) as edit:
        item = edit.item
        if result not in (Verification.CONFIRMED, Verification.NOT_CONFIRMED):
            raise ServiceError("请选择核实结果", field="result")
        note = required(note, "请填写核实情况", "note")
        before = {"verification": item.verification, "verification_note": item.verification_note}
        item.verification = result
        item.verification_note = note
        item.verified_at = edit.now
        item.verified_by = actor
        item.save()
        edit.record(
            "item_verify",
            before=before,
            after={"verification": result, "verification_note": note},
            timeline=(
                "event_verify",
                said(
                    gettext_noop("面对面活动「%(title)s」问题核实（%(result)s）：%(note)s"),
                    title=edit.event.title,
                    result=label_arg(Verification(result).label),
                    note=note,
                ),
            ),
        )
    return item


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
    states = {S.HELD, S.DOCUMENT_DRAFTED}
    with editing(actor=actor, item_id=item_id, states=states, now=now) as edit:
        item, event, now = edit.item, edit.event, edit.now
        if not item.in_final_list:
            raise ConflictError("该问题未列入现场研究清单")
        before = {"opinion": item.opinion, "due_workdays": item.due_workdays, "due_date": item.due_date}
        # With a number of working days the date is fixed at assignment (from that day).
        terms = (unit_ids, due_workdays, due_date)
        units = record_opinion(item, actor, now, opinion, "请填写处理意见", terms, fix_date=False)
        if event.status == S.DOCUMENT_DRAFTED:
            # The document no longer matches the opinions: it must be generated again.
            EVENT.perform(
                pk=event.pk,
                move="withdraw_document",
                actor=actor,
                now=now,
                note="现场处理意见已修改，须重新生成",
            )
        edit.record(
            "opinion",
            before=before,
            after={
                "opinion": item.opinion,
                "unit_ids": [u.pk for u in units],
                "due_workdays": due_workdays,
                "due_date": due_date,
            },
            timeline=(
                "event_opinion",
                said(
                    gettext_noop("面对面活动「%(title)s」现场处理意见：%(opinion)s"),
                    title=event.title,
                    opinion=item.opinion,
                ),
            ),
        )
    return item
