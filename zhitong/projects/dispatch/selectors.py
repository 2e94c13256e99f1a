"""Reads of dispatch sessions, their coverage, consultations and inspections, scoped by the
user (the projects' own scope, selectors.project_scope_q)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q, QuerySet

from zhitong.core.errors import AccessDenied
from zhitong.core.scope import get_in_scope, scoped
from zhitong.organizations.capabilities import can_read_inspections, is_government_user
from zhitong.organizations.selectors import NO_ROWS, user_scope_unit_ids, user_sees_all

from ..models import Project, ProjectLevel, ProjectStage, ProjectStageChange
from ..selectors import project_list_for_user, project_scope_q
from .models import AdmissionConsultation, DispatchEntry, DispatchLevel, DispatchSession, InspectionDraw
from .periods import Period

# seeds/002: the dispatch hears the investors of key projects, above all those under
# construction; the coverage check asks it of every project in approval or construction.
DISPATCHED_STAGES = (ProjectStage.APPROVAL, ProjectStage.CONSTRUCTION)
# The city's quarterly dispatch covers the city's major and key projects; a county's
# monthly dispatch every project located in it.
CITY_LEVELS = (ProjectLevel.CITY_MAJOR, ProjectLevel.KEY)


# -- sessions ------------------------------------------------------------------------------------


def session_scope_q(user) -> Q | None:
    """Whole-city roles see every session; others those they convened or recorded, those of
    a county in their scope, and those that dispatched a project in their scope."""
    if user_sees_all(user):  # not a county's supervision office (its county only)
        return None
    if not is_government_user(user):
        return NO_ROWS
    q = Q(convener_id=user.pk) | Q(recorded_by_id=user.pk)
    ids = user_scope_unit_ids(user)
    if ids:
        q |= Q(county_id__in=ids)
    projects = scoped(Project.objects.all(), project_scope_q(user)).values("pk")
    q |= Q(pk__in=DispatchEntry.objects.filter(project_id__in=projects).values("session_id"))
    return q


def session_list_for_user(*, user, level: str | None = None) -> QuerySet[DispatchSession]:
    qs = scoped(
        DispatchSession.objects.select_related("convener", "county").annotate(entry_count=Count("entries")),
        session_scope_q(user),
    )
    if level in DispatchLevel.values:
        qs = qs.filter(level=level)
    return qs.order_by("-held_on", "-id")


def session_get_for_user(*, user, session_id: int) -> DispatchSession:
    return get_in_scope(
        DispatchSession.objects.select_related("convener", "county", "recorded_by"),
        session_scope_q(user),
        session_id,
    )


def session_entries(session: DispatchSession) -> list[DispatchEntry]:
    return list(
        session.entries.select_related("project", "project__location", "responsible_unit").order_by(
            "project__code"
        )
    )


# -- coverage ------------------------------------------------------------------------------------


def stages_on(projects: list[Project], day: date) -> dict[int, str]:
    """Each project's stage on `day`, from its dated history (one query): the stage its last
    change on or before `day` reached; before its first change, the stage it left then; a
    project without history (imported in its stage) is in its current stage."""
    out: dict[int, str] = {}
    before_first: dict[int, str] = {}
    rows = (
        ProjectStageChange.objects.filter(project_id__in=[p.pk for p in projects])
        .order_by("project_id", "on", "at", "id")
        .values_list("project_id", "on", "from_stage", "to_stage")
    )
    for pid, on, from_stage, to_stage in rows:
        if on <= day:
            out[pid] = to_stage
        elif pid not in out and pid not in before_first:
            before_first[pid] = from_stage
    return {p.pk: out.get(p.pk) or before_first.get(p.pk) or p.stage for p in projects}


@dataclass
class Coverage:
    """The projects a period's dispatch at one level should have covered (`population`),
    those it did (`covered`) and those it missed (`missing`); `as_of` is the day the stages
    were read on (the period's last day, or today while it runs)."""

    level: str
    period: Period
    as_of: date
    population: list[Project] = field(default_factory=list)
    covered: list[Project] = field(default_factory=list)
    missing: list[Project] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return DispatchLevel(self.level).label


def dispatch_coverage(*, user, level: str, period: Period, today: date) -> Coverage:
    """seeds/002 季调度/月调度 (seeds/004 毕节 一月一通报、一季一督查): which projects in
    approval or construction in the user's scope no session of `level` dispatched in
    `period` — the city's quarter or a county's month. Each project carries `stage_then`
    (its stage on `as_of`) and `last_dispatched` (its latest session at this level)."""
    as_of = min(period.end, today)
    qs = project_list_for_user(user=user)
    if level == DispatchLevel.CITY:
        qs = qs.filter(level__in=CITY_LEVELS)
    candidates = list(qs)
    stages = stages_on(candidates, as_of)
    population = [p for p in candidates if stages[p.pk] in DISPATCHED_STAGES]
    ids = [p.pk for p in population]
    covered_ids = set(
        DispatchEntry.objects.filter(
            project_id__in=ids, session__level=level, session__period_start=period.start
        ).values_list("project_id", flat=True)
    )
    last = dict(
        DispatchEntry.objects.filter(project_id__in=ids, session__level=level)
        .values("project_id")
        .annotate(last=Max("session__held_on"))
        .values_list("project_id", "last")
    )
    for p in population:
        p.stage_then = ProjectStage(stages[p.pk]).label
        p.last_dispatched = last.get(p.pk)
    return Coverage(
        level=level,
        period=period,
        as_of=as_of,
        population=population,
        covered=[p for p in population if p.pk in covered_ids],
        missing=[p for p in population if p.pk not in covered_ids],
    )


# -- a project's page ----------------------------------------------------------------------------


def project_consultations(project: Project) -> list[AdmissionConsultation]:
    return list(
        AdmissionConsultation.objects.filter(project=project)
        .select_related("recorded_by")
        .order_by("-held_on", "-id")
    )


def project_dispatch_entries(project: Project) -> list[DispatchEntry]:
    """Every session that dispatched the project, latest first (the project page is already
    scoped: whoever sees the project sees the sessions that dispatched it)."""
    return list(
        DispatchEntry.objects.filter(project=project)
        .select_related("session", "session__convener", "session__county", "responsible_unit")
        .order_by("-session__held_on", "-id")
    )


def project_inspections(project: Project):
    from .models import InspectionItem

    return list(
        InspectionItem.objects.filter(project=project).select_related("draw").order_by("-draw__quarter")
    )


# -- inspections ---------------------------------------------------------------------------------


def draws_for_user(*, user) -> QuerySet[InspectionDraw]:
    """The quarterly draws: city-wide roles and city leaders read them (capabilities)."""
    if not can_read_inspections(user):
        return InspectionDraw.objects.none()
    return InspectionDraw.objects.annotate(
        recorded=Count("items", filter=Q(items__recorded_at__isnull=False))
    ).order_by("-quarter")


def draw_get_for_user(*, user, draw_id: int) -> InspectionDraw:
    if not can_read_inspections(user):
        raise AccessDenied()
    return get_in_scope(InspectionDraw.objects.select_related("drawn_by"), None, draw_id)


def draw_items(draw: InspectionDraw):
    return list(
        draw.items.select_related(
            "project", "project__location", "project__lead_unit", "recorded_by"
        ).order_by("position")
    )
