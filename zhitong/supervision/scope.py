"""Whose objects the supervision office sees (SPEC "Data scope"; seeds/000 三).

The city's supervision office (市政府督查室) supervises every unit. A county's supervision
office (各县(市)区政府督查室, seeds/000 三) supervises its own county or park: a supervisor
whose unit lies inside a county or park unit (in the demo city the county's 政府督查室 is a
section of the county, e.g. GLQ-DCS under GLQ) sees only the objects of that county's units.
The link from a county office to its county is the unit tree itself — no new column: the
nearest ancestor (or the unit itself) of kind county or park.
"""

from __future__ import annotations

from zhitong.organizations import capabilities as can
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import county_of, county_supervision_root

__all__ = ["county_of", "supervised_county", "supervised_unit_ids", "unit_in_scope"]


def supervised_county(user) -> Unit | None:
    """The county whose supervision office `user` works for; None for the city's office and
    for the other city-wide readers (overseer, hub, admin). The rule lives with the data
    scope every app uses (organizations.selectors.county_supervision_root)."""
    if not can.issues_rectification_orders(user):
        return None
    return county_supervision_root(user)


def supervised_unit_ids(user) -> set[int] | None:
    """Unit ids whose objects `user` supervises: None = every unit (the city's office, the
    overseer, the hub, the admin), a county's subtree for a county office, the empty set for
    anyone who reads no supervision list."""
    if not can.reads_supervision(user):
        return set()
    county = supervised_county(user)
    if county is None:
        return None
    return set(Unit.objects.filter(path__startswith=county.path).values_list("id", flat=True))


def unit_in_scope(user, unit_id: int | None) -> bool:
    ids = supervised_unit_ids(user)
    return unit_id is not None and (ids is None or unit_id in ids)
