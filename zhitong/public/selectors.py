"""Reads of the public side. Nothing here returns a person's data beyond what a service
window publishes (seeds/003 三): no staff phone, no account, no enterprise contact."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from zhitong.core.errors import AccessDenied
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import ServiceWindow, Unit
from zhitong.organizations.selectors import DIRECTORY_KINDS, user_scope_unit_ids

from .choices import CommitmentStatus, EnterpriseSize, PolicyTag
from .machine import keeps_unit_catalog
from .models import CommitmentItem, Policy

# -- the committed limit of an appeal (registered with appeals.deadlines in apps.py) ------------


def committed_limit(*, category_id: int, lead_unit_id: int) -> tuple[int, str] | None:
    """seeds/003 五、六.1: the lead unit's published commitment for the appeal's category;
    the shortest when several apply (the enterprise holds the unit to its best promise).
    A section answers under its department's catalog, so the unit's ancestors count too."""
    unit = Unit.objects.filter(pk=lead_unit_id).only("path").first()
    if unit is None:
        return None
    ancestor_ids = [int(x) for x in unit.path.strip("/").split("/") if x.isdigit()] or [lead_unit_id]
    item = (
        CommitmentItem.objects.filter(
            category_id=category_id, unit_id__in=ancestor_ids, status=CommitmentStatus.PUBLISHED
        )
        .select_related("unit")
        .order_by("committed_days", "id")
        .first()
    )
    if item is None:
        return None
    return (
        item.committed_days,
        f"服务承诺：{item.unit.name}“{item.title}”承诺{item.committed_days}个工作日办结",
    )


# -- the directory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowEntry:
    window: ServiceWindow
    items: list[CommitmentItem]


def public_directory(*, q: str | None = None) -> list[tuple[str, str, list[WindowEntry]]]:
    """[(kind, label, entries)]: each published window with the services its unit handles
    (its published catalog items). Three queries whatever the number of windows."""
    qs = (
        ServiceWindow.objects.filter(is_public=True, unit__is_active=True)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "unit__commitment_items",
                queryset=CommitmentItem.objects.filter(status=CommitmentStatus.PUBLISHED).order_by(
                    "title", "id"
                ),
                to_attr="published_items",
            )
        )
        .order_by("unit__sort_order", "unit__code")
    )
    if q:
        qs = qs.filter(
            Q(unit__name__icontains=q)
            | Q(unit__short_name__icontains=q)
            | Q(unit__duties__icontains=q)
            | Q(section_name__icontains=q)
            | Q(
                unit__commitment_items__title__icontains=q,
                unit__commitment_items__status=CommitmentStatus.PUBLISHED,
            )
        ).distinct()
    groups: OrderedDict[str, list[WindowEntry]] = OrderedDict((k.value, []) for k in DIRECTORY_KINDS)
    for w in qs:
        groups.setdefault(w.unit.kind, []).append(WindowEntry(w, w.unit.published_items))
    return [(kind, UnitKind(kind).label, es) for kind, es in groups.items() if es]


# -- the catalog ------------------------------------------------------------------------------


def published_catalog(*, unit_id: int | None = None, q: str | None = None) -> QuerySet[CommitmentItem]:
    """The published items, by unit (the public page, the public API, the export)."""
    qs = CommitmentItem.objects.filter(
        status=CommitmentStatus.PUBLISHED, unit__is_active=True
    ).select_related("unit", "category")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q) | Q(materials__icontains=q))
    return qs.order_by("unit__sort_order", "unit__code", "title", "id")


def catalog_units() -> QuerySet[Unit]:
    """The units that publish at least one item (the catalog's unit filter)."""
    return (
        Unit.objects.filter(is_active=True, commitment_items__status=CommitmentStatus.PUBLISHED)
        .distinct()
        .order_by("sort_order", "code")
    )


def catalog_for_user(*, user, status: str = "", unit_id: int | None = None) -> QuerySet[CommitmentItem]:
    """Every item (any state) the user keeps: the hub all, unit staff their units'."""
    from zhitong.organizations.capabilities import is_hub, is_unit_staff

    qs = CommitmentItem.objects.select_related("unit", "category")
    if not is_hub(user):
        if not is_unit_staff(user):
            return qs.none()
        scope = user_scope_unit_ids(user)
        qs = qs.filter(unit_id__in=scope or [])
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("unit__sort_order", "unit__code", "title", "id")


def keeps_any_catalog(user) -> bool:
    from zhitong.organizations.capabilities import keeps_service_commitments

    return keeps_service_commitments(user)


def catalog_units_for_user(*, user) -> QuerySet[Unit]:
    """The units whose catalog the user keeps (the form's unit choices)."""
    from zhitong.organizations.capabilities import is_hub

    qs = Unit.objects.filter(is_active=True).order_by("sort_order", "code")
    if is_hub(user):
        return qs
    scope = user_scope_unit_ids(user)
    return qs.filter(pk__in=scope or [])


def commitment_get_for_user(*, user, item_id: int) -> CommitmentItem:
    """One item the user keeps; 404 alike for missing and not-yours."""
    item = CommitmentItem.objects.select_related("unit", "category").filter(pk=item_id).first()
    if item is None or not keeps_unit_catalog(user, item.unit_id):
        raise AccessDenied()
    return item


# -- policies ---------------------------------------------------------------------------------


def policies_public(
    *, industry: str = "", size: str = "", tag: str = "", q: str = "", today: date | None = None
) -> list[Policy]:
    """Published policies; a filter keeps those for that industry/size/tag or for everyone
    (an empty list means the policy applies to every enterprise). One query; the list
    filters are applied in memory, since JSON list containment differs across databases
    (SQLite has none) and the library holds hundreds of policies, not millions."""
    qs = Policy.objects.filter(is_published=True)
    if today:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(issuer__icontains=q))
    wanted = (("industries", industry), ("sizes", size), ("tags", tag))
    return [
        p
        for p in qs.order_by("-issued_on", "-id")
        if all(not value or not getattr(p, name) or value in getattr(p, name) for name, value in wanted)
    ]


def enterprise_profile(enterprise) -> tuple[str, set[str], set[str]]:
    """(industry, sizes, tags) of an enterprise in the policies' terms."""
    from zhitong.enterprises.models import SIZE_FLAGS, TAG_FLAGS

    sizes = {f for f in SIZE_FLAGS if getattr(enterprise, f)}
    if not sizes & {EnterpriseSize.ABOVE_SCALE, EnterpriseSize.ABOVE_QUOTA}:
        sizes.add(EnterpriseSize.SMALL.value)
    tags = {f for f in TAG_FLAGS if getattr(enterprise, f) and f in PolicyTag.values}
    return enterprise.industry, sizes, tags


def policy_matches(policy: Policy, enterprise) -> bool:
    industry, sizes, tags = enterprise_profile(enterprise)
    return (
        (not policy.industries or industry in policy.industries)
        and (not policy.sizes or bool(sizes & set(policy.sizes)))
        and (not policy.tags or bool(tags & set(policy.tags)))
    )


def policies_for_enterprise(*, enterprise, today: date) -> list[Policy]:
    """The valid published policies that match the enterprise's industry, size and tags
    (seeds/002: 打通涉企政策沟通"最后一公里"). One query; matched in memory, since JSON
    list containment differs across databases."""
    return [p for p in policies_public(today=today) if policy_matches(p, enterprise)]


# -- the status lookup ------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupAnswer:
    code: str
    stage: str
    deadline_label: str
    due: date | None
    hint: str


def appeal_status_lookup(*, code: str, credit_code: str) -> LookupAnswer | None:
    """The public stage and the one deadline the enterprise waits for, for an appeal code
    and its enterprise's credit code; None for a wrong pair and a missing appeal alike (no
    enumeration). Nothing else: no title, no text, no person."""
    from zhitong.appeals.enterprise_selectors import enterprise_deadline, stage_of
    from zhitong.appeals.models import Appeal

    code, credit_code = (code or "").strip().upper(), (credit_code or "").strip().upper()
    if not code or not credit_code:
        return None
    appeal = Appeal.objects.filter(code=code, enterprise__credit_code=credit_code).first()
    if appeal is None:
        return None
    deadline = enterprise_deadline(appeal)
    return LookupAnswer(
        code=appeal.code,
        stage=str(stage_of(appeal.status).label),
        deadline_label=str(deadline.label),
        due=deadline.due,
        hint=str(deadline.hint),
    )
