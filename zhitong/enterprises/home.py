"""Home panel (common.panels protocol): the enterprise library's keepers are told how many
enterprises added at intake wait for their review (issue 9); the count links to the queue
and is counted by the selector that lists it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import keeps_enterprise_library

from .selectors import enterprise_review_queue


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not keeps_enterprise_library(user):
        return []
    pending = enterprise_review_queue(user=user).count()
    if not pending:
        return []
    return [
        HomePanel(
            title=_("待核实企业"),
            template="enterprises/_home_review.html",
            order=40,
            counts=(
                HomeCount(_("登记诉求时新增，待核实"), pending, reverse("enterprises:review"), "yellow"),
            ),
        )
    ]
