"""/api/v1/dispatch — dispatch sessions and their coverage, the admission consultation, the
quarterly inspection and the leaders' digest. The same services and scoped selectors as the
pages; errors are the contract's (403 may not, 404 missing or out of sight, 409 conflict)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhitong.core.errors import AccessDenied, ErrorOut, Forbidden, InvalidInput
from zhitong.core.fields import Id, Month, Text
from zhitong.organizations.capabilities import (
    can_read_inspections,
    can_read_leader_digests,
    is_government_user,
)
from zhitong.organizations.models import Unit, User

from .. import selectors as project_selectors
from . import digest as digests
from . import selectors, services
from .models import DispatchLevel
from .periods import month_of, parse_period, period_of, quarter_of
from .schemas import (
    ConsultationIn,
    ConsultationOut,
    CoverageOut,
    DigestOut,
    DrawIn,
    DrawOut,
    EntryIn,
    InspectionIn,
    SessionIn,
    SessionOut,
    project_ref,
    ref,
)

router = Router(tags=["dispatch"])
ERRORS = {403: ErrorOut, 409: ErrorOut}


def _government(request) -> None:
    if not is_government_user(request.user):
        raise Forbidden("只有政府工作人员可以查看项目调度")


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput("所选人员不存在", field=field)
    return user


def _unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidInput("所选单位不存在", field=field)
    return unit


# -- sessions ----------------------------------------------------------------------------------


def session_out(session, *, entries=None) -> dict:
    return {
        "id": session.pk,
        "level": session.level,
        "level_label": session.get_level_display(),
        "held_on": session.held_on,
        "period": period_of(session.level, session.held_on).param,
        "title": session.title,
        "convener": ref(session.convener),
        "county": ref(session.county),
        "place": session.place,
        "summary": session.summary,
        "entries": [
            {
                "id": e.pk,
                "project": project_ref(e.project),
                "progress": e.progress,
                "problems": e.problems,
                "decisions": e.decisions,
                "responsible_unit": ref(e.responsible_unit),
                "due_on": e.due_on,
            }
            for e in (entries or [])
        ],
    }


def _session(request, session_id: int) -> dict:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    return session_out(session, entries=selectors.session_entries(session))


class SessionQuery(Schema):
    level: Text(10) | None = None


@router.get("/sessions", response={200: list[SessionOut], **ERRORS}, summary="调度会列表（按用户范围）")
def session_list(request, q: Query[SessionQuery]):
    _government(request)
    return [session_out(s) for s in selectors.session_list_for_user(user=request.user, level=q.level)[:200]]


@router.post("/sessions", response={201: SessionOut, **ERRORS}, summary="登记调度会")
def session_create(request, body: SessionIn):
    session = services.dispatch_session_create(
        actor=request.user,
        level=body.level,
        held_on=body.held_on,
        convener=_user(body.convener_id, "convener_id"),
        county=_unit(body.county_id, "county_id"),
        title=body.title,
        place=body.place,
        summary=body.summary,
    )
    return Status(201, _session(request, session.pk))


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="调度会详情")
def session_detail(request, session_id: Id):
    return _session(request, session_id)


@router.post(
    "/sessions/{session_id}/entries",
    response={200: SessionOut, **ERRORS},
    summary="列入调度项目并填写调度意见（已列入的则修改）",
)
def entry_save(request, session_id: Id, body: EntryIn):
    selectors.session_get_for_user(user=request.user, session_id=session_id)
    services.dispatch_entry_save(
        actor=request.user,
        session_id=session_id,
        project_id=body.project_id,
        decisions=body.decisions,
        progress=body.progress,
        problems=body.problems,
        responsible_unit=_unit(body.responsible_unit_id, "responsible_unit_id"),
        due_on=body.due_on,
    )
    return _session(request, session_id)


@router.delete(
    "/sessions/{session_id}/entries/{project_id}",
    response={200: SessionOut, **ERRORS},
    summary="移出调度项目",
)
def entry_remove(request, session_id: Id, project_id: Id):
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    entry = session.entries.filter(project_id=project_id).first()
    if entry is None:
        raise AccessDenied()
    services.dispatch_entry_remove(actor=request.user, entry_id=entry.pk)
    return _session(request, session_id)


class CoverageQuery(Schema):
    level: Text(10) | None = None
    period: Text(10) | None = None  # 2026-Q3 (city) or 2026-09 (county); default: the current one


def _coverage_row(p) -> dict:
    return {**project_ref(p), "stage": p.stage_then, "last_dispatched": p.last_dispatched}


@router.get(
    "/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="调度覆盖检查：本期未调度的审批、在建项目（seeds/002 季调度/月调度）",
)
def coverage(request, q: Query[CoverageQuery]):
    _government(request)
    level = q.level if q.level in DispatchLevel.values else DispatchLevel.CITY
    today = timezone.localdate()
    period = parse_period(q.period, level=level, default=period_of(level, today))
    cov = selectors.dispatch_coverage(user=request.user, level=level, period=period, today=today)
    return {
        "level": level,
        "period": period.param,
        "period_label": period.label,
        "as_of": cov.as_of,
        "population": [_coverage_row(p) for p in cov.population],
        "covered": [_coverage_row(p) for p in cov.covered],
        "missing": [_coverage_row(p) for p in cov.missing],
    }


# -- consultations -----------------------------------------------------------------------------


def consultation_out(c) -> dict:
    return {
        "id": c.pk,
        "held_on": c.held_on,
        "participants": c.participants,
        "fits_city_plan": c.fits_city_plan,
        "fits_park_positioning": c.fits_park_positioning,
        "fits_industry_policy": c.fits_industry_policy,
        "conclusion": c.conclusion,
        "conclusion_label": c.get_conclusion_display(),
        "opinion": c.opinion,
    }


@router.get(
    "/projects/{project_id}/consultations",
    response={200: list[ConsultationOut], **ERRORS},
    summary="项目的准入落地会商记录",
)
def consultation_list(request, project_id: Id):
    project = project_selectors.project_get_for_user(user=request.user, project_id=project_id)
    return [consultation_out(c) for c in selectors.project_consultations(project)]


@router.post(
    "/projects/{project_id}/consultations",
    response={201: ConsultationOut, **ERRORS},
    summary="登记准入落地会商（签约前；结论为“同意”方可签约）",
)
def consultation_record(request, project_id: Id, body: ConsultationIn):
    project = project_selectors.project_get_for_user(user=request.user, project_id=project_id)
    c = services.consultation_record(actor=request.user, project_id=project.pk, **body.model_dump())
    return Status(201, consultation_out(c))


# -- inspections -------------------------------------------------------------------------------


def draw_out(d, *, items=None) -> dict:
    return {
        "id": d.pk,
        "quarter": quarter_of(d.quarter).param,
        "seed": d.seed,
        "seed_source": d.seed_source,
        "population": d.population,
        "sample_size": d.sample_size,
        "drawn": d.drawn,
        "python_version": d.python_version,
        "drawn_at": d.drawn_at,
        "items": [
            {
                "position": it.position,
                "project": project_ref(it.project),
                "inspected_on": it.inspected_on,
                "site_checked": it.site_checked,
                "permits_checked": it.permits_checked,
                "result": it.result,
                "finding": it.finding,
                "rectification": it.rectification,
            }
            for it in (items or [])
        ],
    }


def _require_inspections(request) -> None:
    if not can_read_inspections(request.user):
        raise Forbidden("无权查看季度抽查")


@router.get("/inspections", response={200: list[DrawOut], **ERRORS}, summary="签约项目季度抽查列表")
def draw_list(request):
    _require_inspections(request)
    return [draw_out(d) for d in selectors.draws_for_user(user=request.user)]


@router.post(
    "/inspections",
    response={201: DrawOut, **ERRORS},
    summary="抽取本季度抽查项目（10%向上取整、至少1个；以记录的种子可复算）",
)
def draw_create(request, body: DrawIn):
    d = services.inspection_draw(
        actor=request.user, quarter=body.quarter, seed=body.seed, seed_source=body.seed_source
    )
    return Status(201, draw_out(d, items=selectors.draw_items(d)))


@router.get("/inspections/{draw_id}", response={200: DrawOut, **ERRORS}, summary="季度抽查详情")
def draw_detail(request, draw_id: Id):
    _require_inspections(request)
    d = selectors.draw_get_for_user(user=request.user, draw_id=draw_id)
    return draw_out(d, items=selectors.draw_items(d))


@router.put(
    "/inspections/{draw_id}/projects/{project_id}",
    response={200: DrawOut, **ERRORS},
    summary="登记抽中项目的检查情况",
)
def inspection_record(request, draw_id: Id, project_id: Id, body: InspectionIn):
    _require_inspections(request)
    d = selectors.draw_get_for_user(user=request.user, draw_id=draw_id)
    item = d.items.filter(project_id=project_id).first()
    if item is None:
        raise AccessDenied()
    services.inspection_record(actor=request.user, item_id=item.pk, **body.model_dump())
    return draw_out(d, items=selectors.draw_items(d))


# -- the leaders' digest -----------------------------------------------------------------------


class DigestQuery(Schema):
    leader_id: Id | None = None  # the city-wide roles name the leader; a leader reads their own
    month: Month | None = None  # default: last month


@router.get(
    "/leader-digest",
    response={200: DigestOut, **ERRORS},
    summary="市领导联系重点项目月报（seeds/004 江山）",
)
def leader_digest(request, q: Query[DigestQuery]):
    if not (can_read_leader_digests(request.user) or digests.is_digest_leader(request.user)):
        raise Forbidden("只有市领导本人及统筹协调、督查人员可以查看领导月报")
    leader = digests.digest_leader_for_user(user=request.user, leader_id=q.leader_id)
    today = timezone.localdate()
    month = digests.last_month(today)
    if q.month:
        year, m = (int(x) for x in q.month.split("-"))
        if not (2020 <= year <= 2099 and 1 <= m <= 12):
            raise InvalidInput("月份格式应为 YYYY-MM", field="month")
        month = date(year, m, 1)
    d = digests.leader_digest(leader=leader, month=month_of(month).start, user=request.user)
    return {
        "leader": ref(d.leader),
        "month": f"{d.month:%Y-%m}",
        "total_plan": d.total_plan,
        "total_ytd": d.total_ytd,
        "ratio": d.ratio,
        "rows": [
            {
                "project": project_ref(r.project),
                "stage": r.project.stage,
                "annual_plan": r.annual_plan,
                "month_investment": r.month_investment,
                "ytd_investment": r.ytd_investment,
                "progress_class": r.progress_class,
                "image_progress": r.image_progress,
                "breakthroughs": r.breakthroughs,
                "problems": [
                    {"code": p.code, "title": p.title, "status": p.status, "opened_on": p.opened_on}
                    for p in r.problems
                ],
            }
            for r in d.rows
        ],
        "lagging": [r.project.pk for r in d.lagging],
    }
