"""Helpers shared by the coordination services: local dates, deadlines in working days,
the appeal timeline, notifications and the uploaded-file check."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from zhitong.common.errors import ServiceError


def local_date(value: datetime | date) -> date:
    """The Asia/Shanghai calendar date of an aware datetime (dates pass through)."""
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def prev_month(m: date) -> date:
    return date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)


def resolve_due(*, today: date, due_workdays: int | None, due_date: date | None) -> tuple[date, bool]:
    """The deadline an opinion gives: N working days after `today` (today not counted), or a
    date. Exactly one of the two; a date in the past is refused."""
    from zhitong.workdays.services import add_workdays, is_provisional

    if (due_workdays is None) == (due_date is None):
        raise ServiceError("请填写办理时限：工作日数或截止日期，二者选一", field="due_workdays")
    if due_workdays is not None:
        if due_workdays < 1 or due_workdays > 250:
            raise ServiceError("办理时限须为1至250个工作日", field="due_workdays")
        result = add_workdays(today, due_workdays)
        return result.date, result.provisional
    if due_date < today:
        raise ServiceError("截止日期不能早于今天", field="due_date")
    return due_date, is_provisional(due_date)


def timeline_note(*, appeal, actor, action: str, note: str, data: dict | None = None, now: datetime) -> None:
    """Put a coordination step on the appeal's timeline through the appeals app's own
    service (a Transition with the status unchanged, plus its audit event)."""
    from zhitong.appeals.services import appeal_timeline_note

    appeal_timeline_note(appeal=appeal, actor=actor, action=action, note=note, data=data or {}, now=now)


def notify(
    *, recipients, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str = "", now: datetime
):
    """In-app notifications, written after commit so a rolled-back action sends nothing."""
    from zhitong.notifications.services import notify_on_commit

    users = list(recipients)
    if not users:
        return
    notify_on_commit(
        recipients=users, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key or None, now=now
    )
