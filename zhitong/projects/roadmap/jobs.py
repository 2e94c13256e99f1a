"""The roadmap clock (Celery beat via projects/tasks.py, or `zhitong roadmap_clock` in the
embedded mode and by hand): tells the agent and the lead unit of every open milestone that
is due soon (yellow) or overdue (red). The lights are the stored columns' (rules.light_q);
every notice is deduplicated (notices.notify_clock), so the job is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Milestone
from . import notices
from .rules import Light, light_q


@dataclass
class RoadmapClockReport:
    due_soon: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return f"推进节点临期提醒 {self.due_soon}，超期提醒 {self.overdue}"


def run_roadmap_clock(*, now: datetime | None = None) -> RoadmapClockReport:
    """Queue the due-soon and overdue notices of today (Asia/Shanghai); returns how many
    recipients were newly told of each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RoadmapClockReport()
    nodes = Milestone.objects.select_related("project")
    with transaction.atomic():
        for m in nodes.filter(light_q(Light.YELLOW, today)).order_by("pk"):
            report.due_soon += notices.notify_clock(milestone=m, light=Light.YELLOW, now=now)
        for m in nodes.filter(light_q(Light.RED, today)).order_by("pk"):
            report.overdue += notices.notify_clock(milestone=m, light=Light.RED, now=now)
    return report
