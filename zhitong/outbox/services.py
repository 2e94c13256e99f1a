"""Writing to the outbox: queue side effects in the caller's transaction, and queue the
dead ones again. Delivery (the handlers and the deliverer) is in delivery.py.

    with transaction.atomic():
        appeal.save()
        outbox_enqueue(messages=[Message(kind="notification", payload={…})])
    # committed: the row exists, a delivery is on its way; rolled back: nothing was queued

After the commit a Celery task delivers the due rows (in-process at once in the embedded
mode, where tasks run eagerly); beat's minute sweep (and `zhitong outbox deliver`) catches
whatever a crash between the commit and the delivery, or a failed delivery, left behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .choices import OutboxStatus
from .delivery import DeliveryReport, Undeliverable, outbox_deliver, register_handler
from .models import OutboxMessage
from .tasks import deliver_outbox


@dataclass(frozen=True)
class Message:
    """One side effect to queue. `dedupe_key`: the same key queued again is a no-op (None:
    a fresh key, every call queues)."""

    kind: str
    payload: dict = field(default_factory=dict)
    dedupe_key: str | None = None


def outbox_enqueue(*, messages: Iterable[Message]) -> int:
    """Store `messages` in the current transaction (at once outside one) and deliver them
    after its commit; returns how many are new (not already queued under their key).

    The rows carry the wall clock, not the caller's `now` (which may be back-dated history
    or a test's future): they are due at once. A concurrent enqueue of the same key is
    settled by the unique constraint (ON CONFLICT DO NOTHING)."""
    at = timezone.now()
    rows: dict[str, OutboxMessage] = {}
    for m in messages:
        key = m.dedupe_key or uuid.uuid4().hex
        rows.setdefault(
            key,
            OutboxMessage(
                kind=m.kind,
                payload=m.payload,
                dedupe_key=key,
                status=OutboxStatus.PENDING,
                next_attempt_at=at,
                created_at=at,
            ),
        )
    if not rows:
        return 0
    known = set(OutboxMessage.objects.filter(dedupe_key__in=list(rows)).values_list("dedupe_key", flat=True))
    new = [row for key, row in rows.items() if key not in known]
    if new:
        OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
        _deliver_after_commit()
    return len(new)


def outbox_retry_dead(
    *, ids: Iterable[int] | None = None, kind: str = "", now: datetime | None = None
) -> int:
    """Queue dead rows again (all of them, those of `kind`, or those with `ids`) with a
    fresh count of attempts — after the cause (a receiver down for a day) is fixed.
    Returns how many were queued."""
    now = now or timezone.now()
    qs = OutboxMessage.objects.filter(status=OutboxStatus.DEAD)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if kind:
        qs = qs.filter(kind=kind)
    count = qs.update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    if count:
        _deliver_after_commit()
    return count


def _deliver_after_commit() -> None:
    # robust: a delivery that fails after the commit is logged, never raised into the
    # request that committed (its rows stay due for the sweep).
    transaction.on_commit(deliver_outbox.delay, robust=True)


__all__ = [
    "DeliveryReport",
    "Message",
    "Undeliverable",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_retry_dead",
    "register_handler",
]
