"""The failure hook (issue 13): called after a failed attempt in the row's transaction,
with the row already marked; a hook that fails never keeps the mark from committing."""

import pytest
from django.db import transaction

from zhitong.outbox import delivery
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import Message, outbox_deliver, outbox_enqueue

pytestmark = pytest.mark.django_db
seen = []


def failing(message):
    raise ConnectionError("down")


def record(message, exc, now):
    seen.append((message.status, message.attempts, type(exc).__name__))


def broken(message, exc, now):
    OutboxMessage.objects.filter(pk=message.pk).update(last_error="the hook's own write")
    raise RuntimeError("the hook fails")


@pytest.fixture
def kind(monkeypatch):
    monkeypatch.setitem(delivery.HANDLERS, "test-hook", failing)
    seen.clear()
    with transaction.atomic():
        outbox_enqueue(messages=[Message(kind="test-hook")])
    return "test-hook"


def test_the_hook_sees_the_row_marked_failed(kind, monkeypatch):
    monkeypatch.setitem(delivery.FAILURE_HOOKS, kind, record)
    outbox_deliver()
    assert seen == [("failed", 1, "ConnectionError")]


def test_a_hook_that_fails_is_rolled_back_alone(kind, monkeypatch):
    monkeypatch.setitem(delivery.FAILURE_HOOKS, kind, broken)
    outbox_deliver()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "ConnectionError: down"  # the hook's write went with it
