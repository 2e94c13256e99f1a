"""Copying last month's Annex 1 ledgers to the 市发改委 (seeds/000 二: 每月底梳理汇总问题协调
解决情况并抄送市发改委), on the first working day of the month.

The hub staff (统筹协调专员, the 市发改委's) get one message with a link to each unit's ledger
of the month; each unit head whose unit had problems that month is told their ledger was
forwarded. Idempotent: each message has a dedupe key per month (and unit), so the beat may run
on every one of the first days of the month — whatever ran first on or after the month's
first working day sends, later runs send nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhitong.core.downloads import month_cn
from zhitong.notifications.services import notify
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.workdays.services import is_workday

from .annex1 import all_ledger_rows, month_bounds
from .dashboard import add_months
from .notices import ANNEX1_COPIED, ANNEX1_FORWARDED


def first_workday(month: date) -> date:
    d = month.replace(day=1)
    for _ in range(31):
        if is_workday(d):
            return d
        d += timedelta(days=1)
    return month.replace(day=1)


def ledger_url(unit_id: int, month: date) -> str:
    return f"{reverse('reports:annex1')}?unit={unit_id}&month={month:%Y-%m}"


def ledger_index_url(month: date) -> str:
    return f"{reverse('reports:annex1_month')}?month={month:%Y-%m}"


def ledgers_forward(*, today: date | None = None, now: datetime | None = None) -> int:
    """On or after the first working day of this month, forward last month's ledgers; returns
    how many messages are new."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if today < first_workday(today):
        return 0
    month = add_months(today.replace(day=1), -1)
    start, end = month_bounds(month)
    rows = all_ledger_rows(month_start=start, month_end=end)
    units: dict[int, tuple[str, int]] = {}
    for r in rows:
        name, n = units.get(r["unit_id"], (r["unit_name"], 0))
        units[r["unit_id"]] = (name, n + 1)
    label = month_cn(month)
    lines = [f"{name}：{n}个问题 {ledger_url(pk, month)}" for pk, (name, n) in units.items()]
    body = "\n".join(lines) or "本月各单位台账均无问题。"
    sent = 0
    with transaction.atomic():
        sent += notify(
            recipients=lambda: User.objects.filter(is_active=True, role=Role.HUB),
            kind=ANNEX1_FORWARDED,
            title=f"各单位{label}“一企一议”问题台账已汇总抄送：{len(units)}个单位，{len(rows)}个问题",
            body=body,
            url=ledger_index_url(month),
            subject=f"reports-annex1:{month:%Y-%m}",
            dedupe_key=f"reports-annex1-forward:{month:%Y-%m}",
            now=now,
        )
        for pk, (_name, n) in units.items():
            sent += notify(
                recipients=lambda pk=pk: User.objects.filter(is_active=True, role=Role.UNIT_HEAD, unit_id=pk),
                kind=ANNEX1_COPIED,
                title=f"本单位{label}“一企一议”问题台账（{n}个问题）已抄送市发改委",
                url=ledger_url(pk, month),
                dedupe_key=f"reports-annex1-copied:{month:%Y-%m}:{pk}",
                now=now,
            )
    return sent
