"""Home panels (common.panels protocol): the government promises overdue, due soon and waiting
for the hub's write-off check (seeds/002 限期办理销号); an enterprise's contact sees how many valid
policies match its enterprise (seeds/002 惠企政策宣传解读), linking to that list, counted by
the list's own selector."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import is_enterprise_user, is_hub

from .selectors import policies_for_enterprise


def home_panels(user, *, today: date) -> list[HomePanel]:
    return _policy_panels(user, today) + _promise_panels(user, today)


def _promise_panels(user, today: date) -> list[HomePanel]:
    """The hub and the responsible units: overdue promises (lit red, like appeals) and, for
    the hub, the write-offs waiting for its check; each count is its list's length."""
    from .promises import keeps_promises, promises_for_user

    if not keeps_promises(user):
        return []
    base = reverse("public:promises")
    counts = [
        HomeCount(
            _("政府承诺超期"),
            promises_for_user(user=user, light="red", today=today).count(),
            f"{base}?light=red",
            tone="red",
            key="promises-overdue",
            light="red",
        ),
        HomeCount(
            _("政府承诺临期"),
            promises_for_user(user=user, light="yellow", today=today).count(),
            f"{base}?light=yellow",
            tone="yellow",
            key="promises-yellow",
            light="yellow",
        ),
    ]
    if is_hub(user):
        counts.append(
            HomeCount(
                _("政府承诺待核销"),
                promises_for_user(user=user, status="submitted", today=today).count(),
                f"{base}?status=submitted",
                key="promises-submitted",
            )
        )
    if not any(c.value for c in counts):
        return []
    return [
        HomePanel(title=_("政府承诺"), template="public/_home_promises.html", order=65, counts=tuple(counts))
    ]


def _policy_panels(user, today: date) -> list[HomePanel]:
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
