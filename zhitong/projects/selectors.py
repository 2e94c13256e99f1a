"""Reads for projects, filtered by the user's data scope (SPEC "Users and roles").

- hub, supervisor, overseer, admin: every project;
- city leaders: projects they are responsible for (包挂领导) and projects led by or
  located in their portfolio (分管) units and sub-units;
- clerks, handlers, unit heads: projects led by or located in their unit's subtree;
- enterprise users: their own enterprise's projects.
"""

from django.db.models import Q, QuerySet

from zhitong.core.scope import filter_given, get_in_scope, scoped
from zhitong.organizations.capabilities import is_city_leader
from zhitong.organizations.selectors import outsider_scope_q, user_scope_unit_ids

from .models import Milestone, Project


def project_scope_q(user) -> Q | None:
    """The Q a Project queryset is filtered by for `user`; None = no restriction."""
    outsider = outsider_scope_q(user, enterprise_field="owner_id")
    if outsider is not None:
        return outsider
    ids = user_scope_unit_ids(user)
    if ids is None:
        return None
    q = Q(lead_unit_id__in=ids) | Q(location_id__in=ids)
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


def project_list_for_user(
    *, user, q: str | None = None, stage: str | None = None, level: str | None = None
) -> QuerySet[Project]:
    qs = scoped(_projects(), project_scope_q(user))
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(owner__name__icontains=q))
    return filter_given(qs, stage=stage, level=level).order_by("code")


def project_get_for_user(*, user, project_id: int) -> Project:
    """One project in the user's scope, or AccessDenied (same for missing and not yours)."""
    return get_in_scope(_projects(), project_scope_q(user), project_id)


def project_stage_history(project: Project) -> list:
    """The project's dated stage changes, oldest first, with their labels (one query)."""
    from .machines import STAGE
    from .models import ProjectStage, ProjectStageChange

    rows = list(
        ProjectStageChange.objects.filter(project=project).select_related("actor").order_by("at", "id")
    )
    for row in rows:
        move = STAGE.moves.get(row.action)
        row.label = move.label if move else row.action
        row.from_label = ProjectStage(row.from_stage).label if row.from_stage else ""
        row.to_label = ProjectStage(row.to_stage).label
    return rows
