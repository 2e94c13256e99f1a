"""API schemas shared by the coordination aggregates: the error body, references, and the
inputs several endpoints take (a reason, a note with a version, an opinion with a deadline)."""

from __future__ import annotations

from datetime import date

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


class OpinionIn(Schema):
    opinion: str
    unit_ids: list[int]
    due_workdays: int | None = None
    due_date: date | None = None
