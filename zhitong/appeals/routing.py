"""Default lead unit for an appeal, from the routing rules (seeds/000 一(一)).

The rules live in the database (RoutingRule, editable in the admin, seeded by migration
0005). The hub sees the suggestion at triage and may override it with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhitong.organizations.models import Unit

from .models import RoutingRule


@dataclass(frozen=True)
class RoutingSuggestion:
    unit: Unit
    rule: RoutingRule


def _specificity(rule: RoutingRule) -> int:
    return sum(1 for x in (rule.category_id, rule.industry, rule.location_code) if x)


class RuleBook:
    """The active rules in the order they are tried, with their units: two queries,
    then any number of matches in memory."""

    def __init__(self):
        self.rules = sorted(
            RoutingRule.objects.filter(is_active=True),
            key=lambda r: (r.priority, -_specificity(r), r.pk),
        )
        codes = {r.lead_unit_code for r in self.rules if r.lead_unit_code}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)} if codes else {}

    def match(self, *, category, enterprise) -> RoutingSuggestion | None:
        """The first matching active rule whose unit exists (lowest priority number, then
        the most specific); a rule whose unit code is unknown is skipped, not an error."""
        location = getattr(enterprise, "location", None)
        category_id = getattr(category, "pk", category)
        for rule in self.rules:
            if rule.category_id and rule.category_id != category_id:
                continue
            if rule.industry and rule.industry != enterprise.industry:
                continue
            if rule.location_code and (location is None or location.code != rule.location_code):
                continue
            unit = location if rule.use_enterprise_location else self.units.get(rule.lead_unit_code)
            if unit is None or not unit.is_active:
                continue
            return RoutingSuggestion(unit=unit, rule=rule)
        return None


def suggest_lead_unit(*, category, enterprise) -> RoutingSuggestion | None:
    return RuleBook().match(category=category, enterprise=enterprise)


def routing_suggestions(appeals: Iterable) -> dict[int, RoutingSuggestion | None]:
    """The suggestion (unit and the rule that gave it) for each appeal, rules loaded once.
    The appeals need `category_id` and `enterprise` with its `location` loaded
    (selectors.appeals_for_user does that), or the lookups cost a query each."""
    book = RuleBook()
    return {a.pk: book.match(category=a.category_id, enterprise=a.enterprise) for a in appeals}


def suggest_lead_units(appeals: Iterable) -> dict[int, Unit | None]:
    """The suggested lead unit of each appeal (None where no rule matches), rules loaded once."""
    return {pk: (s.unit if s else None) for pk, s in routing_suggestions(appeals).items()}


def default_lead_unit(*, category, enterprise) -> Unit | None:
    s = suggest_lead_unit(category=category, enterprise=enterprise)
    return s.unit if s else None
