"""The supervision app's home panels (common.panels): the office's three lists and its orders
for supervisors, the late and unreported problems and the month's findings for the People's
Congress, the open orders addressed to a unit for its staff. Every figure is counted with its
list's own query (selectors.supervision_list, selectors.order_filter, the findings filter)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations import capabilities as can

from . import selectors


def supervision_counts(
    user, *, today: date, for_congress: bool = False, month: date | None = None
) -> list[HomeCount]:
    lists = {key: selectors.supervision_list(user=user, key=key, today=today) for key in selectors.LISTS}

    def items(key, label, tone=""):
        return HomeCount(
            label,
            lists[key].home_total(user, today),
            reverse("supervision:items", args=[key]),
            tone=tone,
            key=f"supervision_{key}",
        )

    counts = [
        items("overdue", _("超期未办结（解决不及时）"), "red"),
        items("unreported", _("问题不上报"), "red"),
    ]
    if for_congress:
        month = month or today.replace(day=1)
        findings = selectors.findings_for_user(user).filter(month=month)
        counts.append(
            HomeCount(
                _("本月督查监督发现"),
                findings.count(),
                reverse("supervision:findings") + f"?month={month:%Y-%m}",
                key="supervision_findings",
            )
        )
        return counts
    counts.append(items("stalled", _("久拖不动"), "yellow"))
    orders = selectors.orders_for_user(user)
    for status, label, tone in (
        ("open", _("督促整改中"), ""),
        ("red", _("整改超期"), "red"),
        ("reported", _("整改待核验"), ""),
    ):
        counts.append(
            HomeCount(
                label,
                selectors.order_filter(orders, status=status, today=today).count(),
                reverse("supervision:orders") + f"?status={status}",
                tone=tone,
                key=f"supervision_orders_{status}",
            )
        )
    return counts


def home_panels(user, *, today: date) -> list[HomePanel]:
    if can.is_overseer(user):
        return [
            HomePanel(
                title=_("人大监督：解决不及时与不上报"),
                template="supervision/_home_panel.html",
                context={"supervision_link": reverse("supervision:congress")},
                counts=tuple(supervision_counts(user, today=today, for_congress=True)),
                order=20,
            )
        ]
    if can.issues_rectification_orders(user):
        return [
            HomePanel(
                title=_("督查督办"),
                template="supervision/_home_panel.html",
                context={"supervision_link": reverse("supervision:list")},
                counts=tuple(supervision_counts(user, today=today)),
                order=20,
            )
        ]
    if can.is_unit_staff(user):
        orders = selectors.order_filter(selectors.orders_for_user(user), status="open", today=today)
        n = orders.count()
        if n:
            return [
                HomePanel(
                    title=_("督促整改"),
                    template="supervision/_home_panel.html",
                    context={"supervision_link": ""},
                    counts=(
                        HomeCount(
                            _("本单位待整改的督促整改通知"),
                            n,
                            reverse("supervision:orders") + "?status=open",
                            tone="red",
                            key="supervision_unit_orders",
                        ),
                    ),
                    order=15,
                )
            ]
    return []
