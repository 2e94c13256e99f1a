"""Reads of the counting facts."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from zhitong.organizations.models import Unit

from ..models import CoordinationFact
from ..services._common import month_start


def facts_for(*, month: date | None = None, unit: Unit | None = None) -> QuerySet[CoordinationFact]:
    qs = CoordinationFact.objects.select_related("meeting", "unit", "project", "enterprise")
    if month is not None:
        qs = qs.filter(month=month_start(month))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs
