"""API schemas shared by the coordination aggregates: the error body, references, and the
inputs several endpoints take (a reason, a note with a version, an opinion with a deadline)."""

from __future__ import annotations

from ninja import Schema

from zhitong.core.errors import ErrorOut  # noqa: F401 (re-exported: one error body in the document)
from zhitong.core.fields import LONG_TEXT_MAX, IdList, SaneDate, VisibleText, WorkdayCount


class Ref(Schema):
    id: int
    name: str


def ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "display_name", None) or str(obj)}


class OpinionIn(Schema):
    """An opinion and its assignment: the units (the first leads) and the time limit, in
    working days or as a date."""

    opinion: VisibleText(LONG_TEXT_MAX)
    unit_ids: IdList(100)
    due_workdays: WorkdayCount | None = None
    due_date: SaneDate | None = None
