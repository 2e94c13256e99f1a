"""The demo city's last two complete months closed by the hub (seeds/000 五; issue 11), so
the scorecards, the public scorecard page (晾晒成绩单) and the next month's adjustments have
frozen months to show. Through the month-close move, each at a time after its month ended:
the earlier one on the fifth working day of the month after, the later one today."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from zhitong.assessment.services import month_close, month_get_or_open
from zhitong.organizations.models import User
from zhitong.workdays.services import add_workdays

from .context import DemoContext


def _month_before(day):
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def build(ctx: DemoContext) -> None:
    hub = User.objects.get(username="hub")
    last = _month_before(ctx.today)
    earlier = _month_before(last)
    closes = [
        (earlier, add_workdays(last, 4).date),  # the 5th working day after the month
        (last, ctx.today),
    ]
    for month, day in closes:
        at = timezone.make_aware(datetime.combine(min(day, ctx.today), time(9, 30)))
        m = month_get_or_open(month)
        month_close(actor=hub, month_id=m.pk, note="月度结账（演示数据）", now=at)
    ctx.log(f"结账月份 {len(closes)} 个：{earlier:%Y-%m}、{last:%Y-%m}")
