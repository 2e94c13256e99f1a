"""Writes of dispatch sessions, admission consultations and quarterly inspections. Each is
atomic, checks who may make it, and writes an audit event (catalog: project.dispatch_*,
project.consultation_record, project.inspection_*)."""

from __future__ import annotations

import platform
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.forms import has_visible_text
from zhitong.common.transitions import retrying
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput
from zhitong.organizations.capabilities import (
    can_draw_inspections,
    can_record_dispatch,
    handles_unit_matters,
    is_hub,
)
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import unit_subtree_ids, user_scope_unit_ids

from ..machines import HUB, LEAD, project_relations
from ..models import STAGE_ORDER, Project, ProjectStage
from . import draw as drawing
from .models import (
    AdmissionConsultation,
    ConsultationConclusion,
    DispatchEntry,
    DispatchLevel,
    DispatchSession,
    InspectionDraw,
    InspectionItem,
    InspectionResult,
)
from .periods import period_of, quarter_of

COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.PARK)


def _text(value, message: str, field: str) -> str:
    value = (value or "").strip()
    if not has_visible_text(value):
        raise InvalidInput(message, field=field)
    return value


def _day(value, field: str, today: date, label: str) -> date:
    if value is None:
        raise InvalidInput(f"请填写{label}", field=field)
    if value > today:
        raise InvalidInput(f"{label}不能晚于今天（{today:%Y-%m-%d}）", field=field)
    return value


# -- dispatch sessions ---------------------------------------------------------------------------


def county_of(unit: Unit | None) -> Unit | None:
    """The county or park a unit belongs to (itself, or the nearest one above it)."""
    node = unit
    while node is not None:
        if node.kind in COUNTY_KINDS:
            return node
        node = node.parent
    return None


def may_record_session(user, *, level: str, county: Unit | None) -> bool:
    """The hub records every session; a county's handlers and unit heads its own monthly
    sessions (seeds/002: 市旗两级 — each level keeps its own dispatch)."""
    if not can_record_dispatch(user):
        return False
    if is_hub(user):
        return True
    if level != DispatchLevel.COUNTY or county is None or not handles_unit_matters(user):
        return False
    ids = user_scope_unit_ids(user)
    return ids is not None and county.pk in ids


def _check_convener(level: str, convener: User | None, county: Unit | None) -> None:
    """City sessions are convened by a city leader; a county's by its principal leader
    (区长/县长/管委会主任) or the head of the county's government."""
    if convener is None or not convener.is_active:
        raise InvalidInput("请选择主持领导", field="convener_id")
    if level == DispatchLevel.CITY:
        if convener.role != Role.LEADER or convener.leader_level == LeaderLevel.COUNTY_PRINCIPAL:
            raise InvalidInput("市级季调度须由市领导主持", field="convener_id")
        return
    in_county = convener.unit_id is not None and convener.unit_id in set(unit_subtree_ids(county))
    principal = convener.role == Role.LEADER and convener.leader_level == LeaderLevel.COUNTY_PRINCIPAL
    if not (in_county and (principal or convener.role == Role.UNIT_HEAD)):
        raise InvalidInput(f"县级月调度须由{county.display_name}的主要领导主持", field="convener_id")


def _session_snapshot(s: DispatchSession) -> dict:
    return {
        "level": s.level,
        "held_on": s.held_on,
        "period_start": s.period_start,
        "title": s.title,
        "convener_id": s.convener_id,
        "county_id": s.county_id,
        "place": s.place,
        "summary": s.summary,
    }


@transaction.atomic
def dispatch_session_create(
    *,
    actor: User,
    level: str,
    held_on: date | None,
    convener: User | None,
    county: Unit | None = None,
    title: str = "",
    place: str = "",
    summary: str = "",
    now: datetime | None = None,
) -> DispatchSession:
    """Record a held dispatch session. Its period (the quarter of a city session, the month
    of a county's) follows from the day it was held."""
    now = now or timezone.now()
    if level not in DispatchLevel.values:
        raise InvalidInput("请选择调度层级", field="level")
    if level == DispatchLevel.CITY:
        county = None
    elif county is None or county.kind not in COUNTY_KINDS:
        raise InvalidInput("县级月调度须选择县(市)区或园区", field="county_id")
    if not may_record_session(actor, level=level, county=county):
        raise Forbidden("只有统筹协调专员或本县(市)区、园区的承办人、单位负责人可以登记调度会")
    held_on = _day(held_on, "held_on", timezone.localdate(now), "调度日期")
    _check_convener(level, convener, county)
    period = period_of(level, held_on)
    if not (title or "").strip():
        where = "市级" if level == DispatchLevel.CITY else county.display_name
        kind = "季度" if level == DispatchLevel.CITY else "月度"
        title = f"{where}{period.label}重点项目{kind}调度会"
    session = DispatchSession.objects.create(
        level=level,
        held_on=held_on,
        period_start=period.start,
        title=title.strip()[:200],
        convener=convener,
        county=county,
        place=(place or "").strip()[:200],
        summary=(summary or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        action="project.dispatch_create", obj=session, actor=actor, after=_session_snapshot(session), now=now
    )
    return session


def _session_for_edit(session_id: int, actor: User) -> DispatchSession:
    session = (
        DispatchSession.objects.select_for_update(of=("self",))
        .select_related("county")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise AccessDenied()
    if not may_record_session(actor, level=session.level, county=session.county):
        raise Forbidden("只有登记该调度会的统筹协调专员或本县(市)区、园区的工作人员可以修改调度项目")
    return session


def dispatchable(session: DispatchSession):
    """The projects a session may dispatch: any project at the city's session; the projects
    located in the county (or park) at a county's."""
    qs = Project.objects.all()
    if session.level == DispatchLevel.COUNTY:
        qs = qs.filter(location_id__in=unit_subtree_ids(session.county))
    return qs


def _entry_snapshot(e: DispatchEntry) -> dict:
    return {
        "project_id": e.project_id,
        "progress": e.progress,
        "problems": e.problems,
        "decisions": e.decisions,
        "responsible_unit_id": e.responsible_unit_id,
        "due_on": e.due_on,
    }


@retrying
@transaction.atomic
def dispatch_entry_save(
    *,
    actor: User,
    session_id: int,
    project_id: int,
    decisions: str,
    progress: str = "",
    problems: str = "",
    responsible_unit: Unit | None = None,
    due_on: date | None = None,
    now: datetime | None = None,
) -> DispatchEntry:
    """Put a project on the session's record with the decision taken for it, or change the
    record of a project already on it (one row per project per session)."""
    now = now or timezone.now()
    session = _session_for_edit(session_id, actor)
    project = dispatchable(session).filter(pk=project_id).first()
    if project is None:
        raise InvalidInput("所选项目不存在或不在本县(市)区、园区", field="project_id")
    decisions = _text(decisions, "请填写调度意见", "decisions")
    if due_on is not None and due_on < session.held_on:
        raise InvalidInput("完成时限不能早于调度日期", field="due_on")
    entry = DispatchEntry.objects.select_for_update().filter(session=session, project=project).first()
    before = _entry_snapshot(entry) if entry else None
    if entry is None:
        entry = DispatchEntry(session=session, project=project, recorded_by=actor)
    entry.progress = (progress or "").strip()
    entry.problems = (problems or "").strip()
    entry.decisions = decisions
    entry.responsible_unit = responsible_unit
    entry.due_on = due_on
    after = _entry_snapshot(entry)
    if before == after:
        return entry
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same project recorded by someone else at the same moment
        raise ConflictError("该项目刚刚已被他人列入本次调度会，请刷新后重试")
    audit_record(
        action="project.dispatch_entry",
        obj=session,
        actor=actor,
        before=before,
        after={**after, "item_id": entry.pk},
        now=now,
    )
    return entry


@transaction.atomic
def dispatch_entry_remove(*, actor: User, entry_id: int, now: datetime | None = None) -> DispatchSession:
    now = now or timezone.now()
    entry = DispatchEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise AccessDenied()
    session = _session_for_edit(entry.session_id, actor)
    before = _entry_snapshot(entry)
    entry.delete()
    audit_record(action="project.dispatch_entry_remove", obj=session, actor=actor, before=before, now=now)
    return session


# -- the admission-and-landing consultation (准入落地会商, seeds/002) ----------------------------

CONSULTING_STAGES = (ProjectStage.RESERVE, ProjectStage.NEGOTIATION)


def may_record_consultation(user, project: Project) -> bool:
    """The project's lead unit (handlers, unit heads) and the hub, as for its stage moves."""
    return bool(project_relations(user, project) & {HUB, LEAD})


@retrying
@transaction.atomic
def consultation_record(
    *,
    actor: User,
    project_id: int,
    held_on: date | None,
    participants: str,
    fits_city_plan: bool,
    fits_park_positioning: bool,
    fits_industry_policy: bool,
    conclusion: str,
    opinion: str,
    now: datetime | None = None,
) -> AdmissionConsultation:
    """Record a consultation held before signing (seeds/002: 及时研判招商引资重点项目是否符合
    城市发展规划、园区产业定位和产业政策). 同意 only when all three are met."""
    now = now or timezone.now()
    project = Project.objects.select_for_update(of=("self",)).filter(pk=project_id).first()
    if project is None:
        raise AccessDenied()
    if not may_record_consultation(actor, project):
        raise Forbidden("只有项目牵头单位或统筹协调专员可以登记准入落地会商")
    if project.stage not in CONSULTING_STAGES:
        raise ConflictError("项目已签约，准入落地会商须在签约前进行")
    held_on = _day(held_on, "held_on", timezone.localdate(now), "会商日期")
    participants = _text(participants, "请填写参加会商的单位", "participants")
    opinion = _text(opinion, "请填写会商意见", "opinion")
    if conclusion not in ConsultationConclusion.values:
        raise InvalidInput("请选择会商结论", field="conclusion")
    fits = (bool(fits_city_plan), bool(fits_park_positioning), bool(fits_industry_policy))
    if conclusion == ConsultationConclusion.AGREE and not all(fits):
        raise InvalidInput(
            "会商结论为“同意”的，项目须符合城市发展规划、园区产业定位和产业政策（seeds/002）",
            field="conclusion",
        )
    c = AdmissionConsultation.objects.create(
        project=project,
        held_on=held_on,
        participants=participants,
        fits_city_plan=fits[0],
        fits_park_positioning=fits[1],
        fits_industry_policy=fits[2],
        conclusion=conclusion,
        opinion=opinion,
        recorded_by=actor,
    )
    audit_record(
        action="project.consultation_record",
        obj=project,
        actor=actor,
        after={
            "item_id": c.pk,
            "held_on": held_on,
            "participants": participants,
            "fits_city_plan": fits[0],
            "fits_park_positioning": fits[1],
            "fits_industry_policy": fits[2],
            "conclusion": conclusion,
            "opinion": opinion,
        },
        now=now,
    )
    return c


# -- the quarterly random inspection (seeds/003 九(四)) ------------------------------------------

SIGNED_OR_LATER = [s for s in ProjectStage.values if STAGE_ORDER[s] >= STAGE_ORDER[ProjectStage.SIGNED]]


def inspection_population() -> list[str]:
    """The codes of the signed projects (signed or further on), sorted: what a draw made now
    would draw from."""
    return sorted(Project.objects.filter(stage__in=SIGNED_OR_LATER).values_list("code", flat=True))


@transaction.atomic
def inspection_draw(
    *, actor: User, quarter: date | None, seed: str, seed_source: str, now: datetime | None = None
) -> InspectionDraw:
    """Draw the quarter's projects with the recorded seed (draw.py). One draw per quarter:
    a second would let anyone draw until the sample suits them."""
    now = now or timezone.now()
    if not can_draw_inspections(actor):
        raise Forbidden("只有统筹协调专员可以抽取季度抽查项目")
    current = quarter_of(timezone.localdate(now))
    if quarter is None:
        raise InvalidInput("请选择抽查季度", field="quarter")
    quarter = quarter_of(quarter).start
    if quarter not in (current.start, current.previous().start):
        raise InvalidInput("只能抽取本季度或上一季度的抽查项目", field="quarter")
    seed = _text(seed, "请填写随机种子", "seed")
    if len(seed) > 100:
        raise InvalidInput("随机种子最多 100 个字", field="seed")
    seed_source = _text(seed_source, "请说明随机种子的来源", "seed_source")[:200]
    if InspectionDraw.objects.filter(quarter=quarter).exists():
        raise ConflictError(f"{quarter_of(quarter).label}已抽取过抽查项目，不能重新抽取")
    population = inspection_population()
    if not population:
        raise ConflictError("目前没有已签约的项目，无法抽取")
    codes = drawing.draw(seed, population)
    try:
        with transaction.atomic():
            d = InspectionDraw.objects.create(
                quarter=quarter,
                seed=seed,
                seed_source=seed_source,
                population=population,
                sample_size=len(codes),
                drawn=codes,
                python_version=platform.python_version(),
                drawn_by=actor,
                drawn_at=now,
            )
    except IntegrityError:  # two draws of the same quarter at once: the other one stands
        raise ConflictError(f"{quarter_of(quarter).label}已抽取过抽查项目，不能重新抽取")
    by_code = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
    InspectionItem.objects.bulk_create(
        [InspectionItem(draw=d, project_id=by_code[c], position=i) for i, c in enumerate(codes, start=1)]
    )
    audit_record(
        action="project.inspection_draw",
        obj=d,
        actor=actor,
        after={
            "quarter": quarter,
            "seed": seed,
            "seed_source": seed_source,
            "population_size": len(population),
            "sample_size": len(codes),
            "drawn": codes,
        },
        now=now,
    )
    return d


@retrying
@transaction.atomic
def inspection_record(
    *,
    actor: User,
    item_id: int,
    inspected_on: date | None,
    site_checked: bool,
    permits_checked: bool,
    result: str,
    finding: str,
    rectification: str = "",
    now: datetime | None = None,
) -> InspectionItem:
    """Record (or correct) the inspection of one drawn project: the site seen, the permits
    checked (seeds/003 九(四): 查看施工经营现场、查验各项手续的办理批文), the result."""
    now = now or timezone.now()
    if not can_draw_inspections(actor):
        raise Forbidden("只有统筹协调专员可以登记抽查情况")
    item = (
        InspectionItem.objects.select_for_update(of=("self",))
        .select_related("draw")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise AccessDenied()
    inspected_on = _day(inspected_on, "inspected_on", timezone.localdate(now), "检查日期")
    if inspected_on < item.draw.quarter:
        raise InvalidInput("检查日期不能早于抽查季度", field="inspected_on")
    if result not in InspectionResult.values:
        raise InvalidInput("请选择检查结论", field="result")
    finding = _text(finding, "请填写检查情况", "finding")
    rectification = (rectification or "").strip()
    if result == InspectionResult.ISSUES and not has_visible_text(rectification):
        raise InvalidInput("检查发现问题的，请填写整改要求", field="rectification")
    fields = ("inspected_on", "site_checked", "permits_checked", "result", "finding", "rectification")
    before = {f: getattr(item, f) for f in fields} if item.recorded_at else None
    item.inspected_on = inspected_on
    item.site_checked = bool(site_checked)
    item.permits_checked = bool(permits_checked)
    item.result = result
    item.finding = finding
    item.rectification = rectification
    after = {f: getattr(item, f) for f in fields}
    if before == after:
        return item
    item.recorded_by = actor
    item.recorded_at = now
    item.save()
    audit_record(
        action="project.inspection_record",
        obj=item.draw,
        actor=actor,
        before=before,
        after={**after, "item_id": item.pk, "project_id": item.project_id},
        now=now,
    )
    return item
