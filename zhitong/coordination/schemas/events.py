"""API schemas of the face-to-face events and their items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from zhitong.core.fields import LONG_TEXT_MAX, NAME_MAX, Id, SaneDatetime, Text, VisibleText

from ..choices import EventKind, EventLevel, Verification
from ._common import Ref, ref


class EventIn(Schema):
    title: VisibleText(NAME_MAX)
    kind: EventKind
    level: EventLevel = EventLevel.CITY
    scheduled_at: SaneDatetime
    place: Text(NAME_MAX) = ""
    chair_id: Id
    deputy_id: Id


class ProblemIn(Schema):
    enterprise_id: Id
    project_id: Id | None = None
    title: VisibleText(200)
    description: VisibleText(LONG_TEXT_MAX)
    category_id: Id
    unit_id: Id
    contact_name: Text(50) = ""
    contact_phone: Text(20) = ""


class VerifyIn(Schema):
    result: Literal[Verification.CONFIRMED.value, Verification.NOT_CONFIRMED.value]
    note: VisibleText(LONG_TEXT_MAX)


class EventItemOut(Schema):
    id: int
    appeal_id: int
    appeal_code: str
    enterprise: str
    title: str
    source: str
    unit: Ref
    verification: str
    verification_note: str
    proposed_handling: str
    in_final_list: bool | None
    opinion: str
    responsible_units: list[Ref]
    due_workdays: int | None
    due_date: date | None
    task_ids: list[int]
    appeal_status: str
    carried_on_at: datetime | None  # 转入常态化办理 (the event's carry_on move)
    carried_on_reason: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    level: str
    office_unit: Ref
    chair: Ref
    deputy: Ref
    scheduled_at: datetime
    place: str
    status: str
    status_label: str
    step: int
    version: int
    catalog_due: date | None
    catalog_submitted_at: datetime | None
    catalog_late: bool  # reported after its due day (seeds/001 四(二)), also on the rest days after it
    catalog_late_workdays: int
    catalog_warning: str
    document_number: str
    has_document: bool
    task_force: str
    moves: list[str] = []  # the moves the caller may make now (machines/events.py)
    items: list[EventItemOut] = []


def event_out(event, *, step: int, warning: str, force_label: str, items=None, moves=()) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "level": event.level,
        "office_unit": ref(event.office_unit),
        "chair": ref(event.chair),
        "deputy": ref(event.deputy),
        "scheduled_at": event.scheduled_at,
        "place": event.place,
        "status": event.status,
        "status_label": event.get_status_display(),
        "step": step,
        "version": event.version,
        "catalog_due": event.catalog_due,
        "catalog_submitted_at": event.catalog_submitted_at,
        "catalog_late": event.catalog_late,
        "catalog_late_workdays": event.catalog_late_workdays,
        "catalog_warning": warning,
        "document_number": event.document_number,
        "has_document": bool(event.document),
        "task_force": force_label,
        "moves": list(moves),
        "items": [
            {
                "id": i.pk,
                "appeal_id": i.appeal_id,
                "appeal_code": i.appeal.code,
                "enterprise": i.appeal.enterprise.name,
                "title": i.appeal.title,
                "source": i.source,
                "unit": ref(i.unit),
                "verification": i.verification,
                "verification_note": i.verification_note,
                "proposed_handling": i.proposed_handling,
                "in_final_list": i.in_final_list,
                "opinion": i.opinion,
                "responsible_units": [ref(u) for u in i.ordered_units()],
                "due_workdays": i.due_workdays,
                "due_date": i.due_date,
                "task_ids": [t.pk for t in i.tasks.all()],
                "appeal_status": i.appeal.status,
                "carried_on_at": i.carried_on_at,
                "carried_on_reason": i.carried_on_reason,
            }
            for i in (items or [])
        ],
    }
