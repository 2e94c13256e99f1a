"""/api/v1/projects — a project's progress, the same operations as the pages through the same
selectors and services (mounted next to the project library's router, same prefix).

- GET  /{project_id}/progress?month=YYYY-MM        the month's summary and progress class
- GET  /{project_id}/reports                       the monthly reports, newest first
- POST /{project_id}/reports                       file a month's report (problems → appeals)
- GET  /{project_id}/reports/{YYYY-MM}             one report
- PUT  /{project_id}/reports/{YYYY-MM}             correct it, with the `version` read (409 stale)
- GET  /{project_id}/daily-reports?month=          the secretary's daily reports
- POST /{project_id}/daily-reports                 file the day's report
- GET  /{project_id}/commitments                   agreement commitments with their records
- POST /{project_id}/commitments                   record one (lead unit, hub)
- POST /commitments/{id}/moves/{move}              record | fulfil {on, note} | reopen | cancel {reason}, + version
- GET  /progress/late?month=YYYY-MM                the month's missing and late reports (scoped)
- GET  /progress/briefing?month=&unit_id=          the monthly briefing (seeds/003 九), scoped

Photos are uploaded on the page only (the API takes JSON). Enterprise users read none of
this (404 for a project, 403 for the lists). Errors: the contract's JSON {"code","message"}.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhitong.common.transitions import required_version
from zhitong.core.errors import (
    AccessDenied,
    ConflictError,
    ErrorOut,
    Forbidden,
    InvalidInput,
    ServiceError,
)
from zhitong.core.fields import LONG_TEXT_MAX, NAME_MAX, Id, Month, SaneDate, Text, Version, VisibleText

from ..selectors import project_get_for_user
from . import briefing as briefing_reads
from . import commitments as commitment_services
from . import reports as report_services
from . import selectors
from .access import sees_progress
from .calc import month_start, report_due
from .commitment_machine import COMMITMENT
from .reports import MAX_PROBLEMS, PROBLEM_MAX

router = Router(tags=["project-progress"])
ERRORS = {403: ErrorOut, 409: ErrorOut}
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise InvalidInput("月份格式应为 YYYY-MM，例如 2026-06", field="month")


def _project(request, project_id: int):
    if not sees_progress(request.user):
        raise AccessDenied()
    return project_get_for_user(user=request.user, project_id=project_id)


def _government(request) -> None:
    if not sees_progress(request.user):
        raise Forbidden("企业用户不能查看项目进展台账")


# -- schemas ------------------------------------------------------------------------------------


class ProgressProblemOut(Schema):
    text: str
    appeal_id: int | None
    appeal_code: str
    appeal_status: str = ""
    appeal_open: bool | None = None


class PhotoOut(Schema):
    id: int
    name: str
    url: str


class ReportOut(Schema):
    id: int
    project_id: int
    month: str
    month_investment: Decimal
    annual_plan: Decimal
    image_progress: str
    workers: int
    machinery: int
    submitted_at: str
    submitted_by: str
    due: date
    late: bool
    version: int
    problems: list[ProgressProblemOut]
    photos: list[PhotoOut]


class ReportIn(Schema):
    month: Month
    month_investment: Amount = Decimal(0)
    image_progress: VisibleText(LONG_TEXT_MAX)
    workers: Count = 0
    machinery: Count = 0
    problems: Annotated[list[VisibleText(PROBLEM_MAX)], Field(max_length=MAX_PROBLEMS)] = []


class ReportUpdateIn(Schema):
    version: Version | None = None
    month_investment: Amount = Decimal(0)
    image_progress: VisibleText(LONG_TEXT_MAX)
    workers: Count = 0
    machinery: Count = 0
    problems: Annotated[list[VisibleText(PROBLEM_MAX)], Field(max_length=MAX_PROBLEMS)] = []
    remove_photo_ids: Annotated[list[Id], Field(max_length=20)] = []


class ProgressOut(Schema):
    project_id: int
    month: str
    progress_class: str
    progress_class_label: str
    classed: bool
    month_investment: Decimal | None
    ytd_investment: Decimal | None
    annual_plan: Decimal
    ytd_ratio: Decimal | None
    expected_ytd: Decimal | None
    pace: Decimal | None
    overdue_milestones: int
    problems_open: int
    report_due: date


class DailyOut(Schema):
    id: int
    day: date
    service: str
    workers: int
    machinery: int
    reported_by: str
    version: int


class DailyIn(Schema):
    day: SaneDate
    service: VisibleText(LONG_TEXT_MAX)
    workers: Count = 0
    machinery: Count = 0


class RecordOut(Schema):
    action: str
    on: date
    note: str
    actor: str
    to_status: str


class CommitmentOut(Schema):
    id: int
    party: str
    party_label: str
    content: str
    basis: str
    due_on: date
    responsible_unit_id: int | None
    status: str
    status_label: str
    fulfilled_on: date | None
    overdue: bool
    version: int
    records: list[RecordOut]


class CommitmentIn(Schema):
    party: Text(20)
    content: VisibleText(LONG_TEXT_MAX)
    basis: Text(NAME_MAX) = ""
    due_on: SaneDate
    responsible_unit_id: Id | None = None


class ProgressProjectRef(Schema):
    id: int
    code: str
    name: str
    lead_unit: str
    report_id: int | None = None


class LateOut(Schema):
    month: str
    due: date
    due_provisional: bool
    past_due: bool
    missing: list[ProgressProjectRef]
    pending: list[ProgressProjectRef]
    late: list[ProgressProjectRef]
    on_time: list[ProgressProjectRef]


class BriefingRow(Schema):
    id: int
    code: str
    name: str
    lead_unit: str
    stage: str
    progress_class: str | None = None
    ytd_investment: Decimal | None = None
    month_investment: Decimal | None = None


class BriefingUnit(Schema):
    unit_id: int
    unit: str
    reserve: int
    negotiation: int
    signed: int


class BriefingOut(Schema):
    month: str
    scope: str
    unit_id: int | None
    units: list[BriefingUnit]
    reserve: list[BriefingRow]
    negotiation: list[BriefingRow]
    signed: list[BriefingRow]


class MonthQuery(Schema):
    month: Month | None = None


class BriefingQuery(Schema):
    month: Month | None = None
    unit_id: Id | None = None


# -- shapes --------------------------------------------------------------------------------------


def _report_out(report, project) -> dict:
    from django.urls import reverse

    (report,) = selectors.with_due([report])
    problems = selectors.problem_rows([report])
    return {
        "id": report.pk,
        "project_id": report.project_id,
        "month": f"{report.month:%Y-%m}",
        "month_investment": report.month_investment,
        "annual_plan": report.annual_plan,
        "image_progress": report.image_progress,
        "workers": report.workers,
        "machinery": report.machinery,
        "submitted_at": timezone.localtime(report.submitted_at).isoformat(),
        "submitted_by": report.submitted_by.display_name,
        "due": report.due,
        "late": report.late,
        "version": report.version,
        "problems": [
            {
                "text": p.text,
                "appeal_id": p.appeal_id,
                "appeal_code": p.appeal_code,
                "appeal_status": str(p.appeal.status_label) if p.appeal else "",
                "appeal_open": p.appeal.open if p.appeal else None,
            }
            for p in problems
        ],
        "photos": [
            {
                "id": ph.pk,
                "name": ph.original_name,
                "url": reverse("projects:report_photo", args=[project.pk, ph.pk]),
            }
            for ph in report.photos.all()
        ],
    }


def _commitment_out(c) -> dict:
    return {
        "id": c.pk,
        "party": c.party,
        "party_label": c.get_party_display(),
        "content": c.content,
        "basis": c.basis,
        "due_on": c.due_on,
        "responsible_unit_id": c.responsible_unit_id,
        "status": c.status,
        "status_label": c.get_status_display(),
        "fulfilled_on": c.fulfilled_on,
        "overdue": c.overdue,
        "version": c.version,
        "records": [
            {
                "action": r.action,
                "on": r.on,
                "note": r.note,
                "actor": r.actor.display_name if r.actor else "",
                "to_status": r.to_status,
            }
            for r in c.records.all()
        ],
    }


def _ref(p) -> dict:
    report = getattr(p, "report", None)
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "lead_unit": p.lead_unit.display_name,
        "report_id": report.pk if report else None,
    }


# -- operations ----------------------------------------------------------------------------------


@router.get(
    "/progress/late", response={200: LateOut, **ERRORS}, summary="某月月报缺报、迟报情况（按用户范围）"
)
def late_reports(request, q: Query[MonthQuery]):
    _government(request)
    today = timezone.localdate()
    month = _month(q.month) if q.month else selectors.default_month(today)
    state = selectors.reporting_month(user=request.user, month=month, today=today)
    return {
        "month": f"{state.month:%Y-%m}",
        "due": state.due,
        "due_provisional": state.due_provisional,
        "past_due": state.past_due,
        "missing": [_ref(p) for p in state.missing],
        "pending": [_ref(p) for p in state.pending],
        "late": [_ref(p) for p in state.late],
        "on_time": [_ref(p) for p in state.on_time],
    }


@router.get(
    "/progress/briefing",
    response={200: BriefingOut, **ERRORS},
    summary="储备、洽谈、签约项目月度通报（seeds/003 九）",
)
def briefing(request, q: Query[BriefingQuery]):
    _government(request)
    month = _month(q.month) if q.month else selectors.default_month(timezone.localdate())
    b = briefing_reads.monthly_briefing(user=request.user, month=month, unit_id=q.unit_id)

    def row(p) -> dict:
        s = getattr(p, "summary", None)
        return {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "lead_unit": p.lead_unit.display_name,
            "stage": p.stage_then,
            "progress_class": s.progress_class.value if s is not None and s.classed else None,
            "ytd_investment": s.ytd_investment if s is not None else None,
            "month_investment": s.month_investment if s is not None else None,
        }

    return {
        "month": f"{b.month:%Y-%m}",
        "scope": b.scope_name,
        "unit_id": b.unit.pk if b.unit is not None else None,
        "units": [
            {"unit_id": r.unit.pk, "unit": r.unit.name, **{part.key: n for part, n in r.cells}}
            for r in b.units
        ],
        **{part.key: [row(p) for p in rows] for part, rows in b.parts},
    }


@router.post(
    "/commitments/{commitment_id}/moves/{move}",
    response={200: CommitmentOut, **ERRORS},
    summary="履约承诺操作：record 登记履约进展 / fulfil 确认履约 {on, note}；reopen / cancel {reason}；均需 version",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": COMMITMENT.input_model.model_json_schema()}},
        }
    },
)
def commitment_move(request, commitment_id: Id, move: Text(40)):
    from ..models import Commitment

    project_id = Commitment.objects.filter(pk=commitment_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise AccessDenied()
    project = _project(request, project_id)
    if COMMITMENT.moves.get(move) is None:
        raise ConflictError(f"未知的操作：{move}", code="unknown_move")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        raise ServiceError("请求体不是有效的JSON", code="malformed_json")
    if not isinstance(data, dict):
        raise InvalidInput("请求体应为JSON对象")
    version = required_version(data.pop("version", None))
    COMMITMENT.dispatch(
        pk=commitment_id, move=move, actor=request.user, expected_version=version, unknown="refuse", **data
    )
    return _commitment_out(
        selectors.commitment_get_with_records(project, commitment_id, timezone.localdate())
    )


@router.get(
    "/{project_id}/progress", response={200: ProgressOut, **ERRORS}, summary="项目某月进度（进度分类）"
)
def progress(request, project_id: Id, q: Query[MonthQuery]):
    project = _project(request, project_id)
    month = _month(q.month) if q.month else selectors.default_month(timezone.localdate())
    s = selectors.summaries_for([project], month)[project.pk]
    return {
        "project_id": project.pk,
        "month": f"{month:%Y-%m}",
        "progress_class": s.progress_class.value,
        "progress_class_label": str(s.progress_class.label),
        "classed": s.classed,
        "month_investment": s.month_investment,
        "ytd_investment": s.ytd_investment,
        "annual_plan": s.annual_plan,
        "ytd_ratio": s.ytd_ratio,
        "expected_ytd": s.expected_ytd,
        "pace": s.pace,
        "overdue_milestones": s.overdue_milestones,
        "problems_open": s.problems_open,
        "report_due": report_due(month).date,
    }


@router.get("/{project_id}/reports", response={200: list[ReportOut], **ERRORS}, summary="项目月度进展报告")
def report_list(request, project_id: Id):
    project = _project(request, project_id)
    return [_report_out(r, project) for r in selectors.reports_of(project)[:120]]


@router.post("/{project_id}/reports", response={201: ReportOut, **ERRORS}, summary="报送月度进展报告")
def report_create(request, project_id: Id, body: ReportIn):
    project = _project(request, project_id)
    report = report_services.progress_report_submit(
        actor=request.user,
        project_id=project.pk,
        month=_month(body.month),
        month_investment=body.month_investment,
        image_progress=body.image_progress,
        workers=body.workers,
        machinery=body.machinery,
        problems=body.problems,
    )
    return Status(201, _report_out(selectors.report_get(project, report.month), project))


@router.get("/{project_id}/reports/{month}", response={200: ReportOut, **ERRORS}, summary="某月月报")
def report_detail(request, project_id: Id, month: Month):
    project = _project(request, project_id)
    return _report_out(selectors.report_get(project, _month(month)), project)


@router.put(
    "/{project_id}/reports/{month}", response={200: ReportOut, **ERRORS}, summary="修改月报（须带 version）"
)
def report_update(request, project_id: Id, month: Month, body: ReportUpdateIn):
    project = _project(request, project_id)
    report = selectors.report_get(project, _month(month))
    report_services.progress_report_update(
        actor=request.user,
        report_id=report.pk,
        expected_version=body.version,
        month_investment=body.month_investment,
        image_progress=body.image_progress,
        workers=body.workers,
        machinery=body.machinery,
        problems=body.problems,
        remove_photo_ids=body.remove_photo_ids,
    )
    return _report_out(selectors.report_get(project, report.month), project)


def _daily_out(d) -> dict:
    return {
        "id": d.pk,
        "day": d.day,
        "service": d.service,
        "workers": d.workers,
        "machinery": d.machinery,
        "reported_by": d.reported_by.display_name,
        "version": d.version,
    }


@router.get("/{project_id}/daily-reports", response={200: list[DailyOut], **ERRORS}, summary="项目秘书日报")
def daily_list(request, project_id: Id, q: Query[MonthQuery]):
    project = _project(request, project_id)
    month = _month(q.month) if q.month else month_start(timezone.localdate())
    return [_daily_out(d) for d in selectors.daily_of(project, month=month)]


@router.post("/{project_id}/daily-reports", response={201: DailyOut, **ERRORS}, summary="填报项目秘书日报")
def daily_create(request, project_id: Id, body: DailyIn):
    project = _project(request, project_id)
    report = report_services.daily_report_submit(
        actor=request.user,
        project_id=project.pk,
        day=body.day,
        service=body.service,
        workers=body.workers,
        machinery=body.machinery,
    )
    return Status(201, _daily_out(report))


@router.get("/{project_id}/commitments", response={200: list[CommitmentOut], **ERRORS}, summary="履约承诺")
def commitment_list(request, project_id: Id):
    project = _project(request, project_id)
    return [_commitment_out(c) for c in selectors.commitments_of(project, timezone.localdate())]


@router.post("/{project_id}/commitments", response={201: CommitmentOut, **ERRORS}, summary="登记履约承诺")
def commitment_create(request, project_id: Id, body: CommitmentIn):
    project = _project(request, project_id)
    c = commitment_services.commitment_create(
        actor=request.user,
        project_id=project.pk,
        party=body.party,
        content=body.content,
        basis=body.basis,
        due_on=body.due_on,
        responsible_unit_id=body.responsible_unit_id,
    )
    return Status(
        201, _commitment_out(selectors.commitment_get_with_records(project, c.pk, timezone.localdate()))
    )
