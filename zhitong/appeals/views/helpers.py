"""Choice lists for the pages' forms (units, leaders, categories) and the intake form's
enterprise picker. Reads of appeals themselves — filters, counts, merge targets,
objections — are in appeals/selectors.py."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from zhitong.common.forms import id_or_none, search_text
from zhitong.organizations.capabilities import can_register_appeals, can_triage
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User

from ..models import Category


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


def lead_unit_filter_choices() -> list[tuple[int, str]]:
    """The lead-unit filter's choices: the units that can lead, then those no longer active
    — their old appeals must still be listable (a count linking to `?lead_unit=` of a
    closed unit would otherwise list everything)."""
    inactive = (
        Unit.objects.filter(is_active=False)
        .exclude(kind__in=[UnitKind.SECTION, UnitKind.CONGRESS, UnitKind.SUPERVISION])
        .order_by("sort_order", "code")
        .values_list("pk", "name")
    )
    return unit_choices() + [(pk, _("%(name)s（已停用）") % {"name": name}) for pk, name in inactive]


def receiving_unit_choices() -> list[tuple[int, str]]:
    """Every unit that may have received an appeal (首问单位): a section's clerk registers
    too, and a unit closed since keeps the appeals it received."""
    return list(Unit.objects.order_by("sort_order", "code").values_list("pk", "name"))


def leader_choices() -> list[tuple[int, str]]:
    rows = (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .order_by("id")
        .values_list("pk", "full_name", "username", "position")
    )
    return [(pk, f"{full or user}{f'（{pos}）' if pos else ''}") for pk, full, user, pos in rows]


def category_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))


def enterprise_search(q: str, *, limit: int = 15):
    """Intake's enterprise picker: every active enterprise by name or credit code.

    Deliberately wider than the enterprise list's scope: under first-inquiry
    responsibility (seeds/003 四) whoever receives an enterprise's matter registers it,
    whichever district the enterprise is in. Only the name, credit code and location are
    shown — public registry facts."""
    import re

    from zhitong.enterprises.models import Enterprise

    q = search_text(q)
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

    pk = id_or_none(enterprise_id)
    if pk is None:
        return None
    return Enterprise.objects.select_related("location").filter(pk=pk, is_active=True).first()


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


def page_links(user) -> dict:
    """Whether to show the intake and triage links (the views check again)."""
    return {"can_intake": can_register_appeals(user), "can_triage": can_triage(user)}


class CountedPaginator(Paginator):
    """A paginator told the list's length (from the cached counts, appeals/counters.py)
    instead of counting the list again; its page's rows are fetched by id (selectors.appeal_page_ids)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
