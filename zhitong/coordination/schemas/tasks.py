"""API schemas of the assigned tasks."""

from __future__ import annotations

from datetime import date

from ninja import Schema

from ._common import Ref, ref


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
