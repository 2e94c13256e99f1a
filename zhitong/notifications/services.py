"""Writing in-app notifications. `notify` queues them in the outbox, in the caller's
transaction: a message exists if and only if the change that causes it commits, and it is
delivered after the commit — exactly once, retried until it is (zhitong/outbox).
`notification_deliver` is the outbox's handler that writes the message."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhitong.core.fields import excerpt
from zhitong.outbox.services import Message, outbox_enqueue

from .models import Notification

NOTIFICATION = "notification"  # the outbox kind of an in-app message

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
    recipients: Callable[[], Iterable] | Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one notification per recipient (users or user ids, or a callable returning
    them) in the current transaction; returns how many are new.

    With a `dedupe_key`, a recipient already queued that key gets nothing new — this is
    what makes the periodic clock job idempotent; the outbox's unique key settles a race
    between two runs."""
    if _quiet(now):
        return 0
    now = now or timezone.now()
    if callable(recipients):
        recipients = recipients()
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(None)
    payload = {
        "kind": kind,
        "title": excerpt(title, 200),  # the column's length; the body has the whole text
        "body": body,
        "url": url[:300],
        "dedupe_key": dedupe_key,
        "at": now.isoformat(),  # full precision (the JSON encoder would cut it to ms)
    }
    return outbox_enqueue(
        messages=[
            Message(
                kind=NOTIFICATION,
                payload={**payload, "recipient_id": uid},
                dedupe_key=f"notification:{dedupe_key}:{uid}" if dedupe_key else None,
            )
            for uid in sorted(ids)
        ]
    )


def notification_deliver(message) -> None:
    """The outbox handler: write the message of outbox row `message`. It runs in the
    deliverer's transaction, which also marks the row delivered; the one-to-one link to the
    row (and the per-recipient dedupe key) make a repeat a no-op."""
    p = message.payload
    if not get_user_model().objects.filter(pk=p["recipient_id"]).exists():
        return  # the recipient was deleted since: nobody to tell
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=p["recipient_id"],
                kind=p["kind"],
                title=p["title"],
                body=p["body"],
                url=p["url"],
                created_at=datetime.fromisoformat(p["at"]),
                dedupe_key=p["dedupe_key"],
                source_message=message,
            )
        ],
        ignore_conflicts=True,
    )


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
