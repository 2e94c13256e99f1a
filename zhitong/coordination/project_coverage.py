"""The monthly coordination of a project in construction, on the project's page (seeds/004
绵阳: 坚持抓好在建项目…每月至少召开1次协调会). Projects sit below coordination and may not
import it, so this section is added to the page's list (projects.sections.SECTIONS) in
CoordinationConfig.ready. The rule is the meeting list's (selectors.projects_not_coordinated):
a month is covered when a meeting held (or planned) in it has an item of one of the
project's appeals."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.projects.models import ProjectStage
from zhitong.projects.sections import SECTIONS, Section

from .models import MeetingItem
from .selectors import meeting_list_for_user
from .services._common import next_month, prev_month

KEY = "coordination_coverage"
MONTHS = 6  # the months shown: since construction began, at most the last six


def _start(month: date) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1))


def coverage_months(project, today: date) -> list[date]:
    """The months to account for, oldest first: from the month construction began (when
    recorded), at most the last MONTHS, up to this month."""
    current = today.replace(day=1)
    first = current
    for _step in range(MONTHS - 1):
        first = prev_month(first)
    if project.stage_since:
        first = max(first, project.stage_since.replace(day=1))
    months = [first]
    while months[-1] < current:
        months.append(next_month(months[-1]))
    return months


def coverage_context(request, project, today: date) -> dict | None:
    if project.stage != ProjectStage.CONSTRUCTION:
        return None
    months = coverage_months(project, today)
    items = list(
        MeetingItem.objects.filter(
            appeal__project=project,
            meeting__held_at__gte=_start(months[0]),
            meeting__held_at__lt=_start(next_month(months[-1])),
        )
        .select_related("meeting", "meeting__convener")
        .order_by("meeting__held_at", "meeting_id")
    )
    meetings = list({i.meeting_id: i.meeting for i in items}.values())
    visible = set(
        meeting_list_for_user(user=request.user)
        .filter(pk__in=[m.pk for m in meetings])
        .values_list("pk", flat=True)
    )
    rows = []
    for month in months:
        held = [m for m in meetings if timezone.localdate(m.held_at).replace(day=1) == month]
        rows.append(
            {
                "month": month,
                # A meeting out of the user's scope still covers the month (the rule counts
                # it), but only its date is shown: its title and convener are not theirs to read.
                "meetings": [
                    {
                        "meeting": m if m.pk in visible else None,
                        "held_at": m.held_at,
                        "url": reverse("coordination:meeting_detail", args=[m.pk]) if m.pk in visible else "",
                    }
                    for m in held
                ],
            }
        )
    missing = [r["month"] for r in rows if not r["meetings"]]
    return {"rows": rows, "covered": len(rows) - len(missing), "missing": missing}


def register() -> None:
    """Called in CoordinationConfig.ready; idempotent."""
    if not any(s.key == KEY for s in SECTIONS):
        SECTIONS.append(
            Section(KEY, _("在建项目月度协调"), "coordination/_project_coverage.html", coverage_context)
        )
