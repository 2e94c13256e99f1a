"""Delivering the outbox: the handlers registered per kind, and the deliverer that claims
due rows, runs their handler and records the outcome.

Each row is delivered in its own transaction: the row is claimed with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; two deliverers never take the same row and
never wait for each other; SQLite serializes writing transactions anyway), the handler
runs inside a savepoint, and the row is marked delivered in the same transaction. An
effect written in this database (an in-app notification) therefore commits together with
its "delivered" mark: exactly once. An effect outside it (a webhook call) is at least
once: the call may succeed and the commit fail; such a handler sends the row's
`dedupe_key` as the receiver's idempotency key.

A handler that raises leaves no trace of its work (the savepoint is rolled back); the row
is retried with exponential backoff and given up ("dead") after MAX_ATTEMPTS, or at once
when the handler raises `Undeliverable`. Dead rows are listed in the admin and by
`zhitong outbox status`; `zhitong outbox retry-dead` queues them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import OutboxStatus
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_RETRY = timedelta(hours=1)
BATCH = 500  # rows per run; the next run (the minute's sweep) takes the rest

Handler = Callable[[OutboxMessage], None]
FailureHook = Callable[[OutboxMessage, Exception, datetime], None]
HANDLERS: dict[str, Handler] = {}
# Called after a failed attempt, in the row's transaction (outside the rolled-back
# savepoint): an app that keeps its own record of each attempt (delivery.Delivery, the
# webhooks' log) writes the attempt, the error and the row's new status there.
FAILURE_HOOKS: dict[str, FailureHook] = {}


class Undeliverable(Exception):
    """Raised by a handler for a failure no retry can fix (e.g. a webhook's receiver
    answers 4xx): the row is dead at once, with this message as its last error."""


def register_handler(kind: str, handler: Handler, *, on_failure: FailureHook | None = None) -> None:
    """Deliver the rows of `kind` with `handler(message)` (called in an app's
    AppConfig.ready). The handler raises to fail; it must not commit or roll back itself.
    `on_failure(message, exc, now)`, when given, is called after each failed attempt with the
    row already marked (status, attempts, last_error, next_attempt_at); what it writes
    commits with that mark. It must not raise (an error in it is logged and dropped)."""
    known = HANDLERS.get(kind)
    if known is not None and known is not handler:
        raise ValueError(f"outbox kind {kind!r} already has the handler {known!r}")
    HANDLERS[kind] = handler
    if on_failure is not None:
        FAILURE_HOOKS[kind] = on_failure


def due_q(now: datetime) -> Q:
    """The rows to deliver: every pending one (never tried, or queued again; whatever the
    clocks of the servers that wrote them say) and the failed ones whose wait is over."""
    return Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.FAILED, next_attempt_at__lte=now)


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: 1, 2, 4 … minutes,
    at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.failed + self.dead

    def __bool__(self) -> bool:
        return self.handled > 0

    def __str__(self) -> str:
        return f"已投递 {self.delivered}，失败待重试 {self.failed}，放弃 {self.dead}"


def outbox_deliver(*, now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """Deliver up to `limit` due rows, oldest first; returns what happened to them.

    Safe to run anywhere and any number of times at once (the Celery task after each
    commit, the minute's sweep, `zhitong outbox deliver`). A database error (the
    connection lost) propagates: the row's transaction is rolled back, so it stays due."""
    now = now or timezone.now()
    report = DeliveryReport()
    while report.handled < limit:
        status = _deliver_one(now)
        if status is None:
            break
        setattr(report, status, getattr(report, status) + 1)
    return report


def _deliver_one(now: datetime) -> str | None:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due_q(now))
            .order_by("next_attempt_at", "id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        error = None
        try:
            handler = HANDLERS.get(message.kind)
            if handler is None:
                raise LookupError(f"no outbox handler for kind {message.kind!r}")
            with transaction.atomic():  # a failing handler leaves nothing behind
                handler(message)
        except Undeliverable as exc:
            error = exc
            _fail(message, exc, now, dead=True)
        except Exception as exc:
            error = exc
            _fail(message, exc, now, dead=message.attempts >= MAX_ATTEMPTS)
        else:
            message.status, message.delivered_at, message.last_error = OutboxStatus.DELIVERED, now, ""
        message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "delivered_at"])
        if error is not None:
            _after_failure(message, error, now)
        return message.status


def _after_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    hook = FAILURE_HOOKS.get(message.kind)
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(message, error, now)
    except Exception:  # the record of a failure must never keep the row's mark from committing
        logger.exception("outbox %s #%s: the failure hook failed", message.kind, message.pk)


def _fail(message: OutboxMessage, exc: Exception, now: datetime, *, dead: bool) -> None:
    logger.warning(
        "outbox %s #%s: attempt %s failed%s",
        message.kind,
        message.pk,
        message.attempts,
        " (given up)" if dead else "",
        exc_info=exc,
    )
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if dead:
        message.status = OutboxStatus.DEAD
    else:
        message.status = OutboxStatus.FAILED
        message.next_attempt_at = now + retry_delay(message.attempts)
