"""Home panel (common.panels protocol): the hub's work of the enterprise portal — withdrawn
appeals awaiting the call-back (撤单质检) and first contacts to confirm as their enterprise's
principal. Each count links to its list and is counted by the selector that lists it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import is_hub

from .selectors import hub_pending_principals, withdrawals_awaiting_callback


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not is_hub(user):
        return []
    callbacks = withdrawals_awaiting_callback(user).count()
    principals = hub_pending_principals(user).count()
    if not callbacks and not principals:
        return []
    return [
        HomePanel(
            title=_("企业直通门户"),
            template="eportal/_home_hub.html",
            order=35,
            counts=(
                HomeCount(
                    _("撤回诉求待回访"),
                    callbacks,
                    reverse("eportal:hub_withdrawals"),
                    "yellow",
                    key="callbacks",
                ),
                HomeCount(
                    _("企业负责联系人待确认"), principals, reverse("eportal:hub_contacts"), key="principals"
                ),
            ),
        )
    ]
