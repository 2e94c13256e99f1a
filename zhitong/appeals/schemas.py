"""API schemas for appeals, and the functions that turn appeals into them (one place, so
the list and the detail agree)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from zhitong.core.fields import Id, PastDatetime, Text, TextList, Version, VisibleText

from . import enterprise_selectors as ent
from .choices import Channel, Status
from .machine import APPEAL, Move
from .selectors import TimelineEntry

# Examples for the OpenAPI document (the intake and the appeal as staff read it): one appeal,
# registered by the 12345 hotline and assigned by the hub. `tests/test_openapi_examples.py`
# validates each against its schema, so they cannot drift from the fields.
_UNIT_GXJ = {"id": 3, "code": "GXJ", "name": "市工业和信息化局"}
INTAKE_EXAMPLE = {
    "enterprise_id": 12,
    "title": "技改项目设备补贴资金尚未兑付",
    "description": "企业2024年技改项目已通过验收，设备补贴资金至今未兑付，影响流动资金周转。",
    "category_id": 4,
    "channel": "hotline",
    "contact_name": "林经理",
    "contact_phone": "13800000000",
    "received_at": "2025-09-01T09:30:00+08:00",
    "source_system": "12345",
    "source_id": "GD20250901000123",
}
APPEAL_EXAMPLE = {
    "audience": "staff",
    "id": 1024,
    "code": "ZT-2025-001024",
    "title": INTAKE_EXAMPLE["title"],
    "status": "assigned",
    "status_label": "待签收",
    "channel": "hotline",
    "category": {"id": 4, "name": "惠企政策兑现"},
    "enterprise": {"id": 12, "name": "榕城精密机械有限公司"},
    "lead_unit": _UNIT_GXJ,
    "received_at": "2025-09-01T09:30:00+08:00",
    "received_unit": {"id": 9, "code": "HOTLINE", "name": "市12345政务服务便民热线管理办公室"},
    "handling_due": "2025-09-15",
    "legal_due": "2025-10-13",
    "clock_due": "2025-09-15",
    "clock_provisional": False,
    "light": "green",
    "is_problem": False,
    "exemption_status": "none",
    "version": 2,
}
APPEAL_DETAIL_EXAMPLE = APPEAL_EXAMPLE | {
    "description": INTAKE_EXAMPLE["description"],
    "tier": "unit",
    "project_id": None,
    "received_by": {"id": 21, "name": "陈话务"},
    "handler": None,
    "contact_name": "林经理",
    "materials_complete": True,
    "cooperations": [],
    "units_passed": 1,
    "reopen_count": 0,
    "extension_requested_due": None,
    "resolution": "",
    "rating": None,
    "rating_comment": "",
    "close_reason": "",
    "merged_into_id": None,
    "available_moves": [
        {"name": "follow_up", "label": "跟进", "target": None, "needs_reason": False, "fields": []}
    ],
    "timeline": [
        {
            "at": "2025-09-01T09:30:00+08:00",
            "action": "intake",
            "label": "登记",
            "actor": {"id": 21, "name": "陈话务"},
            "actor_unit": {"id": 9, "code": "HOTLINE", "name": "市12345政务服务便民热线管理办公室"},
            "from_status": "",
            "to_status": "submitted",
            "note": "",
            "data": {},
            "evidence": [],
        },
        {
            "at": "2025-09-01T10:05:00+08:00",
            "action": "assign",
            "label": "分办",
            "actor": {"id": 5, "name": "王统筹"},
            "actor_unit": {"id": 2, "code": "FGW", "name": "市发展和改革委员会"},
            "from_status": "submitted",
            "to_status": "assigned",
            "note": "",
            "data": {"lead_unit_id": 3},
            "evidence": [],
        },
    ],
}


class UnitRef(Schema):
    id: int
    code: str
    name: str


class UserRef(Schema):
    id: int
    name: str


class Ref(Schema):
    id: int
    name: str


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool


class MoveOut(Schema):
    name: str
    label: str
    target: str | None
    needs_reason: bool
    fields: list[FieldOut]


class MoveSpecOut(MoveOut):
    sources: list[str]
    actors: list[str]
    alt_target: str | None
    description: str


class CooperationOut(Schema):
    unit: UnitRef
    due: date | None
    answered_at: datetime | None
    answer: str


class EvidenceOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str
    uploaded_at: datetime


class TimelineOut(Schema):
    at: datetime
    action: str
    label: str
    actor: UserRef | None
    actor_unit: UnitRef | None
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]
    evidence: list[EvidenceOut]


class AppealOut(Schema):
    """An appeal as staff read it (`audience: "staff"`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [APPEAL_EXAMPLE]})

    audience: Literal["staff"]
    id: int
    code: str
    title: str
    status: str
    status_label: str
    channel: str
    category: Ref
    enterprise: Ref
    lead_unit: UnitRef | None
    received_at: datetime
    received_unit: UnitRef
    handling_due: date | None
    legal_due: date | None
    clock_due: date | None
    clock_provisional: bool
    light: str
    is_problem: bool
    exemption_status: str
    version: int


class AppealDetailOut(AppealOut):
    model_config = ConfigDict(json_schema_extra={"examples": [APPEAL_DETAIL_EXAMPLE]})

    description: str
    tier: str
    project_id: int | None
    received_by: UserRef
    handler: UserRef | None
    contact_name: str
    materials_complete: bool
    cooperations: list[CooperationOut]
    units_passed: int
    reopen_count: int
    extension_requested_due: date | None
    resolution: str
    rating: int | None
    rating_comment: str
    close_reason: str
    merged_into_id: int | None
    available_moves: list[MoveOut]
    timeline: list[TimelineOut]


class EntryFactOut(Schema):
    label: str
    value: str


class EnterpriseTimelineOut(Schema):
    """One entry of the timeline as the enterprise reads it: `by` is a unit's name, "本企业"
    or the platform, never a staff member's (appeals/enterprise_selectors.py)."""

    at: datetime
    kind: str
    label: str
    by: str
    text: str
    facts: list[EntryFactOut]


class LeadUnitWindowOut(Schema):
    """The lead unit's published service window (seeds/003 一)."""

    section: str
    phone: str


class EnterpriseAppealOut(Schema):
    """An appeal as its enterprise reads it (`audience: "enterprise"`): the public stage
    (materials / accepted / handling / answered / closed / merged) and the one deadline it
    waits for; no internal states, lights, flags or staff."""

    audience: Literal["enterprise"]
    id: int
    code: str
    title: str
    stage: str
    stage_label: str
    deadline_label: str
    deadline: date | None
    deadline_hint: str
    channel: str
    category: Ref
    lead_unit: UnitRef | None
    received_at: datetime
    version: int


class EnterpriseAppealDetailOut(EnterpriseAppealOut):
    description: str
    project_id: int | None
    contact_name: str
    materials_complete: bool
    received_unit: str
    lead_unit_window: LeadUnitWindowOut | None
    answer: str
    rating: int | None
    rating_comment: str
    merged_into_id: int | None
    available_moves: list[MoveOut]
    timeline: list[EnterpriseTimelineOut]


# Staff and enterprises call the same operations; `audience` says which shape came back.
AppealItem = Annotated[AppealOut | EnterpriseAppealOut, Field(discriminator="audience")]
AppealDetail = Annotated[AppealDetailOut | EnterpriseAppealDetailOut, Field(discriminator="audience")]


class AppealPage(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"count": 1, "has_next": False, "page": 1, "page_size": 20, "items": [APPEAL_EXAMPLE]}
            ]
        }
    )

    # The list's length (from the cached counts: exact right after any change, appeals/counters.py);
    # null when the request says `with_count=false`.
    count: int | None = Field(description="符合条件的诉求总数；请求 with_count=false 时为 null")
    # Whether page + 1 has rows (one row more than the page is read: no count needed).
    has_next: bool = Field(description="是否还有下一页")
    page: int
    page_size: int
    items: list[AppealItem]


class IntakeIn(Schema):
    """An appeal to register. Lengths are the columns' (appeals/models.py); `received_at`
    must carry its time zone and lie between 2020-01-01 and now (core/fields.py)."""

    model_config = ConfigDict(json_schema_extra={"examples": [INTAKE_EXAMPLE]})

    enterprise_id: Id
    title: VisibleText(200)
    description: VisibleText(5000)
    category_id: Id
    channel: Channel
    project_id: Id | None = None
    contact_name: Text(50) = ""
    contact_phone: Text(20) = ""
    materials_missing: TextList(50, 200) = []
    received_at: PastDatetime | None = None
    source_system: Text(50) = ""
    source_id: Text(100) = ""
    duplicate_of_id: Id | None = None


class MoveIn(Schema):
    """A move of the appeal's table: the version the caller based it on (required: a move
    without it is 422, a stale one 409) and the move's fields in `data` (GET /appeals/moves
    lists each move's; a key the move does not take is refused with 422)."""

    # The hub assigns the appeal to GXJ, based on the version it last read.
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"expected_version": 1, "data": {"lead_unit_id": 3}}]}
    )

    expected_version: Version
    data: APPEAL.input_model = Field(default_factory=APPEAL.input_model)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    handling_days: int | None
    legal_limit_days: int | None
    required_materials: list[str]


# ---------------------------------------------------------------------------------------


def unit_ref(u) -> dict | None:
    return {"id": u.pk, "code": u.code, "name": u.name} if u is not None else None


def user_ref(u) -> dict | None:
    return {"id": u.pk, "name": u.display_name} if u is not None else None


def move_out(m: Move) -> dict:
    return {
        "name": m.name,
        "label": str(m.label),
        "target": m.target,
        "needs_reason": m.needs_reason,
        "fields": [
            {"name": f.name, "label": str(f.label), "kind": f.kind, "required": f.required}
            for f in m.form_fields()
        ],
    }


def evidence_out(e) -> dict:
    return {
        "id": e.pk,
        "name": e.original_name,
        "kind": e.kind,
        "size": e.size,
        "sha256": e.sha256,
        "uploaded_at": e.uploaded_at,
    }


def appeal_out(a, light: str | None = None) -> dict:
    return {
        "audience": "staff",
        "id": a.pk,
        "code": a.code,
        "title": a.title,
        "status": a.status,
        "status_label": str(Status(a.status).label),
        "channel": a.channel,
        "category": {"id": a.category_id, "name": a.category.name},
        "enterprise": {"id": a.enterprise_id, "name": a.enterprise.name},
        "lead_unit": unit_ref(a.lead_unit),
        "received_at": a.received_at,
        "received_unit": unit_ref(a.received_unit),
        "handling_due": a.handling_due,
        "legal_due": a.legal_due,
        "clock_due": a.clock_due,
        "clock_provisional": a.clock_provisional,
        "light": light or getattr(a, "light", None) or "none",
        "is_problem": a.is_problem,
        "exemption_status": a.exemption_status,
        "version": a.version,
    }


def timeline_out(e: TimelineEntry) -> dict:
    return {
        "at": e.at,
        "action": e.action,
        "label": str(e.label),
        "actor": user_ref(e.actor),
        "actor_unit": unit_ref(e.actor_unit),
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "data": e.data,
        "evidence": [evidence_out(x) for x in e.evidence],
    }


def appeal_detail_out(a, *, moves: list[Move], timeline: list[TimelineEntry]) -> dict:
    return appeal_out(a) | {
        "description": a.description,
        "tier": a.tier,
        "project_id": a.project_id,
        "received_by": user_ref(a.received_by),
        "handler": user_ref(a.handler),
        "contact_name": a.contact_name,
        "materials_complete": a.materials_complete,
        "cooperations": [
            {"unit": unit_ref(c.unit), "due": c.due, "answered_at": c.answered_at, "answer": c.answer}
            for c in a.cooperations.all()
        ],
        "units_passed": a.units_passed,
        "reopen_count": a.reopen_count,
        "extension_requested_due": a.extension_requested_due,
        "resolution": a.resolution,
        "rating": a.rating,
        "rating_comment": a.rating_comment,
        "close_reason": a.close_reason,
        "merged_into_id": a.merged_into_id,
        "available_moves": [move_out(m) for m in moves],
        "timeline": [timeline_out(e) for e in timeline],
    }


# ---------------------------------------------------------------------------------------
# The enterprise's shapes (appeals/enterprise_selectors.py decides what is in them)


def enterprise_appeal_out(a) -> dict:
    stage, deadline = ent.stage_of(a.status), ent.enterprise_deadline(a)
    return {
        "audience": "enterprise",
        "id": a.pk,
        "code": a.code,
        "title": a.title,
        "stage": stage.value,
        "stage_label": str(stage.label),
        "deadline_label": str(deadline.label),
        "deadline": deadline.due,
        "deadline_hint": str(deadline.hint),
        "channel": a.channel,
        "category": {"id": a.category_id, "name": a.category.name},
        "lead_unit": unit_ref(a.lead_unit),
        "received_at": a.received_at,
        "version": a.version,
    }


def enterprise_appeal_detail_out(a, *, moves: list[Move]) -> dict:
    window = ent.lead_unit_window(a)
    return enterprise_appeal_out(a) | {
        "description": a.description,
        "project_id": a.project_id,
        "contact_name": a.contact_name,
        "materials_complete": a.materials_complete,
        "received_unit": ent.unit_public_name(a.received_unit),
        "lead_unit_window": {"section": window.section_name, "phone": window.phone} if window else None,
        "answer": ent.enterprise_answer(a),
        "rating": a.rating,
        "rating_comment": a.rating_comment,
        "merged_into_id": a.merged_into_id,
        "available_moves": [move_out(m) for m in moves],
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "label": str(e.label),
                "by": str(e.by),
                "text": e.text,
                "facts": [{"label": str(k), "value": str(v)} for k, v in e.facts],
            }
            for e in ent.enterprise_timeline(a)
        ],
    }
