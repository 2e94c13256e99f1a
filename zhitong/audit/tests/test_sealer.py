"""Issue 14: events are written unsealed (no lock on the chain head) and chained in order by
the sealer (services.seal; docs/audit-chain.md)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, connections, transaction

from zhitong.appeals import services as appeals
from zhitong.appeals.choices import Channel
from zhitong.audit import chain
from zhitong.audit.keys import keyring
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_record, audit_verify, seal

from . import tampering


@pytest.fixture
def background(settings):
    settings.ZHITONG_AUDIT_SEAL = "background"


def _record(n=1, **kw):
    return [
        audit_record(action="test.thing", object_type="test.thing", object_id=i, after={"i": i}, **kw)
        for i in range(n)
    ]


@pytest.mark.django_db
def test_a_write_takes_no_lock_and_the_sealer_chains_it_later(background, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the INSERT: no head lock, no head write
        (event,) = _record()
    event.refresh_from_db()
    assert (event.hash, event.prev_hash, event.seq) == (None, None, None)
    assert event.content_mac and event.recorded_at
    waiting = audit_verify()
    assert waiting.ok and (waiting.count, waiting.unsealed) == (0, 1), waiting
    assert "1 unsealed" in str(waiting)
    assert seal() == 1 and seal() == 0
    event.refresh_from_db()
    assert event.seq == 1 and event.prev_hash == chain.GENESIS and event.hash
    done = audit_verify()
    assert done.ok and (done.count, done.unsealed, done.head_id) == (1, 0, event.pk)


@pytest.mark.django_db
def test_the_chain_order_is_the_seal_order(background):
    first, second = _record(2)
    seal()
    third, fourth = _record(2)
    seal()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("id", flat=True))
    assert seqs == [first.pk, second.pk, third.pk, fourth.pk]
    assert audit_verify().count == 4


@pytest.mark.django_db
def test_in_the_embedded_mode_the_commit_seals(settings, django_capture_on_commit_callbacks):
    settings.ZHITONG_AUDIT_SEAL = "on_commit"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            _record(3)
    assert len(callbacks) == 1  # one attempt per transaction, however many events
    result = audit_verify()
    assert result.ok and (result.count, result.unsealed) == (3, 0)


@pytest.mark.django_db
def test_a_row_inserted_behind_the_back_is_never_sealed_and_verify_names_it(background):
    _record()
    fields = {f: getattr(AuditEvent.objects.get(), f) for f in chain.HASHED_FIELDS} | {"action": "forged"}
    ring = keyring()
    forged = tampering.insert(AuditEvent(key_id=ring.current_id, content_mac="0" * 64, **fields))
    assert seal() == 1  # the genuine one only
    forged.refresh_from_db()
    assert forged.hash is None
    result = audit_verify()
    assert not result.ok and result.event_id == forged.pk and "behind the application" in result.problem
    assert result.unsealed == 1


@pytest.mark.django_db
def test_an_event_left_unsealed_too_long_is_a_finding(background, settings):
    settings.ZHITONG_AUDIT_UNSEALED_MAX_MINUTES = 10
    (event,) = _record()
    fresh = audit_verify()
    assert fresh.ok
    # The same row, inserted long ago by the database's clock (the sealer has not run since).
    ring = keyring()
    fields = {f: getattr(event, f) for f in chain.HASHED_FIELDS}
    old = tampering.insert(
        AuditEvent(
            key_id=ring.current_id,
            content_mac=chain.content_mac(key=ring.current, key_id=ring.current_id, **fields),
            recorded_at=datetime(2020, 1, 1, tzinfo=UTC),
            **fields,
        )
    )
    stale = audit_verify()
    assert not stale.ok and stale.event_id == old.pk and "sealer is not running" in stale.problem
    assert stale.oldest_unsealed_at.year == 2020
    seal()
    assert audit_verify().ok


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_trigger_lets_only_the_one_time_seal_through(background):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    first, second = _record(2)

    def raw(sql, params):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    # Sealing while changing the content: refused.
    with pytest.raises(DatabaseError, match="append-only"):
        raw(
            "UPDATE audit_auditevent SET hash=%s, prev_hash=%s, seq=1, action='forged' WHERE id=%s",
            ["a" * 64, chain.GENESIS, first.pk],
        )
    # Changing an unsealed row's content without sealing it: refused.
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditevent SET action='forged' WHERE id=%s", [first.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditevent WHERE id=%s", [second.pk])
    assert seal() == 2  # the seal itself goes through
    # A sealed row is never updated again, not even by another "seal".
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditevent SET hash=%s WHERE id=%s", ["b" * 64, first.pk])
    assert audit_verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_distinct_codes_and_the_chain_seals_and_verifies(background, city):
    """N threads register at once: N distinct codes, no lock held between them, and after
    the sealer the chain verifies with every event in it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL concurrency")
    n = 8
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = appeals.appeal_intake(
                actor=city.clerk,
                enterprise_id=city.enterprise.pk,
                title=f"并发登记 {i}",
                description="并发登记的诉求",
                category_id=city.category.pk,
                channel=Channel.HOTLINE,
            )[0]
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = [getattr(r, "code", r) for r in results]
    assert all(isinstance(c, str) and c.startswith("ZT-") for c in codes), codes
    assert len(set(codes)) == n
    before = audit_verify()
    assert before.ok and before.unsealed >= n
    assert seal() >= n
    after = audit_verify()
    assert after.ok and after.unsealed == 0 and after.count == AuditEvent.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sealer_that_finds_the_head_busy_gives_up_at_once(background):
    """seal(wait=False) (the embedded mode's seal after each commit) while another
    transaction holds the head: 0 sealed, no error, the connection usable; the events wait
    for the next seal."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    seal()  # the head row (a transactional test starts from a flushed database)
    with transaction.atomic():
        _record(2)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                from zhitong.audit.models import AuditChainHead

                AuditChainHead.objects.select_for_update().filter(id=1).first()
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert locked.wait(30)
        assert seal(wait=False) == 0
        assert AuditEvent.objects.filter(hash__isnull=True).count() == 2
    finally:
        release.set()
        t.join(30)
    assert seal(wait=False) == 2
    assert audit_verify().ok
