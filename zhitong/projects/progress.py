# INTEGRATION PLACEHOLDER: replaced by the progress part at merge
"""The progress figures of a project (investment this month and year to date, the progress
class 超前 / 正常 / 滞后 / 无进展, seeds/004 江山). The progress part of issue 10 provides the
real module; this placeholder only fixes the names and signatures the leaders' digest calls,
so that the digest's tests (which monkeypatch these functions) run before the merge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models


class ProgressClass(models.TextChoices):
    AHEAD = "ahead", "超前"
    NORMAL = "normal", "正常"
    LAGGING = "lagging", "滞后"
    STALLED = "stalled", "无进展"


@dataclass(frozen=True)
class ProgressSummary:
    month_investment: Decimal | None
    ytd_investment: Decimal | None
    annual_plan: Decimal
    ytd_ratio: Decimal | None
    progress_class: str
    problems_open: int
    latest_report: Any


def month_investment(project, month: date) -> Decimal | None:
    return None


def ytd_investment(project, month: date) -> Decimal | None:
    return None


def progress_class(project, month: date) -> ProgressClass:
    return ProgressClass.STALLED


def progress_summaries(projects, month: date) -> dict[int, ProgressSummary]:
    return {
        p.pk: ProgressSummary(
            month_investment=None,
            ytd_investment=None,
            annual_plan=p.annual_investment,
            ytd_ratio=None,
            progress_class=ProgressClass.STALLED,
            problems_open=0,
            latest_report=None,
        )
        for p in projects
    }
