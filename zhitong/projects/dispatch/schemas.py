"""API schemas of dispatch sessions, consultations, inspections and the leaders' digest,
bounded by core/fields.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema

from zhitong.core.fields import LONG_TEXT_MAX, NAME_MAX, Id, SaneDate, Text, VisibleText

from .models import ConsultationConclusion, DispatchLevel, InspectionResult


class Ref(Schema):
    id: int
    name: str


def ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "display_name", None) or str(obj)}


class ProjectRef(Schema):
    id: int
    code: str
    name: str


def project_ref(p) -> dict:
    return {"id": p.pk, "code": p.code, "name": p.name}


# -- sessions ------------------------------------------------------------------------------------


class SessionIn(Schema):
    """A held session. `county_id` only for a county's monthly session; the title is made
    from the level and the period when left empty."""

    level: Literal[tuple(DispatchLevel.values)]
    held_on: SaneDate
    convener_id: Id
    county_id: Id | None = None
    title: Text(NAME_MAX) = ""
    place: Text(NAME_MAX) = ""
    summary: Text(LONG_TEXT_MAX) = ""


class EntryIn(Schema):
    """A project dispatched at the session and the decision for it (saved again: changed)."""

    project_id: Id
    decisions: VisibleText(LONG_TEXT_MAX)
    progress: Text(LONG_TEXT_MAX) = ""
    problems: Text(LONG_TEXT_MAX) = ""
    responsible_unit_id: Id | None = None
    due_on: SaneDate | None = None


class EntryOut(Schema):
    id: int
    project: ProjectRef
    progress: str
    problems: str
    decisions: str
    responsible_unit: Ref | None
    due_on: date | None


class SessionOut(Schema):
    id: int
    level: str
    level_label: str
    held_on: date
    period: str  # 2026-Q3 (city) or 2026-09 (county)
    title: str
    convener: Ref
    county: Ref | None
    place: str
    summary: str
    entries: list[EntryOut] = []


class CoverageProject(ProjectRef):
    stage: str  # the stage on `as_of`
    last_dispatched: date | None


class CoverageOut(Schema):
    level: str
    period: str
    period_label: str
    as_of: date
    population: list[CoverageProject]
    covered: list[CoverageProject]
    missing: list[CoverageProject]


# -- consultations -------------------------------------------------------------------------------


class ConsultationIn(Schema):
    held_on: SaneDate
    participants: VisibleText(LONG_TEXT_MAX)
    fits_city_plan: bool = False
    fits_park_positioning: bool = False
    fits_industry_policy: bool = False
    conclusion: Literal[tuple(ConsultationConclusion.values)]
    opinion: VisibleText(LONG_TEXT_MAX)


class ConsultationOut(Schema):
    id: int
    held_on: date
    participants: str
    fits_city_plan: bool
    fits_park_positioning: bool
    fits_industry_policy: bool
    conclusion: str
    conclusion_label: str
    opinion: str


# -- inspections ---------------------------------------------------------------------------------


class DrawIn(Schema):
    """`quarter`: any day of it (this quarter or the last)."""

    quarter: SaneDate
    seed: VisibleText(100)
    seed_source: VisibleText(NAME_MAX)


class InspectionIn(Schema):
    inspected_on: SaneDate
    site_checked: bool = False
    permits_checked: bool = False
    result: Literal[tuple(InspectionResult.values)]
    finding: VisibleText(LONG_TEXT_MAX)
    rectification: Text(LONG_TEXT_MAX) = ""


class InspectionItemOut(Schema):
    position: int
    project: ProjectRef
    inspected_on: date | None
    site_checked: bool
    permits_checked: bool
    result: str
    finding: str
    rectification: str


class DrawOut(Schema):
    id: int
    quarter: str  # 2026-Q3
    seed: str
    seed_source: str
    population: list[str]
    sample_size: int
    drawn: list[str]
    python_version: str
    drawn_at: datetime
    items: list[InspectionItemOut] = []


# -- the leaders' digest -------------------------------------------------------------------------


class ProblemOut(Schema):
    code: str
    title: str
    status: str
    opened_on: date


class DigestRowOut(Schema):
    project: ProjectRef
    stage: str
    annual_plan: Decimal
    month_investment: Decimal | None
    ytd_investment: Decimal | None
    progress_class: str
    image_progress: str
    breakthroughs: list[str]
    problems: list[ProblemOut]


class DigestOut(Schema):
    leader: Ref
    month: str
    total_plan: Decimal
    total_ytd: Decimal
    ratio: str
    rows: list[DigestRowOut]
    lagging: list[int]  # project ids
