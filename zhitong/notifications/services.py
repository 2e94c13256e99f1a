"""Writing in-app notifications. Callers in a transaction use `notify_on_commit`, so a
message is never sent for a change that rolled back."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Notification

_quiet_before: ContextVar[datetime | None] = ContextVar("notifications_quiet_before", default=None)


@contextmanager
def notifications_quiet_before(moment: datetime):
    """Within the block, notifications dated before `moment` are not stored. For history
    written after the fact (the demo city's months of appeals): nobody is told today about
    a step taken long ago."""
    token = _quiet_before.set(moment)
    try:
        yield
    finally:
        _quiet_before.reset(token)


def _quiet(now: datetime | None) -> bool:
    cutoff = _quiet_before.get()
    return cutoff is not None and now is not None and now < cutoff


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Store one notification per recipient (users or user ids); returns how many are new.

    With a `dedupe_key`, a recipient who already has a notification with that key gets
    nothing new — this is what makes the periodic clock job idempotent. The unique
    constraint (recipient, dedupe_key) settles a race between two runs."""
    if _quiet(now):
        return 0
    now = now or timezone.now()
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(None)
    if not ids:
        return 0
    if dedupe_key:
        ids -= set(
            Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=ids).values_list(
                "recipient_id", flat=True
            )
        )
        if not ids:
            return 0
    rows = [
        Notification(
            recipient_id=uid,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:300],
            created_at=now,
            dedupe_key=dedupe_key,
        )
        for uid in sorted(ids)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)


def notify_on_commit(*, recipients: Callable[[], Iterable] | Iterable, **kwargs) -> None:
    """`notify` after the current transaction commits (at once outside one). `recipients`
    may be a callable, evaluated after the commit, so the transaction stays short."""
    if _quiet(kwargs.get("now")):
        return

    def send():
        notify(recipients=recipients() if callable(recipients) else recipients, **kwargs)

    transaction.on_commit(send)


def notification_mark_read(*, user, notification_id: int, now: datetime | None = None):
    """Mark one of `user`'s messages read (a conditional update: a second click is a no-op).
    Returns the notification, or None when it is not the user's."""
    n = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if n is not None and n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=now or timezone.now())
    return n


def notifications_mark_all_read(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
