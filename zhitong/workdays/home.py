"""Home panel (common.panels protocol): tells the administrator (and the hub) which years
still lack the official holiday schedule, so deadlines in them are provisional."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomePanel
from zhitong.organizations.capabilities import can_view_calendar


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not can_view_calendar(user):
        return []
    from .services import missing_years

    missing = missing_years(today)
    if not missing:
        return []
    return [
        HomePanel(
            title=_("工作日历"),
            template="workdays/_home_missing.html",
            context={"workdays_missing_years": missing},
            order=10,
        )
    ]
