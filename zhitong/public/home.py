"""Home panel (common.panels protocol): an enterprise's contact sees how many valid
policies match its enterprise (seeds/002 惠企政策宣传解读), linking to that list, counted by
the list's own selector."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import is_enterprise_user

from .selectors import policies_for_enterprise


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not is_enterprise_user(user) or not user.enterprise_id:
        return []
    rows = policies_for_enterprise(enterprise=user.enterprise, today=today)
    return [
        HomePanel(
            title=_("惠企政策"),
            template="public/_home_policies.html",
            context={"public_policies": rows[:5]},
            order=60,
            counts=(
                HomeCount(_("适合本企业的政策"), len(rows), reverse("public:my_policies"), key="policies"),
            ),
        )
    ]
