"""Webhooks: queue one delivery per subscription for each appeal event (in the move's
transaction, through the outbox), deliver it signed, record each attempt, replay on demand;
and the subscriptions' own writes (create, edit, delete), audited.

The deliverer's guarantees are the outbox's (zhitong/outbox): queued if and only if the
move commits, retried with backoff (1, 2, 4 … minutes, 8 attempts), dead after that or at
once on a 4xx. A call outside the database is at least once: the receiver deduplicates by
the `Idempotency-Key` header, the outbox row's unique key."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.delivery.backends.http import post
from zhitong.organizations.capabilities import can_subscribe_webhooks
from zhitong.outbox.services import Message, Undeliverable, outbox_enqueue

from .choices import WebhookStatus
from .events import event_for, events
from .models import Subscription, WebhookDelivery, new_secret
from .selectors import (
    appeal_visible_to_client,
    delivery_get_for_user,
    subscription_get_for_user,
    subscriptions_for_event,
)
from .signing import webhook_body, webhook_signature

WEBHOOK = "webhook"  # the outbox kind of one webhook call


# ---------------------------------------------------------------------------------------
# Queueing (the appeals' timeline hook)
# ---------------------------------------------------------------------------------------


def event_payload(*, key: str, event: str, appeal, transition) -> dict:
    return {
        "id": key,
        "event": event,
        "occurred_at": transition.at.isoformat(),
        "appeal": {
            "id": appeal.pk,
            "code": appeal.code,
            "title": appeal.title,
            "status": appeal.status,
            "status_label": str(appeal.get_status_display()),
            "url": f"/api/v1/appeals/{appeal.pk}",
        },
        "transition": {
            "id": transition.pk,
            "action": transition.action,
            "from_status": transition.from_status,
            "to_status": transition.to_status,
        },
    }


def webhooks_queue_for_transition(sender=None, *, transition, appeal, **kwargs) -> int:
    """`appeals.signals.appeal_transition_recorded`'s receiver: one delivery and one outbox
    row per active subscription that wants the event and whose client may see the appeal.
    Only database writes: it runs in the move's transaction."""
    event = event_for(transition.action)
    if event is None:
        return 0
    rows = []
    for sub in subscriptions_for_event(event):
        if not appeal_visible_to_client(sub, appeal.pk):
            continue
        key = f"webhook:{sub.pk}:{transition.pk}"
        rows.append(
            WebhookDelivery(
                subscription=sub,
                event=event,
                appeal_id=appeal.pk,
                payload=event_payload(key=key, event=event, appeal=appeal, transition=transition),
                dedupe_key=key,
                created_at=timezone.now(),
            )
        )
    if not rows:
        return 0
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return outbox_enqueue(messages=[_row(d.dedupe_key) for d in rows])


def _row(key: str) -> Message:
    return Message(kind=WEBHOOK, payload={"key": key}, dedupe_key=key)


# ---------------------------------------------------------------------------------------
# Delivering (the outbox handler)
# ---------------------------------------------------------------------------------------


def webhook_deliver(message) -> None:
    """POST one delivery, signed (docs/webhooks.md). A delivery already sent is not sent
    again; 2xx is success; 4xx (but 408/425/429) is final; anything else is retried."""
    d = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription")
        .filter(dedupe_key=message.payload.get("key"))
        .first()
    )
    if d is None or d.status == WebhookStatus.SENT:
        return
    sub = d.subscription
    if not sub.active:
        raise Undeliverable("订阅已停用")
    body = webhook_body(d.payload)
    timestamp = str(int(time.time()))
    response = post(
        sub.url,
        body,
        headers={
            "X-Zhitong-Event": d.event,
            "X-Zhitong-Timestamp": timestamp,
            "X-Zhitong-Signature": webhook_signature(secret=sub.secret, timestamp=timestamp, body=body),
            "Idempotency-Key": d.dedupe_key,
        },
    )
    now = timezone.now()
    d.status, d.attempts, d.last_error, d.response_status = (
        WebhookStatus.SENT,
        message.attempts,
        "",
        response.status,
    )
    d.last_attempt_at = d.sent_at = now
    d.save(
        update_fields=["status", "attempts", "last_error", "response_status", "last_attempt_at", "sent_at"]
    )


def webhook_failed(message, exc, now) -> None:
    WebhookDelivery.objects.filter(dedupe_key=message.payload.get("key")).update(
        status=WebhookStatus.DEAD if message.status == "dead" else WebhookStatus.FAILED,
        attempts=message.attempts,
        last_error=message.last_error,
        response_status=getattr(exc, "status", None),
        last_attempt_at=now,
    )


def webhook_replay(
    *, actor, subscription_id: int, delivery_id: int, now: datetime | None = None
) -> WebhookDelivery:
    """Send a logged delivery again: a new delivery (and a new outbox row, with a new
    idempotency key) carrying the same payload — its `id` stays the original event's."""
    now = now or timezone.now()
    sub = subscription_get_for_user(user=actor, subscription_id=subscription_id)
    original = delivery_get_for_user(user=actor, subscription=sub, delivery_id=delivery_id)
    if not sub.active:
        raise ConflictError("订阅已停用，请先启用再重放", code="inactive")
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(
            subscription=sub,
            event=original.event,
            appeal_id=original.appeal_id,
            payload=original.payload,
            dedupe_key=f"webhook:{sub.pk}:replay:{uuid.uuid4().hex}",
            created_at=now,
            replay_of=original,
        )
        outbox_enqueue(messages=[_row(replay.dedupe_key)])
        audit_record(
            action="webhook.replay",
            obj=sub,
            actor=actor,
            after={"delivery_id": original.pk, "replay_id": replay.pk, "event": original.event},
            now=now,
        )
    return replay


# ---------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------


def _clean(*, name: str, url: str, events_: list[str]) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写订阅名称", field="name")
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServiceError("接收地址须为 http(s):// 开头的完整网址", field="url")
    known = events()
    bad = [e for e in events_ if e not in known]
    if bad:
        raise ServiceError(f"未知的事件：{bad[0]}"[:200], field="events")
    return name[:100], url[:500], sorted(set(events_), key=list(known).index)


def _snapshot(sub: Subscription) -> dict:
    return {"name": sub.name, "url": sub.url, "events": sub.events, "active": sub.active}


def subscription_create(
    *, actor, name: str, url: str, events: list[str], now: datetime | None = None
) -> Subscription:
    """A subscription of the actor's own (the client is the caller: the token's account)."""
    if not can_subscribe_webhooks(actor):
        raise Forbidden("您无权订阅事件推送")
    now = now or timezone.now()
    name, url, chosen = _clean(name=name, url=url, events_=events)
    with transaction.atomic():
        sub = Subscription.objects.create(
            client=actor, name=name, url=url, events=chosen, created_at=now, updated_at=now
        )
        audit_record(action="webhook.create", obj=sub, actor=actor, after=_snapshot(sub), now=now)
    return sub


def subscription_update(
    *,
    actor,
    subscription_id: int,
    name: str | None = None,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
    rotate_secret: bool = False,
    now: datetime | None = None,
) -> Subscription:
    now = now or timezone.now()
    with transaction.atomic():
        sub = subscription_get_for_user(user=actor, subscription_id=subscription_id, lock=True)
        before = _snapshot(sub)
        new_name, new_url, new_events = _clean(
            name=sub.name if name is None else name,
            url=sub.url if url is None else url,
            events_=sub.events if events is None else events,
        )
        sub.name, sub.url, sub.events = new_name, new_url, new_events
        if active is not None:
            sub.active = active
        if rotate_secret:
            sub.secret = new_secret()
        after = _snapshot(sub)
        if before == after and not rotate_secret:
            return sub
        sub.updated_at = now
        sub.save()
        audit_record(
            action="webhook.update",
            obj=sub,
            actor=actor,
            before=before,
            after={**after, **({"secret_rotated": True} if rotate_secret else {})},
            now=now,
        )
    return sub


def subscription_delete(*, actor, subscription_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        sub = subscription_get_for_user(user=actor, subscription_id=subscription_id, lock=True)
        audit_record(action="webhook.delete", obj=sub, actor=actor, before=_snapshot(sub), now=now)
        sub.delete()
