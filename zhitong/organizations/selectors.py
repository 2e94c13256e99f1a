"""Reads for units, service windows and people — and the data scope every app uses.

Scope (SPEC "Users and roles"): a user sees what their unit and its sub-units lead,
cooperate on, received or supervise; leaders see their portfolio; supervisors, the hub,
the People's Congress overseer and admins see all; enterprises see only their own.
`user_scope_unit_ids` turns that into a set of unit ids (or None for "all") that each
app's `*_for_user` selector filters by, so the query layer — not a template — decides.
"""

from collections import OrderedDict

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from zhitong.core.errors import AccessDenied

from .capabilities import is_city_leader, is_enterprise_user, is_unit_staff, sees_whole_city
from .choices import LeaderLevel, Role, UnitKind
from .models import ServiceWindow, Unit, User, WindowStaff


def unit_subtree_ids(unit: Unit) -> list[int]:
    """The unit and all its descendants: one prefix query on the materialised path."""
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))


def _subtree_q(units) -> Q:
    q = Q(pk__in=[])
    for u in units:
        q |= Q(path__startswith=u.path)
    return q


def scope_root(unit: Unit) -> Unit:
    """The unit whose subtree a member of `unit` sees. Staff of a section (科室) work for
    its department: an appeal is led by the department, not by the section, so a section's
    staff see from the nearest ancestor that is not a section."""
    while unit.kind == UnitKind.SECTION and unit.parent_id:
        unit = unit.parent
    return unit


COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.PARK)


def county_of(unit: Unit | None) -> Unit | None:
    """The county or park `unit` belongs to (itself included), or None (a city unit)."""
    if unit is None:
        return None
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    if not ids:
        return None
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind__in=COUNTY_KINDS)}
    for pk in reversed(ids):
        if pk in found:
            return found[pk]
    return None


def county_supervision_root(user) -> Unit | None:
    """The county (or park) whose supervision office `user` works for, or None.

    seeds/000 三: 市政府督查室 supervises the city; 各县(市)区政府督查室 督查落实 in their own county.
    A supervisor whose unit lies inside a county or park unit (the county's 政府督查室 is a
    section under it) sees that county's subtree only, everywhere: lists, details, counts.
    Cached on the user object (one query per request)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != Role.SUPERVISOR:
        return None
    if not user.unit_id:
        return None
    cached = getattr(user, "_zt_supervised_county", False)
    if cached is False:
        cached = county_of(user.unit)
        user._zt_supervised_county = cached
    return cached


def user_sees_all(user) -> bool:
    """The whole city is in the user's scope: the city-wide roles
    (capabilities.sees_whole_city) except a county's supervision office, whose scope is its
    county (county_supervision_root)."""
    return sees_whole_city(user) and county_supervision_root(user) is None


NO_ROWS = Q(pk__in=[])


def outsider_scope_q(user, *, enterprise_field: str) -> Q | None:
    """Where every data scope starts: nothing for an anonymous or inactive user, their own
    enterprise's rows (named by `enterprise_field`) for an enterprise user. None for anyone
    else: their role and unit decide (each app's `*_scope_q`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROWS
    if is_enterprise_user(user):
        return Q(**{enterprise_field: user.enterprise_id}) if user.enterprise_id else NO_ROWS
    return None


def user_scope_unit_ids(user) -> set[int] | None:
    """Unit ids in the user's scope; None means the whole city.

    - hub, the city's supervision office, overseer, admin (and superusers): None;
    - a county's supervision office: the county's subtree (county_supervision_root);
    - leader: the units of their portfolio (分管) and their subtrees — the mayor's
      portfolio is the city government itself, which is the whole tree;
    - clerk, handler, unit head: their unit's subtree (from the department, for section staff);
    - enterprise users and anyone else: the empty set.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user_sees_all(user):
        return None
    county = county_supervision_root(user)
    if county is not None:
        return set(unit_subtree_ids(county))
    if is_city_leader(user):
        roots = list(user.portfolio.all())
        if not roots:
            return set()
        return set(Unit.objects.filter(_subtree_q(roots)).values_list("id", flat=True))
    if is_unit_staff(user) and user.unit_id:
        return set(unit_subtree_ids(scope_root(user.unit)))
    return set()


def unit_list(*, kind: str | None = None, active_only: bool = True) -> QuerySet[Unit]:
    """All units (the organisation chart is public information), tree order by path."""
    qs = Unit.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("sort_order", "code")


def unit_list_for_user(*, user) -> QuerySet[Unit]:
    """Units inside the user's scope."""
    ids = user_scope_unit_ids(user)
    qs = Unit.objects.filter(is_active=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("sort_order", "code")


def unit_get_for_user(*, user, unit_id: int) -> Unit:
    """A unit in the user's scope, or AccessDenied (same error for missing and not yours)."""
    ids = user_scope_unit_ids(user)
    if ids is not None and unit_id not in ids:
        raise AccessDenied()
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise AccessDenied()
    return unit


def unit_get_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def unit_tree(*, active_only: bool = True) -> list[dict]:
    """The whole organisation as nested dicts {unit, children: [...]}, siblings in
    sort order. Built from one query."""
    units = list(unit_list(active_only=active_only))
    nodes = {u.pk: {"unit": u, "children": []} for u in units}
    roots = []
    for u in units:
        node = nodes[u.pk]
        parent = nodes.get(u.parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


def unit_depth(unit: Unit) -> int:
    return max(unit.path.count("/") - 2, 0)


# The directory groups windows in this order (seeds/000 一: departments first, then
# counties and the park, then the association).
DIRECTORY_KINDS = [
    UnitKind.CITY_GOVERNMENT,
    UnitKind.DEPARTMENT,
    UnitKind.COUNTY,
    UnitKind.PARK,
    UnitKind.ASSOCIATION,
    UnitKind.SUPERVISION,
    UnitKind.CONGRESS,
    UnitKind.OTHER,
    UnitKind.SECTION,
]


def service_window_list(*, q: str | None = None) -> list[ServiceWindow]:
    """Published windows (一键启动, seeds/003 三) with their staff, in directory order."""
    qs = (
        ServiceWindow.objects.filter(is_public=True, unit__is_active=True)
        .select_related("unit")
        .prefetch_related(Prefetch("staff", queryset=WindowStaff.objects.order_by("sort_order", "id")))
        .order_by("unit__sort_order", "unit__code")
    )
    if q:
        qs = qs.filter(
            Q(unit__name__icontains=q)
            | Q(unit__short_name__icontains=q)
            | Q(unit__duties__icontains=q)
            | Q(section_name__icontains=q)
            | Q(staff__name__icontains=q)
            | Q(staff__duties__icontains=q)
        ).distinct()
    return list(qs)


def service_window_of(unit_id: int | None) -> ServiceWindow | None:
    """The unit's published window (seeds/003 一: the leader, section and phone each unit
    publishes for enterprises), or None: the contact an enterprise is given for a unit."""
    if not unit_id:
        return None
    return ServiceWindow.objects.filter(unit_id=unit_id, is_public=True).first()


def service_window_directory(*, q: str | None = None) -> list[tuple[str, str, list[ServiceWindow]]]:
    """[(kind, kind label, windows)] for the public directory, empty groups left out."""
    groups: OrderedDict[str, list[ServiceWindow]] = OrderedDict((k.value, []) for k in DIRECTORY_KINDS)
    for w in service_window_list(q=q):
        groups.setdefault(w.unit.kind, []).append(w)
    return [(kind, UnitKind(kind).label, ws) for kind, ws in groups.items() if ws]


LEADER_LEVEL_RANK = {
    LeaderLevel.COUNTY_PRINCIPAL: 0,
    LeaderLevel.VICE_MAYOR: 1,
    LeaderLevel.EXECUTIVE_VICE_MAYOR: 2,
    LeaderLevel.MAYOR: 3,
    "": 4,
}


def leaders_for_unit(unit: Unit, *, include_county_principals: bool = False) -> QuerySet[User]:
    """Leaders whose portfolio (分管) covers `unit` — the unit itself or an ancestor —
    the one in charge first: the most specific portfolio unit wins (the vice mayor in
    charge of 工信局 before the mayor, whose portfolio is the whole city), then the lower
    level. Escalations go to city leaders (seeds/000 二: 分管副市长、市长), so county
    principals are left out unless asked for."""
    ancestor_ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    depth = {pk: i for i, pk in enumerate(ancestor_ids)}
    qs = User.objects.filter(role=Role.LEADER, is_active=True, portfolio__in=ancestor_ids)
    if not include_county_principals:
        qs = qs.exclude(leader_level=LeaderLevel.COUNTY_PRINCIPAL)
    best: dict[int, tuple] = {}
    for user_id, level, unit_id in qs.values_list("id", "leader_level", "portfolio"):
        key = (-depth[unit_id], LEADER_LEVEL_RANK.get(level, 4), user_id)
        best[user_id] = min(best.get(user_id, key), key)
    ordered = sorted(best, key=best.__getitem__)
    if not ordered:
        return User.objects.none()
    return User.objects.filter(pk__in=ordered).order_by(
        Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ordered)], output_field=IntegerField())
    )


def user_list_for_unit(*, unit: Unit, role: str | None = None, subtree: bool = False) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True)
    qs = qs.filter(unit__path__startswith=unit.path) if subtree else qs.filter(unit=unit)
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("id")
