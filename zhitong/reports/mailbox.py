"""The mayor's mailbox daily summary for the city's principal leaders (seeds/003 七:
“市长信箱”负责将企业诉求、办理情况及反馈意见每天汇总上报至市政府主要领导).

The day's summary, on a working day D, covers what came in since the previous working day's
summary: [the previous working day 00:00, D 00:00) — "yesterday", with the weekend or holiday
before D folded into the first working day after it (nothing received on a Saturday waits a
week, nothing is reported twice). It lists (1) the mailbox's appeals received in that period,
with who handles them (the lead unit and its handler) and by when, and what was answered so
far; (2) the mailbox's earlier appeals answered (办结) or rated by the enterprise in the period —
the handling and the enterprise's feedback. It is sent on working days only, once a day to
each principal leader (the mayor and the executive vice mayor), idempotent per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.notifications.services import notify
from zhitong.organizations.capabilities import is_city_leader, sees_whole_city
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import User
from zhitong.workdays.services import is_workday

from .notices import MAILBOX_SUMMARY

PRINCIPAL_LEVELS = (LeaderLevel.MAYOR, LeaderLevel.EXECUTIVE_VICE_MAYOR)
LOOKBACK_DAYS = 30  # a calendar with a longer run of rest days is not believed


def principal_leaders():
    """The city's principal leaders (市政府主要领导): active leaders at mayor or executive
    vice mayor level."""
    return User.objects.filter(is_active=True, role=Role.LEADER, leader_level__in=PRINCIPAL_LEVELS).order_by(
        "pk"
    )


def reads_mailbox_summary(user) -> bool:
    """The principal leaders it is for; the hub, the supervision office, the People's
    Congress and admins (city-wide roles) also read it."""
    if sees_whole_city(user):
        return True
    return is_city_leader(user) and user.leader_level in PRINCIPAL_LEVELS


def previous_workday(d: date) -> date:
    prev = d - timedelta(days=1)
    for _ in range(LOOKBACK_DAYS):
        if is_workday(prev):
            return prev
        prev -= timedelta(days=1)
    return d - timedelta(days=1)


def summary_period(day: date) -> tuple[date, date]:
    """The days the summary of `day` covers: from the previous working day to the day before
    `day`, both included."""
    return previous_workday(day), day - timedelta(days=1)


@dataclass
class MailboxRow:
    appeal: Appeal
    handled_by: str
    due: date | None
    answer: str


@dataclass
class MailboxSummary:
    day: date
    period_from: date
    period_to: date
    received: list[MailboxRow]
    answered: list[MailboxRow]

    @property
    def label(self) -> str:
        if self.period_from == self.period_to:
            return f"{self.period_from:%Y-%m-%d}"
        return f"{self.period_from:%Y-%m-%d}至{self.period_to:%Y-%m-%d}"


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _row(a: Appeal) -> MailboxRow:
    unit = a.lead_unit.display_name if a.lead_unit_id else "待分办（统筹协调专员）"
    handler = a.handler.display_name if a.handler_id else ""
    handled_by = f"{unit}（承办人：{handler}）" if handler else unit
    if a.resolution:
        answer = a.resolution.strip()
        if a.rating:
            answer = answer.rstrip("。；;.")
            answer += f"；企业评价：{a.get_rating_display()}"
            if a.rating_comment:
                answer += f"（{a.rating_comment}）"
    else:
        answer = f"尚未答复（{a.get_status_display()}）"
    return MailboxRow(appeal=a, handled_by=handled_by, due=a.handling_due or a.clock_due, answer=answer)


def mailbox_summary(*, day: date) -> MailboxSummary:
    """The summary of `day` (see the module's docstring)."""
    start_day, end_day = summary_period(day)
    start, end = _aware(start_day), _aware(end_day + timedelta(days=1))
    base = (
        Appeal.objects.filter(channel=Channel.MAYOR_MAILBOX)
        .exclude(status=Status.MERGED)
        .select_related("enterprise", "lead_unit", "handler", "category")
    )
    received = list(base.filter(received_at__gte=start, received_at__lt=end).order_by("received_at", "id"))
    answered = list(
        base.filter(received_at__lt=start)
        .filter(Q(resolved_at__gte=start, resolved_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end))
        .order_by("received_at", "id")
    )
    return MailboxSummary(
        day=day,
        period_from=start_day,
        period_to=end_day,
        received=[_row(a) for a in received],
        answered=[_row(a) for a in answered],
    )


def summary_url(day: date) -> str:
    return f"{reverse('reports:mailbox')}?day={day.isoformat()}"


def summary_message(s: MailboxSummary) -> tuple[str, str]:
    title = f"市长信箱每日汇总（{s.label}）：新收企业诉求{len(s.received)}件，办结或反馈{len(s.answered)}件"
    lines = []
    for r in s.received:
        a = r.appeal
        due = f"，{r.due:%m月%d日}前办结" if r.due else ""
        lines.append(
            f"【新收】{a.code} {a.enterprise.name}：{a.title}。承办：{r.handled_by}{due}。{r.answer}。"
        )
    for r in s.answered:
        a = r.appeal
        lines.append(f"【办理】{a.code} {a.enterprise.name}：{a.title}。{r.answer}。")
    return title, "\n".join(lines) or "本期市长信箱无新收企业诉求，无办结或反馈。"


def mailbox_summary_send(*, day: date | None = None, now: datetime | None = None) -> int:
    """Queue the day's summary to each principal leader, on working days; returns how many
    messages are new (0 on a rest day and on a second run the same day)."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    if not is_workday(day):
        return 0
    s = mailbox_summary(day=day)
    title, body = summary_message(s)
    with transaction.atomic():
        return notify(
            recipients=principal_leaders,
            kind=MAILBOX_SUMMARY,
            title=title,
            body=body,
            url=summary_url(day),
            subject=f"reports-mailbox:{day.isoformat()}",
            dedupe_key=f"reports-mailbox:{day.isoformat()}",
            now=now,
        )
