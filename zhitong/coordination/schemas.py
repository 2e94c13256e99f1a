"""API schemas of coordination, and the functions that fill them (one place, so lists and
details agree)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


class Ref(Schema):
    id: int
    name: str


def ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "display_name", None) or str(obj)}


class EscalationOut(Schema):
    id: int
    appeal_id: int
    appeal_code: str
    status: str
    status_label: str
    batch_month: date
    received_at: datetime
    project_name: str
    basic_situation: str
    problem: str
    units_to_coordinate: list[Ref]
    leader: Ref | None
    reporting_unit: Ref
    contact: str
    review_note: str


def escalation_out(req) -> dict:
    return {
        "id": req.pk,
        "appeal_id": req.appeal_id,
        "appeal_code": req.appeal.code,
        "status": req.status,
        "status_label": req.get_status_display(),
        "batch_month": req.batch_month,
        "received_at": req.received_at,
        "project_name": req.project_name,
        "basic_situation": req.basic_situation,
        "problem": req.problem,
        "units_to_coordinate": [ref(u) for u in req.units_to_coordinate.all()],
        "leader": ref(req.leader) if req.leader_id else None,
        "reporting_unit": ref(req.reporting_unit),
        "contact": f"{req.contact_name} {req.contact_mobile}".strip(),
        "review_note": req.review_note,
    }


class BatchOut(Schema):
    month: date
    label: str
    status: str
    status_label: str
    cutoff: date
    cutoff_provisional: bool
    total: int | None = None
    pending: int | None = None


class BatchDetailOut(BatchOut):
    requests: list[EscalationOut]


def batch_out(batch, **extra) -> dict:
    return {
        "month": batch.month,
        "label": batch.label,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "cutoff": batch.cutoff,
        "cutoff_provisional": batch.cutoff_provisional,
        **extra,
    }


class AcceptIn(Schema):
    leader_id: int | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""
    version: int | None = None


class TaskOut(Schema):
    id: int
    appeal_id: int
    appeal_code: str
    unit: Ref
    is_lead: bool
    content: str
    due: date
    due_provisional: bool
    light: str
    status: str
    status_label: str
    last_note: str
    version: int
    source: str
    source_id: int


def task_out(task, *, light: str) -> dict:
    return {
        "id": task.pk,
        "appeal_id": task.appeal_id,
        "appeal_code": task.appeal.code,
        "unit": ref(task.unit),
        "is_lead": task.is_lead,
        "content": task.content,
        "due": task.due,
        "due_provisional": task.due_provisional,
        "light": light,
        "status": task.status,
        "status_label": task.get_status_display(),
        "last_note": task.last_note,
        "version": task.version,
        "source": "meeting" if task.meeting_item_id else "event",
        "source_id": task.meeting_item.meeting_id if task.meeting_item_id else task.event_item.event_id,
    }


class OpinionIn(Schema):
    opinion: str
    unit_ids: list[int]
    due_workdays: int | None = None
    due_date: date | None = None


class MeetingIn(Schema):
    title: str
    convener_id: int
    held_at: datetime
    place: str = ""
    unit_ids: list[int] = []
    level: str = ""


class ItemsIn(Schema):
    appeal_ids: list[int] = []
    escalation_ids: list[int] = []


class MeetingItemOut(Schema):
    id: int
    appeal_id: int
    appeal_code: str
    escalation_id: int | None
    unit: Ref
    project_name: str
    problem: str
    opinion: str
    due_date: date | None
    task_ids: list[int]


class MeetingOut(Schema):
    id: int
    title: str
    level: str
    level_label: str
    convener: Ref
    held_at: datetime
    place: str
    status: str
    units_present: list[Ref]
    minutes_name: str
    items: list[MeetingItemOut] = []


def meeting_out(meeting, *, items=None) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "level": meeting.level,
        "level_label": meeting.get_level_display(),
        "convener": ref(meeting.convener),
        "held_at": meeting.held_at,
        "place": meeting.place,
        "status": meeting.status,
        "units_present": [ref(u) for u in meeting.units_present.all()],
        "minutes_name": meeting.minutes_name,
        "items": [
            {
                "id": i.pk,
                "appeal_id": i.appeal_id,
                "appeal_code": i.appeal.code,
                "escalation_id": i.escalation_id,
                "unit": ref(i.unit),
                "project_name": i.project_name,
                "problem": i.problem,
                "opinion": i.opinion,
                "due_date": i.due_date,
                "task_ids": [t.pk for t in i.tasks.all()],
            }
            for i in (items or [])
        ],
    }


class EventIn(Schema):
    title: str
    kind: str
    level: str = "city"
    scheduled_at: datetime
    place: str = ""
    chair_id: int
    deputy_id: int


class ProblemIn(Schema):
    enterprise_id: int
    project_id: int | None = None
    title: str
    description: str
    category_id: int
    unit_id: int
    contact_name: str = ""
    contact_phone: str = ""


class VerifyIn(Schema):
    result: str
    note: str


class EventActionIn(Schema):
    """Fields used by some actions: review → proposals ({item_id: text}) and note; approve →
    item_ids and note; review_document → approve (bool) and note."""

    version: int | None = None
    note: str = ""
    proposals: dict[int, str] = {}
    item_ids: list[int] = []
    approve: bool = True


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
    catalog_late_workdays: int
    catalog_warning: str
    document_number: str
    has_document: bool
    task_force: str
    items: list[EventItemOut] = []


def event_out(event, *, step: int, warning: str, force_label: str, items=None) -> dict:
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
        "catalog_late_workdays": event.catalog_late_workdays,
        "catalog_warning": warning,
        "document_number": event.document_number,
        "has_document": bool(event.document),
        "task_force": force_label,
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
            }
            for i in (items or [])
        ],
    }


class FactOut(Schema):
    id: int
    meeting_id: int
    unit: Ref
    month: date
    counted_as: str
    project: Ref | None
    enterprise: Ref
    appeal_ids: list[int]
    evaluated_at: datetime
