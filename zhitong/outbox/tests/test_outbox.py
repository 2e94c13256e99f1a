"""The outbox: written in the caller's transaction, delivered once, retried with backoff,
given up after MAX_ATTEMPTS (delivery.py)."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from zhitong.notifications.models import Notification
from zhitong.notifications.services import notification_deliver, notify
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox import delivery, services
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import (
    Message,
    Undeliverable,
    outbox_deliver,
    outbox_enqueue,
    outbox_retry_dead,
    register_handler,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 1, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


class Recorder:
    """A handler that records the payloads it delivered; it raises `failing` when set."""

    def __init__(self):
        self.calls, self.failing, self._lock = [], None, threading.Lock()

    def __call__(self, message):
        if self.failing is not None:
            raise self.failing
        with self._lock:
            self.calls.append(message.payload["n"])


@pytest.fixture
def handled(monkeypatch):
    """The handler of kind "test.echo"."""
    recorder = Recorder()
    monkeypatch.setitem(delivery.HANDLERS, "test.echo", recorder)
    return recorder


def echo(n, key=None):
    return Message(kind="test.echo", payload={"n": n}, dedupe_key=key)


def status_of(key):
    return OutboxMessage.objects.get(dedupe_key=key)


# ---------------------------------------------------------------------------------------
# Queued with the change
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_is_written_in_the_callers_transaction_and_rolled_back_with_it(handled):
    with transaction.atomic():
        assert outbox_enqueue(messages=[echo(1, "kept")]) == 1
    try:
        with transaction.atomic():
            outbox_enqueue(messages=[echo(2, "lost")])
            raise RuntimeError("the change fails")
    except RuntimeError:
        pass
    assert list(OutboxMessage.objects.values_list("dedupe_key", "status", "attempts")) == [
        ("kept", OutboxStatus.PENDING, 0)
    ]


@pytest.mark.django_db
def test_the_same_key_is_queued_once(handled):
    assert outbox_enqueue(messages=[echo(1, "k"), echo(1, "k")]) == 1
    assert outbox_enqueue(messages=[echo(1, "k"), echo(2, "other")]) == 1
    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_a_delivery_is_queued_after_the_commit_and_runs_in_process_when_tasks_are_eager(
    handled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            outbox_enqueue(messages=[echo(1)])
            assert handled.calls == []
    assert len(callbacks) == 1 and handled.calls == [1]
    assert OutboxMessage.objects.get().status == OutboxStatus.DELIVERED


@pytest.mark.django_db
def test_a_crash_after_the_commit_loses_nothing_the_sweep_delivers_it(
    handled, django_capture_on_commit_callbacks
):
    # The process dies between the commit and the delivery: the after-commit callbacks
    # never run. The row is there; the minute's sweep delivers it.
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            outbox_enqueue(messages=[echo(1, "survivor")])
    assert handled.calls == [] and status_of("survivor").status == OutboxStatus.PENDING

    assert outbox_deliver().delivered == 1
    assert handled.calls == [1]


# ---------------------------------------------------------------------------------------
# Delivered once
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_runs_in_a_row_deliver_each_row_once(handled):
    outbox_enqueue(messages=[echo(i) for i in range(5)])
    first = outbox_deliver()
    second = outbox_deliver()
    assert (first.delivered, second.delivered) == (5, 0)
    assert sorted(handled.calls) == [0, 1, 2, 3, 4]
    row = OutboxMessage.objects.first()
    assert (row.status, row.attempts, row.delivered_at) == (OutboxStatus.DELIVERED, 1, NOW)


@pytest.mark.django_db
def test_a_run_delivers_at_most_its_limit_and_the_next_run_the_rest(handled):
    outbox_enqueue(messages=[echo(i) for i in range(5)])
    assert outbox_deliver(limit=3).delivered == 3
    assert outbox_deliver(limit=3).delivered == 2


@pytest.mark.django_db
def test_a_notification_row_delivered_twice_still_makes_one_message():
    user = UserFactory()
    notify(recipients=[user], kind="t", title="一次")
    row = OutboxMessage.objects.get()
    with transaction.atomic():
        notification_deliver(row)
        notification_deliver(row)  # e.g. a deliverer that lost its lock
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Notification.objects.get().source_message == row


# ---------------------------------------------------------------------------------------
# Failures: retried with backoff, dead after MAX_ATTEMPTS
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_delivery_leaves_no_trace_and_is_retried_after_the_backoff(handled, monkeypatch):
    user = UserFactory()

    def half_done(message):
        Notification.objects.create(recipient=user, kind="t", title="写了一半", created_at=NOW)
        raise ConnectionError("receiver down")

    monkeypatch.setitem(delivery.HANDLERS, "test.half", half_done)
    outbox_enqueue(messages=[Message(kind="test.half", payload={}, dedupe_key="half")])

    report = outbox_deliver(now=NOW)
    assert (report.delivered, report.failed) == (0, 1)
    row = status_of("half")
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert row.next_attempt_at == NOW + timedelta(minutes=1)
    assert row.last_error == "ConnectionError: receiver down"
    assert not Notification.objects.exists()  # the handler's savepoint was rolled back

    # Not due before its time; then 2, 4 … minutes after each further failure.
    assert outbox_deliver(now=NOW + timedelta(seconds=59)).handled == 0
    outbox_deliver(now=NOW + timedelta(minutes=1))
    row = status_of("half")
    assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(minutes=3))


@pytest.mark.django_db
def test_it_is_delivered_when_the_retry_succeeds(handled):
    handled.failing = TimeoutError("slow")
    outbox_enqueue(messages=[echo(7, "retry")])
    outbox_deliver(now=NOW)
    handled.failing = None
    assert outbox_deliver(now=NOW + timedelta(minutes=1)).delivered == 1
    row = status_of("retry")
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.DELIVERED, 2, "")
    assert handled.calls == [7]


def test_the_backoff_doubles_up_to_an_hour():
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 7, 8, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


@pytest.mark.django_db
def test_it_is_given_up_after_max_attempts_and_queued_again_by_retry_dead(handled):
    handled.failing = ValueError("bad payload")
    outbox_enqueue(messages=[echo(1, "doomed")])
    at = NOW
    for _ in range(delivery.MAX_ATTEMPTS):
        outbox_deliver(now=at)
        at += delivery.LONGEST_RETRY
    row = status_of("doomed")
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, delivery.MAX_ATTEMPTS)
    assert outbox_deliver(now=at + timedelta(days=30)).handled == 0  # dead stays dead

    handled.failing = None
    assert outbox_retry_dead() == 1
    assert (status_of("doomed").status, status_of("doomed").attempts) == (OutboxStatus.PENDING, 0)
    assert outbox_deliver().delivered == 1


@pytest.mark.django_db
def test_an_undeliverable_message_is_dead_at_once(handled):
    handled.failing = Undeliverable("HTTP 410 Gone")
    outbox_enqueue(messages=[echo(1, "gone")])
    assert outbox_deliver().dead == 1
    row = status_of("gone")
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.DEAD,
        1,
        "Undeliverable: HTTP 410 Gone",
    )


@pytest.mark.django_db
def test_a_kind_without_a_handler_fails_and_is_retried():
    outbox_enqueue(messages=[Message(kind="test.nobody", payload={}, dedupe_key="orphan")])
    assert outbox_deliver().failed == 1
    assert "no outbox handler" in status_of("orphan").last_error


@pytest.mark.django_db
def test_retry_dead_can_be_limited_to_a_kind_or_to_rows(handled):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind=kind,
            payload={"n": i},
            dedupe_key=f"d{i}",
            status=OutboxStatus.DEAD,
            next_attempt_at=NOW,
            created_at=NOW,
        )
        for i, kind in enumerate(["test.echo", "test.echo", "webhook"])
    )
    assert outbox_retry_dead(kind="webhook") == 1
    first = status_of("d0")
    assert outbox_retry_dead(ids=[first.pk]) == 1
    assert status_of("d1").status == OutboxStatus.DEAD


def test_a_kind_has_one_handler():
    def one(message):
        pass

    def other(message):
        pass

    try:
        register_handler("test.once", one)
        register_handler("test.once", one)  # the same again: AppConfig.ready twice
        with pytest.raises(ValueError, match="test.once"):
            register_handler("test.once", other)
    finally:
        delivery.HANDLERS.pop("test.once", None)


def test_notifications_are_delivered_by_their_handler():
    assert delivery.HANDLERS["notification"] is notification_deliver


# ---------------------------------------------------------------------------------------
# Two deliverers at once (PostgreSQL row locks)
# ---------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliverers_running_at_once_deliver_each_notification_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    # No delivery after each commit: 60 rows wait for the two deliverers below.
    monkeypatch.setattr(services, "_deliver_after_commit", lambda: None)
    users = [UserFactory() for _ in range(3)]
    for i in range(20):
        with transaction.atomic():
            notify(recipients=users, kind="t", title=f"消息{i}")
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 60

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def deliverer():
        try:
            barrier.wait(timeout=30)
            reports.append(outbox_deliver())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r.delivered for r in reports) == 60
    assert Notification.objects.count() == 60
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.DELIVERED).exists()


@pytest.mark.django_db
def test_the_celery_task_delivers_through_the_service_and_beat_sweeps_every_minute(handled, settings):
    from celery.schedules import crontab

    from zhitong.outbox.tasks import deliver_outbox

    outbox_enqueue(messages=[echo(1)])
    assert deliver_outbox.delay().get(disable_sync_subtasks=False) == "已投递 1，失败待重试 0，放弃 0"
    assert handled.calls == [1]
    sweep = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert (sweep["task"], sweep["schedule"]) == (deliver_outbox.name, crontab())
