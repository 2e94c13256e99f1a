"""API schemas of the coordination meetings and their items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from zhitong.core.fields import NAME_MAX, Id, IdList, SaneDatetime, Text, VisibleText
from zhitong.organizations.choices import LeaderLevel

from ._common import Ref, ref


class MeetingIn(Schema):
    """`level` (the convening leader's level) defaults to the convener's own."""

    title: VisibleText(NAME_MAX)
    convener_id: Id
    held_at: SaneDatetime
    place: Text(NAME_MAX) = ""
    unit_ids: IdList(100) = []
    level: Literal[("", *LeaderLevel.values)] = ""


class ItemsIn(Schema):
    appeal_ids: IdList(200) = []
    escalation_ids: IdList(200) = []


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
    version: int  # send it back with a move (`version`): a move based on an older one is 409
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
        "version": meeting.version,
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
