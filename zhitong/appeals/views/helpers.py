"""Thin queries the pages need that the selectors do not offer (yet): choice lists for
forms, and a few extra workbench filters. No rule about appeals is decided here — every
filter is a plain column condition on a queryset the selector has already scoped.

# TODO(apd): the filters marked "thin" could move into appeals/selectors.py
# (appeal_list_for_user) so the API offers them too.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User

from ..choices import OPEN_STATUSES, ExemptionStatus, Status
from ..models import Appeal, Category, Cooperation

# Who opens the triage queue: the roles `selectors.triage_queue` serves (hub; supervisors
# and admins read-only). Used only to show or hide a link.
TRIAGE_ROLES = frozenset({Role.HUB, Role.SUPERVISOR, Role.ADMIN})

PRE_SIGN_STATUSES = (Status.MATERIALS_PENDING, Status.SUBMITTED, Status.ASSIGNED, Status.TRANSFER_REQUESTED)


def unit_choices() -> list[tuple[int, str]]:
    """Units that can lead or cooperate on an appeal: departments, counties, parks,
    associations and the city government — not sections (an appeal is led by a unit)."""
    rows = (
        Unit.objects.filter(is_active=True)
        .exclude(kind__in=[UnitKind.SECTION, UnitKind.CONGRESS, UnitKind.SUPERVISION])
        .order_by("sort_order", "code")
        .values_list("pk", "name")
    )
    return list(rows)


def leader_choices() -> list[tuple[int, str]]:
    rows = (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .order_by("id")
        .values_list("pk", "full_name", "username", "position")
    )
    return [(pk, f"{full or user}{f'（{pos}）' if pos else ''}") for pk, full, user, pos in rows]


def merge_target_choices(*, appeal) -> list[tuple[int, str]]:
    """Open appeals of the same enterprise this one could be merged into (the service
    re-checks the target)."""
    rows = (
        Appeal.objects.filter(enterprise_id=appeal.enterprise_id, status__in=OPEN_STATUSES)
        .exclude(pk=appeal.pk)
        .exclude(status=Status.MERGED)
        .order_by("-received_at")
        .values_list("pk", "code", "title")[:50]
    )
    return [(pk, f"{code} {title}") for pk, code, title in rows]


def category_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))


def filter_received_between(qs: QuerySet, date_from: date | None, date_to: date | None) -> QuerySet:
    """thin: received between two local dates, inclusive."""
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs


def filter_pending(qs: QuerySet, pending: str | None, *, user) -> QuerySet:
    """thin: the workbench's "待办" shortcuts, each a plain column condition."""
    if pending == "extension":
        return qs.filter(extension_requested_due__isnull=False, status__in=OPEN_STATUSES)
    if pending == "exemption":
        return qs.filter(exemption_status=ExemptionStatus.REQUESTED)
    if pending == "cooperation":
        from zhitong.organizations.selectors import user_scope_unit_ids

        units = user_scope_unit_ids(user)
        coops = Cooperation.objects.filter(appeal_id=OuterRef("pk"), answered_at__isnull=True)
        if units is not None:
            coops = coops.filter(unit_id__in=units)
        return qs.filter(Exists(coops), status__in=OPEN_STATUSES)
    if pending == "follow":
        return qs.filter(received_by_id=user.pk, status__in=PRE_SIGN_STATUSES)
    return qs


def status_counts(qs: QuerySet) -> dict[str, int]:
    """Counts per status in one GROUP BY."""
    out = {s: 0 for s in Status.values}
    for row in qs.order_by().values("status").annotate(n=Count("id")):
        out[row["status"]] = row["n"]
    return out


def pending_counts(qs: QuerySet, *, user) -> dict[str, int]:
    """The home pages' to-do numbers for the user's scope, in one aggregate query."""
    from zhitong.organizations.selectors import user_scope_unit_ids

    units = user_scope_unit_ids(user)
    coops = Cooperation.objects.filter(appeal_id=OuterRef("pk"), answered_at__isnull=True)
    if units is not None:
        coops = coops.filter(unit_id__in=units)
    open_q = Q(status__in=OPEN_STATUSES)
    return qs.aggregate(
        open=Count("id", filter=open_q),
        submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
        materials_pending=Count("id", filter=Q(status=Status.MATERIALS_PENDING)),
        assigned=Count("id", filter=Q(status=Status.ASSIGNED)),
        transfer_requested=Count("id", filter=Q(status=Status.TRANSFER_REQUESTED)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
        escalated=Count("id", filter=Q(status=Status.ESCALATED)),
        resolved=Count("id", filter=Q(status=Status.RESOLVED)),
        verified=Count("id", filter=Q(status=Status.VERIFIED)),
        problem=Count("id", filter=open_q & Q(is_problem=True)),
        extension=Count("id", filter=open_q & Q(extension_requested_due__isnull=False)),
        exemption=Count("id", filter=Q(exemption_status=ExemptionStatus.REQUESTED)),
        cooperation=Count("id", filter=open_q & Q(Exists(coops))),
        follow=Count("id", filter=Q(received_by_id=user.pk, status__in=PRE_SIGN_STATUSES)),
    )


def enterprise_search(q: str, *, limit: int = 15):
    """Intake's enterprise picker: every active enterprise by name or credit code.

    Deliberately wider than the enterprise list's scope: under first-inquiry
    responsibility (seeds/003 四) whoever receives an enterprise's matter registers it,
    whichever district the enterprise is in. Only the name, credit code and location are
    shown — public registry facts."""
    import re

    from zhitong.enterprises.models import Enterprise

    q = (q or "").strip()
    if not q:
        return []
    cond = Q(name__icontains=q)
    if re.fullmatch(r"[0-9A-Za-z]{4,18}", q):
        cond |= Q(credit_code__icontains=q)
    return list(
        Enterprise.objects.filter(cond, is_active=True)
        .select_related("location")
        .order_by("name", "id")[:limit]
    )


def enterprise_by_id(enterprise_id):
    from zhitong.enterprises.models import Enterprise

    try:
        return (
            Enterprise.objects.select_related("location")
            .filter(pk=int(enterprise_id), is_active=True)
            .first()
        )
    except (TypeError, ValueError):
        return None


def projects_of(enterprise_id) -> list:
    from zhitong.projects.models import Project

    if not enterprise_id:
        return []
    return list(Project.objects.filter(owner_id=enterprise_id).order_by("code").only("pk", "code", "name"))


def primary_contact(enterprise_id):
    from zhitong.enterprises.models import Contact

    if not enterprise_id:
        return None
    return Contact.objects.filter(enterprise_id=enterprise_id).order_by("-is_primary", "id").first()


def latest_objections(appeal_ids) -> dict[int, str]:
    """The reason of the latest objection (退回) of each appeal, for the triage queue."""
    from ..models import Transition

    out: dict[int, str] = {}
    rows = Transition.objects.filter(appeal_id__in=list(appeal_ids), action="object").order_by(
        "appeal_id", "at", "id"
    )
    for t in rows.values("appeal_id", "note", "actor_unit__name"):
        out[t["appeal_id"]] = f"{t['actor_unit__name'] or ''}：{t['note']}"
    return out


def page_links(user) -> dict:
    """Whether to show the intake and triage links (the views check again)."""
    from .. import services

    return {"can_intake": user.role in services.INTAKE_ROLES, "can_triage": user.role in TRIAGE_ROLES}
