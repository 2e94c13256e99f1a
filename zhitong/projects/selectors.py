"""Reads for projects, filtered by the user's data scope (SPEC "Users and roles").

- hub, supervisor, overseer, admin: every project;
- city leaders: projects they are responsible for (包挂领导) and projects led by, located
  in, or served by (below) their portfolio (分管) units and sub-units;
- clerks, handlers, unit heads: projects their unit's subtree leads (牵头), hosts (落地),
  helps (帮办), supervises (督办), cooperates on (协办) or serves on the team of — the unit
  roles of `ProjectMember` still running (`until` empty); seeds/003 二(二)4;
- a person on a project's team (butler, secretary, chief service person, agent) while
  serving: that project;
- enterprise users: their own enterprise's projects.

One list selector (`project_list_for_user`) with the filters of the library: the page, its
.xlsx export and the API read it through the same filter form (`forms.ProjectFilterForm`).
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhitong.core.scope import get_in_scope, scoped
from zhitong.organizations.capabilities import is_city_leader
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import outsider_scope_q, user_scope_unit_ids

from .models import MemberRole, Milestone, Project, ProjectMember, ProjectStage

# The team roles held by a unit (as opposed to a person): a unit holding one of them, still
# serving, sees the project (seeds/003 二(二)4 帮办/督办/协办; seeds/002 1+1+N).
UNIT_ROLES = (
    MemberRole.HELPER_UNIT,
    MemberRole.SUPERVISOR_UNIT,
    MemberRole.COOPERATOR_UNIT,
    MemberRole.TEAM_UNIT,
)


def project_scope_q(user) -> Q | None:
    """The Q a Project queryset is filtered by for `user`; None = no restriction."""
    outsider = outsider_scope_q(user, enterprise_field="owner_id")
    if outsider is not None:
        return outsider
    ids = user_scope_unit_ids(user)
    if ids is None:
        return None
    current = ProjectMember.objects.filter(project_id=OuterRef("pk"), until__isnull=True)
    q = Q(lead_unit_id__in=ids) | Q(location_id__in=ids) | Exists(current.filter(user=user))
    if ids:
        q |= Exists(current.filter(unit_id__in=ids))
    if is_city_leader(user):
        q |= Q(leader=user)
    # The roadmap (projects/roadmap): a milestone's agent (代办员, seeds/002 代办帮办) and the
    # staff of its responsible unit see its project, so they can record its completion.
    q |= Q(
        pk__in=Milestone.objects.filter(Q(agent=user) | Q(responsible_unit_id__in=ids)).values("project_id")
    )
    return q


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("owner", "location", "lead_unit", "leader")


def projects_for_user(user) -> QuerySet[Project]:
    """Every project `user` may see (no filter, no order)."""
    return scoped(_projects(), project_scope_q(user))


def project_list_for_user(
    *,
    user,
    q: str | None = None,
    stage: str | None = None,
    level: str | None = None,
    category: str | None = None,
    location_id: int | None = None,
    lead_unit_id: int | None = None,
    leader_id: int | None = None,
    green_channel: bool | None = None,
    owner_id: int | None = None,
) -> QuerySet[Project]:
    """The projects `user` may see, filtered: `q` searches the code, the name and the owner's
    name or credit code; `location_id` includes the unit's sub-units (a park under a county);
    None (or "") leaves a filter out. Ordered by code."""
    qs = projects_for_user(user)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(owner__name__icontains=q)
            | Q(owner__credit_code__icontains=q)
        )
    if stage:
        qs = qs.filter(stage=stage)
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category=category)
    if location_id:
        path = Unit.objects.filter(pk=location_id).values_list("path", flat=True).first()
        qs = qs.filter(location__path__startswith=path) if path else qs.none()
    if lead_unit_id:
        qs = qs.filter(lead_unit_id=lead_unit_id)
    if leader_id:
        qs = qs.filter(leader_id=leader_id)
    if green_channel is not None:
        qs = qs.filter(green_channel=green_channel)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs.order_by("code", "id")


def project_stage_counts(qs: QuerySet[Project]) -> dict[str, int]:
    """{stage: number of projects} of `qs` (the list with every filter but the stage), every
    stage present; each count links to the list filtered by that stage and equals its length."""
    found = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    return {s: found.get(s, 0) for s in ProjectStage.values}


def owner_visible(user, project: Project) -> bool:
    """Whether `user` may open the project's owner enterprise (its page links to it)."""
    from zhitong.enterprises.models import Enterprise
    from zhitong.enterprises.selectors import enterprise_scope_q

    return scoped(Enterprise.objects.filter(pk=project.owner_id), enterprise_scope_q(user)).exists()


def enterprises_with_projects_q(unit_ids: set[int]) -> Q:
    """On Enterprise: the owners of the projects these units lead, host or serve (unit roles
    still running) — registered into the enterprise scope of unit staff (apps.ready;
    enterprises.selectors.register_unit_scope_extension), so the owner of a project a unit
    sees is an enterprise it sees."""
    served = ProjectMember.objects.filter(role__in=UNIT_ROLES, unit_id__in=unit_ids, until__isnull=True)
    projects = Project.objects.filter(
        Q(lead_unit_id__in=unit_ids) | Q(location_id__in=unit_ids) | Q(pk__in=served.values("project_id"))
    )
    return Q(pk__in=projects.values("owner_id"))


def project_get_for_user(*, user, project_id: int) -> Project:
    """One project in the user's scope, or AccessDenied (same for missing and not yours)."""
    return get_in_scope(_projects(), project_scope_q(user), project_id)


# The label of a stage change that is not a move of the table: a project entered into the
# library by an import at the stage the sheet gives (services.library.project_import_stage).
IMPORT_ACTION = "import"
IMPORT_LABEL = "导入登记"


def project_stage_history(project: Project) -> list:
    """The project's dated stage changes, oldest first, with their labels (one query)."""
    from .machines import STAGE
    from .models import ProjectStageChange

    rows = list(
        ProjectStageChange.objects.filter(project=project).select_related("actor").order_by("at", "id")
    )
    for row in rows:
        move = STAGE.moves.get(row.action)
        row.label = move.label if move else IMPORT_LABEL if row.action == IMPORT_ACTION else row.action
        row.from_label = ProjectStage(row.from_stage).label if row.from_stage else ""
        row.to_label = ProjectStage(row.to_stage).label
    return rows
