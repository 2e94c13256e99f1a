"""API schema of the counting facts."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from ._common import Ref


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
