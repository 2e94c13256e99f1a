"""The order's deadline, registered with the calendar (zhitong/workdays/deadlines.py): N
working days after `due_base`, re-counted while the unit still owes the rectification."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy

from .choices import OPEN_ORDER_STATUSES


def recompute_orders(orders: list) -> None:
    from zhitong.appeals.deadlines import yellow_from_for
    from zhitong.workdays.services import add_workdays

    for order in orders:
        result = add_workdays(order.due_base, order.due_workdays)
        order.due, order.due_provisional = result.date, result.provisional
        order.yellow_from = yellow_from_for(order.due, order.due_workdays)


def register() -> None:
    from zhitong.workdays import deadlines

    deadlines.register(
        "supervision.RectificationOrder",
        title=gettext_lazy("督促整改通知"),
        dates="due",
        provisional="due_provisional",
        recompute=recompute_orders,
        derived=("yellow_from",),
        active=Q(status__in=OPEN_ORDER_STATUSES),
        select_related=("unit",),
        describe=lambda o: f"{o.code} {o.unit.display_name}：{o.title[:40]}",
    )
