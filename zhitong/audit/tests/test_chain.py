import io
import threading
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from zhitong.audit.models import AppendOnly, AuditChainHead, AuditEvent
from zhitong.audit.services import GENESIS, audit_batch, audit_record, audit_verify
from zhitong.audit.tests.tampering import behind_the_back
from zhitong.core import context
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory


def record_some(n=4, actor=None):
    return [
        audit_record(
            action="test.change",
            object_type="test.thing",
            object_id=i,
            actor=actor,
            before={"v": i},
            after={"v": i + 1, "when": datetime(2026, 3, 1, tzinfo=UTC), "ratio": 2.0, "big": 1e20},
        )
        for i in range(n)
    ]


def verify_output() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestTheChain:
    def test_each_event_carries_its_predecessors_hash(self):
        events = record_some()
        assert events[0].prev_hash == GENESIS
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
        head = AuditChainHead.objects.get(id=1)
        assert (head.last_event_id, head.last_hash) == (events[-1].pk, events[-1].hash)

    def test_it_records_actor_unit_and_the_request_address(self):
        user = UserFactory()
        token = context.set_current(
            context.RequestInfo(client_addr="203.0.113.9", user_id=user.pk, via="web")
        )
        try:
            event = audit_record(action="test.ctx", obj=user)
        finally:
            context.reset(token)
        event = AuditEvent.objects.get(pk=event.pk)
        assert (event.actor, event.actor_unit_id, event.client_addr) == (user, user.unit_id, "203.0.113.9")
        assert (event.object_type, event.object_id) == ("organizations.user", str(user.pk))

    def test_verify_passes_on_an_untouched_chain(self):
        record_some(actor=UserFactory())
        assert audit_verify().ok
        assert verify_output().startswith("OK: 4 events")

    def test_verify_names_a_row_changed_by_raw_sql(self):
        events = record_some()
        with behind_the_back(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"v": 99}', events[2].pk]
            )
        result = audit_verify()
        assert not result.ok and result.event_id == events[2].pk and result.count == 2
        assert "altered" in result.problem
        with pytest.raises(CommandError, match=f"#{events[2].pk}"):
            verify_output()

    def test_verify_finds_a_row_deleted_from_the_middle(self):
        events = record_some()
        with behind_the_back(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        result = audit_verify()
        assert not result.ok and result.event_id == events[2].pk
        assert f"#{events[0].pk}" in result.problem

    def test_verify_finds_the_first_row_deleted(self):
        events = record_some()
        with behind_the_back(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
        result = audit_verify()
        assert not result.ok and result.event_id == events[1].pk and "genesis" in result.problem

    def test_verify_finds_the_newest_rows_deleted(self):
        events = record_some()
        with behind_the_back(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk])
        result = audit_verify()
        assert not result.ok and result.event_id == events[-1].pk and "newest" in result.problem

    def test_verify_streams_in_chunks(self):
        record_some(7)
        assert audit_verify(chunk_size=2).count == 7

    def test_an_event_cannot_be_saved_again_or_deleted(self):
        event = record_some(1)[0]
        event.action = "test.forged"
        with pytest.raises(AppendOnly):
            event.save()
        with pytest.raises(AppendOnly):
            event.delete()
        with pytest.raises(AppendOnly):
            AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
        with pytest.raises(AppendOnly):
            AuditEvent.objects.all().delete()
        with pytest.raises(AppendOnly):
            AuditEvent.objects.bulk_create([AuditEvent(action="x", prev_hash="0", hash="1")])
        with pytest.raises(AppendOnly):
            AuditEvent.objects.create(action="test.unchained")
        assert audit_verify().ok

    def test_an_event_rolled_back_with_its_change_leaves_the_chain_intact(self):
        record_some(2)
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            audit_record(action="test.doomed", object_type="x")
            1 / 0  # noqa: B018 — the change being recorded fails
        assert not AuditEvent.objects.filter(action="test.doomed").exists()
        record_some(1)
        assert audit_verify().ok


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_change_events(client):
    event = record_some(1)[0]
    # 三员分立: the system administrator (a superuser too) cannot even read it there.
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.login(username=admin.username, password=PASSWORD)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "test.forged", "outcome": "ok"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.change"


@pytest.mark.django_db
def test_the_supervisor_reads_the_log_and_a_handler_may_not(client):
    record_some(3)
    client.login(username=UserFactory(role=Role.SUPERVISOR).username, password=PASSWORD)
    response = client.get(reverse("audit:list"), {"object_type": "test.thing", "object_id": "1"})
    assert response.status_code == 200
    assert [r.event.object_id for r in response.context["rows"]] == ["1"]
    client.login(username=UserFactory(role=Role.HANDLER).username, password=PASSWORD)
    assert client.get(reverse("audit:list")).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_valid_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    per_thread, errors = 15, []
    start = AuditEvent.objects.count()
    barrier = threading.Barrier(2)

    def writer(tag):
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(action=f"test.{tag}", object_type="x", object_id=i, after={"i": i})
        except Exception as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit_verify()
    assert result.ok and result.count == start + 2 * per_thread
    # Two events sharing a predecessor would mean a fork: every prev_hash is distinct.
    assert len(set(AuditEvent.objects.values_list("prev_hash", flat=True))) == start + 2 * per_thread


@pytest.mark.django_db
def test_a_batch_writes_the_same_chain_with_one_head_update():
    record_some(2)
    with transaction.atomic(), audit_batch():
        with audit_batch():  # nested: joins the outer block
            record_some(3)
        # The head is written when the block ends.
        assert AuditChainHead.objects.get(id=1).last_event_id != AuditEvent.objects.order_by("-id")[0].pk
    last = AuditEvent.objects.order_by("-id")[0]
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_event_id, head.last_hash) == (last.pk, last.hash)
    assert audit_verify().ok and audit_verify().count == 5
    record_some(1)  # and the chain goes on outside a batch
    assert audit_verify().count == 6


@pytest.mark.django_db
def test_a_batch_refuses_an_event_rolled_back_inside_it():
    with pytest.raises(RuntimeError):
        with transaction.atomic(), audit_batch():
            record_some(1)
            try:
                with transaction.atomic():
                    record_some(1)
                    raise ValueError
            except ValueError:
                pass
    assert AuditEvent.objects.count() == 0
