"""Webhook calls: one per subscription per appeal event in the move's transaction, in the
client's scope; signed as docs/webhooks.md says (checked by a receiver written from that
document alone, not with our signing code); retried with backoff; replayed as a new
delivery; and a receiver that is down never blocks the move."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver
from zhitong.webhooks.choices import WebhookStatus
from zhitong.webhooks.models import WebhookDelivery
from zhitong.webhooks.services import subscription_create, subscription_update, webhook_replay

pytestmark = pytest.mark.django_db


# -- the receiver, written from docs/webhooks.md ("Verifying a signature") ---------------
TOLERANCE = 300


def verify(secret: str, timestamp: str, signature: str, body: bytes, now: float | None = None) -> bool:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - ts) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, signature or "")


# ----------------------------------------------------------------------------------------


def deliver(minutes=0):
    return outbox_deliver(now=timezone.now() + timedelta(minutes=minutes))


def test_a_receiver_written_from_the_docs_verifies_the_signature(city, flow, stub):
    sub = subscription_create(actor=city.handler, name="单位系统", url=stub.url, events=["appeal.sign"])
    appeal = flow.to(Status.ASSIGNED)
    flow.move(appeal, "sign", city.handler)
    deliver()
    [call] = stub.received
    h = call.headers
    assert verify(sub.secret, h["X-Zhitong-Timestamp"], h["X-Zhitong-Signature"], call.body)
    assert not verify(sub.secret, h["X-Zhitong-Timestamp"], h["X-Zhitong-Signature"], call.body + b" ")
    assert not verify("whsec_other", h["X-Zhitong-Timestamp"], h["X-Zhitong-Signature"], call.body)
    assert not verify(
        sub.secret, h["X-Zhitong-Timestamp"], h["X-Zhitong-Signature"], call.body, now=time.time() + 600
    )
    event = json.loads(call.body)
    assert h["X-Zhitong-Event"] == event["event"] == "appeal.sign"
    assert event["appeal"]["code"] == appeal.code and event["appeal"]["id"] == appeal.pk
    assert event["transition"]["to_status"] == Status.IN_PROGRESS
    d = WebhookDelivery.objects.get()
    assert h["Idempotency-Key"] == d.dedupe_key == event["id"]
    assert OutboxMessage.objects.get(kind="webhook").dedupe_key == d.dedupe_key
    assert (d.status, d.attempts, d.response_status) == (WebhookStatus.SENT, 1, 200)


def test_every_event_of_the_appeals_path_reaches_a_subscription_for_all_events(city, flow, stub):
    subscription_create(actor=city.hub, name="全市", url=stub.url, events=[])
    flow.to(Status.IN_PROGRESS)
    deliver()
    events = [json.loads(c.body)["event"] for c in stub.received]
    assert events == ["appeal.created", "appeal.assign", "appeal.sign"]


def test_a_client_hears_only_of_the_appeals_its_account_may_see(city, flow, stub):
    subscription_create(actor=city.outsider, name="商务局系统", url=stub.url, events=[])
    flow.to(Status.IN_PROGRESS)  # a GXJ appeal
    deliver()
    assert stub.received == [] and not WebhookDelivery.objects.exists()


def test_a_receiver_that_fails_is_retried_with_backoff_and_sent_once(city, flow, stub):
    stub.statuses = [500, 503, 200]
    subscription_create(actor=city.handler, name="单位系统", url=stub.url, events=["appeal.sign"])
    flow.move(flow.to(Status.ASSIGNED), "sign", city.handler)
    deliver()
    d = WebhookDelivery.objects.get()
    assert (d.status, d.attempts, d.response_status) == (WebhookStatus.FAILED, 1, 500)
    deliver()  # not due yet
    assert len(stub.received) == 1
    deliver(minutes=1)
    deliver(minutes=3)
    deliver(minutes=60)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.response_status, d.last_error) == (WebhookStatus.SENT, 3, 200, "")
    assert len(stub.received) == 3
    keys = {c.headers["Idempotency-Key"] for c in stub.received}
    assert keys == {d.dedupe_key}  # the same key on every retry


def test_a_4xx_gives_up_at_once_and_a_replay_is_a_new_delivery_with_a_new_key(city, flow, stub):
    stub.statuses = [410, 200]
    sub = subscription_create(actor=city.handler, name="单位系统", url=stub.url, events=["appeal.sign"])
    flow.move(flow.to(Status.ASSIGNED), "sign", city.handler)
    deliver()
    original = WebhookDelivery.objects.get()
    assert (original.status, original.response_status) == (WebhookStatus.DEAD, 410)
    replay = webhook_replay(actor=city.handler, subscription_id=sub.pk, delivery_id=original.pk)
    assert OutboxMessage.objects.filter(kind="webhook").count() == 2
    deliver()
    replay.refresh_from_db()
    assert replay.status == WebhookStatus.SENT and replay.replay_of == original
    second = stub.received[-1]
    assert second.headers["Idempotency-Key"] == replay.dedupe_key != original.dedupe_key
    assert json.loads(second.body) == original.payload
    assert verify(
        sub.secret, second.headers["X-Zhitong-Timestamp"], second.headers["X-Zhitong-Signature"], second.body
    )


def test_a_receiver_that_is_down_never_blocks_the_move(city, flow, stub, django_capture_on_commit_callbacks):
    stub.stop()  # nobody listens at the address any more
    subscription_create(actor=city.handler, name="单位系统", url=stub.url, events=[])
    appeal = flow.to(Status.ASSIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(appeal, "sign", city.handler)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.IN_PROGRESS
    d = WebhookDelivery.objects.get(event="appeal.sign")
    assert d.status == WebhookStatus.FAILED and d.attempts == 1 and d.last_error


def test_a_switched_off_subscription_is_not_queued_and_its_pending_calls_give_up(city, flow, stub):
    sub = subscription_create(actor=city.handler, name="单位系统", url=stub.url, events=["appeal.sign"])
    flow.move(flow.to(Status.ASSIGNED), "sign", city.handler)
    subscription_update(actor=city.handler, subscription_id=sub.pk, active=False)
    deliver()
    assert stub.received == []
    assert WebhookDelivery.objects.get().status == WebhookStatus.DEAD
    flow.move(flow.to(Status.ASSIGNED), "sign", city.handler)
    assert WebhookDelivery.objects.count() == 1
