"""The supervision office's last weeks in the demo city (seeds/000 三、四): rectification
orders about the overdue appeals and tasks it found — one verified, one reported and
waiting for verification, one returned, one closed as a failure (with its finding), one
just issued — a county office's order in 鼓楼区, and a finding of the People's Congress.
Driven through the real services, with `now=` in the past."""

from __future__ import annotations

from datetime import timedelta

from zhitong.organizations.capabilities import UNIT_HANDLING_ROLES
from zhitong.organizations.models import User
from zhitong.organizations.selectors import scope_root
from zhitong.supervision import selectors, services
from zhitong.supervision.machines import ORDER
from zhitong.workdays.services import subtract_workdays

from .context import DemoContext, demo_pdf


def _staff(unit):
    return (
        User.objects.filter(is_active=True, role__in=UNIT_HANDLING_ROLES, unit__path__startswith=unit.path)
        .order_by("role", "id")
        .first()
    )


def _at(ctx: DemoContext, workdays_ago: int, hour: int = 10):
    from datetime import datetime, time

    from django.utils import timezone

    day = subtract_workdays(ctx.today, workdays_ago).date
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build(ctx: DemoContext) -> None:
    sup = User.objects.get(username="supervisor")
    overseer = User.objects.get(username="overseer")
    county_sup = User.objects.filter(username="supervisor_glq").first()
    overdue = selectors.supervision_list(user=sup, key="overdue", today=subtract_workdays(ctx.today, 12).date)
    late = [a for a in overdue.appeals.filter(lead_unit__isnull=False)[:40] if _staff(a.lead_unit)]
    # One order per unit, the five most overdue units' oldest appeal each.
    seen, picks = set(), []
    for a in late:
        if a.lead_unit_id not in seen:
            seen.add(a.lead_unit_id)
            picks.append(a)
    orders = []
    for i, appeal in enumerate(picks[:5]):
        orders.append(
            services.order_issue(
                actor=sup,
                unit_id=appeal.lead_unit_id,
                title=f"诉求超期未办结：{appeal.title[:60]}",
                requirement="该诉求已超过办理期限仍未办结。请于期限内办结，向企业反馈办理结果，并报送整改情况及佐证材料。",
                workdays=5,
                appeal_ids=[appeal.pk],
                now=_at(ctx, 12 - i),
            )
        )
    outcomes = ["verify", "report", "return", "fail", None]
    for i, (order, outcome) in enumerate(zip(orders, outcomes, strict=False)):
        if outcome is None:
            continue
        staff = _staff(order.unit)
        ORDER.dispatch(
            pk=order.pk, move="acknowledge", actor=staff, note="已收到，立即整改", now=_at(ctx, 10 - i)
        )
        if outcome == "fail":
            ORDER.dispatch(
                pk=order.pk,
                move="fail",
                actor=sup,
                reason="逾期未报整改情况，企业反映问题仍未解决",
                points=2,
                now=_at(ctx, 1, 15),
            )
            continue
        ORDER.dispatch(
            pk=order.pk,
            move="report",
            actor=staff,
            report="已会同相关部门现场办结，并电话向企业反馈，企业表示认可。",
            evidence=demo_pdf("整改情况报告.pdf", f"order-{order.pk}"),
            now=_at(ctx, 6 - i),
        )
        if outcome == "verify":
            ORDER.dispatch(
                pk=order.pk, move="verify", actor=sup, note="经回访企业核实，整改到位", now=_at(ctx, 4)
            )
        elif outcome == "return":
            ORDER.dispatch(
                pk=order.pk,
                move="return",
                actor=sup,
                reason="佐证材料未体现向企业反馈的情况，请补充",
                workdays=3,
                now=_at(ctx, 2),
            )
    if county_sup is not None:
        appeal = None
        for key in ("overdue", "stalled", "unreported"):
            found = selectors.supervision_list(user=county_sup, key=key, today=ctx.today).appeals
            appeal = appeal or found.filter(lead_unit__isnull=False).first()
        if appeal is not None:
            orders.append(
                services.order_issue(
                    actor=county_sup,
                    unit_id=appeal.lead_unit_id,
                    title=f"诉求超期未办结：{appeal.title[:60]}",
                    requirement="请于期限内办结并报送整改情况。",
                    workdays=5,
                    appeal_ids=[appeal.pk],
                    now=_at(ctx, 3),
                )
            )
    unreported = selectors.supervision_list(user=overseer, key="unreported", today=ctx.today)
    appeal = unreported.appeals.filter(received_unit__isnull=False).first()
    if appeal is not None:
        services.finding_record(
            actor=overseer,
            unit_id=scope_root(appeal.lead_unit or appeal.received_unit).pk,
            month=ctx.today.replace(day=1),
            points=1,
            clause="榕政办〔2019〕75号 四：发现问题不上报",
            basis=f"诉求{appeal.code}登记后超过期限仍未分办签收，未纳入台账。",
            appeal_id=appeal.pk,
            now=ctx.now - timedelta(hours=2),
        )
    ctx.log(f"督查督办：督促整改通知 {len(orders)} 份")
