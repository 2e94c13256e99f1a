"""Home panel (common.panels protocol): the appeal figures of the signed-in user's scope for
the staff home pages (clerk, handler, unit head, hub), read through the selectors, so every
number matches the workbench list its link opens. A data-only panel: the role's page lays
out `appeals_home` itself (portal/home_<role>.html)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhitong.common.panels import HomePanel
from zhitong.organizations.capabilities import takes_first_inquiry
from zhitong.organizations.choices import Role

from . import selectors
from .choices import OPEN_STATUSES
from .views import helpers


def appeals_figures(user, *, today: date, urgent: int = 8, mine: bool = False) -> dict:
    """Lights and pending counts of the user's scope, and the most urgent appeals (`mine`:
    the ones they registered, newest first, instead of the open ones by due date)."""
    scoped = selectors.appeal_list_for_user(user=user, today=today)
    lights = selectors.appeal_light_counts(scoped.filter(status__in=OPEN_STATUSES), today)
    listing = selectors.appeal_list_for_user(
        user=user, open_only=not mine, mine=mine, order="received" if mine else "due", today=today
    )
    return {
        "lights": lights,
        "pending": selectors.appeal_pending_counts(scoped, user=user),
        "urgent": list(listing[:urgent]),
        "workbench": reverse("appeals:workbench"),
        "today": today,
        **helpers.page_links(user),
    }


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not takes_first_inquiry(user):
        return []
    # Page layout, not access: the clerk's page follows what the clerk registered.
    clerk = user.role == Role.CLERK
    figures = appeals_figures(user, today=today, urgent=10 if clerk else 8, mine=clerk)
    return [HomePanel(title="诉求", context={"appeals_home": figures}, order=20)]
