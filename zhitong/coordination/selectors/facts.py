"""Reads of the counting facts and of the hub's monthly certifications (seeds/000 五(二))."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from zhitong.core.errors import AccessDenied
from zhitong.core.scope import get_in_scope
from zhitong.organizations.models import Unit

from ..choices import FactStanding
from ..models import CoordinationFact, FactCertification
from ..services._common import month_start


def facts_for(
    *, month: date | None = None, unit: Unit | None = None, counted: bool | None = None
) -> QuerySet[CoordinationFact]:
    """The facts of a month (and unit); `counted=True`: only those that count (a county
    principal's meeting's once certified, seeds/000 五(二)1), as the scorecards read them."""
    qs = CoordinationFact.objects.select_related("meeting", "unit", "project", "enterprise")
    if counted:
        qs = qs.counted()
    if month is not None:
        qs = qs.filter(month=month_start(month))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


@dataclass
class CertificationRow:
    """One unit's month of county principal's meetings: its certification and its facts by
    where they stand (each count is the length of its list)."""

    certification: FactCertification
    facts: dict[str, list[CoordinationFact]] = field(default_factory=dict)

    def of(self, standing: str) -> list[CoordinationFact]:
        return self.facts.get(standing, [])

    @property
    def counted(self) -> list[CoordinationFact]:
        return self.of(FactStanding.COUNTED)

    @property
    def awaiting_certification(self) -> list[CoordinationFact]:
        return self.of(FactStanding.AWAITING_CERTIFICATION)

    @property
    def awaiting_evidence(self) -> list[CoordinationFact]:
        return self.of(FactStanding.AWAITING_EVIDENCE)


def certification_rows(*, month: date, facts: list[CoordinationFact] | None = None) -> list[CertificationRow]:
    """The month's certifications, each with its unit's facts that need it. Pass `facts`
    (the month's `facts_for`, meetings selected) when already read."""
    month = month_start(month)
    if facts is None:
        facts = list(facts_for(month=month))
    rows = {
        c.unit_id: CertificationRow(c)
        for c in FactCertification.objects.filter(month=month).select_related("unit", "certified_by")
    }
    for f in facts:
        row = rows.get(f.unit_id)
        if row is not None and f.needs_certification:
            row.facts.setdefault(f.standing, []).append(f)
    return sorted(rows.values(), key=lambda r: (r.certification.unit.path, r.certification.pk))


def certification_get_for_user(*, user, certification_id: int) -> FactCertification:
    """A certification, for those who read the counting facts (404 for anyone else and for
    one that does not exist)."""
    from ..permissions import can_read_facts

    if not can_read_facts(user):
        raise AccessDenied()
    return get_in_scope(FactCertification.objects.select_related("unit"), None, certification_id)
