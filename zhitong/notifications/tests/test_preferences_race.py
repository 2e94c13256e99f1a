"""The first save of a user's notification settings, sent twice at the same instant
(a double click, two tabs): neither has a row to lock, both insert, and the unique user
column lets one in. The other must take that row and save over it, never a 500."""

import threading

import pytest
from django.db import connection, connections
from django.db.models.query import QuerySet
from django.utils import timezone

from zhitong.audit.models import AuditEvent
from zhitong.notifications import services
from zhitong.notifications.kinds import KINDS, Delivery
from zhitong.notifications.models import NotificationPreferences
from zhitong.notifications.services import notification_preferences_update
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory


def _optional_kind():
    """A kind a handler may turn off or hold for the digest (both differ from its default)."""
    for code, k in KINDS.items():
        if code != services.DIGEST and not k.is_mandatory(Role.HANDLER) and k.default == Delivery.IMMEDIATE:
            return code
    raise AssertionError("no optional kind")


def race(*calls):
    """Run the calls at the same instant in threads; returns each result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_saves_at_once_make_one_row_and_neither_fails(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections racing on one unique index")
    user = UserFactory(role=Role.HANDLER)
    kind = _optional_kind()
    # Both find no row before either inserts: the race a lock cannot settle (there is no
    # row to lock yet), only the unique index on the user. The first insert of each waits
    # for the other to reach its own.
    both_read = threading.Barrier(2)
    insert = NotificationPreferences.save

    def after_both_read(self, *args, **kwargs):
        if self._state.adding:
            both_read.wait(timeout=10)
        return insert(self, *args, **kwargs)

    monkeypatch.setattr(NotificationPreferences, "save", after_both_read)

    def save(hours, mode):
        return lambda: notification_preferences_update(
            user=user, modes={kind: mode}, digest_window_hours=hours
        )

    results = race(save(24, Delivery.OFF), save(72, Delivery.DIGEST))
    assert all(isinstance(r, NotificationPreferences) for r in results), results
    row = NotificationPreferences.objects.get(user=user)
    # The later save wins whole: its window goes with its choice, never one of each.
    assert (row.digest_window_hours, row.modes) in [(24, {kind: Delivery.OFF}), (72, {kind: Delivery.DIGEST})]


@pytest.mark.django_db
def test_a_row_made_between_the_read_and_the_insert_is_saved_over_not_a_500(monkeypatch):
    """The race above, on one connection: the read finds no row, then the other save's row
    appears (committed, outside this save's savepoint), so this save's insert hits the
    unique index. The save must re-read that row and apply its own choice to it."""
    user = UserFactory(role=Role.HANDLER)
    kind = _optional_kind()
    get = QuerySet.get
    reads = []

    def rival_commits_after_the_read(self, *args, **kwargs):
        if self.model is NotificationPreferences and not reads:
            reads.append(1)
            NotificationPreferences.objects.bulk_create(
                [
                    NotificationPreferences(
                        user=user,
                        modes={kind: Delivery.OFF},
                        digest_window_hours=24,
                        updated_at=timezone.now(),
                    )
                ]
            )
            raise NotificationPreferences.DoesNotExist
        return get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", rival_commits_after_the_read)

    prefs = notification_preferences_update(user=user, modes={kind: Delivery.DIGEST}, digest_window_hours=72)

    assert reads, "the read was not the one simulated: the test no longer covers the race"
    row = NotificationPreferences.objects.get(user=user)
    assert prefs.pk == row.pk
    assert (row.digest_window_hours, row.modes) == (72, {kind: Delivery.DIGEST})
    event = AuditEvent.objects.get(action="notification.preferences")
    assert event.before == {"modes": {kind: Delivery.OFF}, "digest_window_hours": 24}
