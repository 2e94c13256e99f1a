"""The keyed chain: what someone who can write to the database, but does not hold the
key, can no longer do quietly; anchors against someone who does; key handling."""

import hashlib
import importlib
import io
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from zhitong.audit import chain, keys
from zhitong.audit.chain import GENESIS, SEAL_ACTION, Anchor
from zhitong.audit.management.commands.audit import Command
from zhitong.audit.models import AuditChainHead, AuditEvent
from zhitong.audit.services import audit_anchor, audit_record, audit_verify
from zhitong.audit.tests import tampering
from zhitong.audit.tests.tampering import behind_the_back

OTHER_KEY = "an-attackers-own-key-that-is-long-enough-0001"
NEW_KEY = "the-next-audit-key-after-rotation-long-enough-02"
NOW = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)


def record(n=3, start=0):
    return [
        audit_record(action="test.change", object_type="test.thing", object_id=i, after={"v": i})
        for i in range(start, start + n)
    ]


def run(*argv) -> str:
    out = io.StringIO()
    call_command("audit", *argv, stdout=out)
    return out.getvalue()


def legacy_row(prev: str, i: int) -> AuditEvent:
    fields = dict(
        at=datetime(2026, 1, 1, 8, i, tzinfo=UTC),
        actor_id=None,
        actor_name="system",
        actor_unit_id=None,
        action="test.legacy",
        object_type="test.thing",
        object_id=str(i),
        before=None,
        after={"v": i},
        client_addr="",
        outcome="ok",
    )
    return AuditEvent(prev_hash=prev, hash=chain.legacy_hash(prev_hash=prev, **fields), key_id="", **fields)


def seal_legacy_rows(n=3) -> list[AuditEvent]:
    """A database as it was before the upgrade (n events hashed with plain SHA-256, the
    head on the last), then migration 0005 run over it."""
    prev, legacy = GENESIS, []
    for i in range(n):
        legacy.append(tampering.insert(legacy_row(prev, i)))
        prev = legacy[-1].hash
    tampering.set_head(last_event_id=legacy[-1].pk, last_hash=prev, count=0, key_id="", mac="")
    migration = importlib.import_module("zhitong.audit.migrations.0005_seal_legacy_chain")
    migration.seal_and_sign(apps, SimpleNamespace(connection=connection))
    return legacy


@pytest.mark.django_db
class TestWithoutTheKey:
    def test_events_carry_the_key_id_and_their_position(self):
        events = record()
        ring = keys.keyring()
        assert [(e.key_id, e.seq) for e in events] == [(ring.current_id, i) for i in (1, 2, 3)]
        head = AuditChainHead.objects.get(id=1)
        assert (head.count, head.last_event_id, head.key_id) == (3, events[-1].pk, ring.current_id)

    def test_a_forged_row_above_the_head_is_found(self):
        events = record()
        forged = tampering.fields_of(events[-1]) | {"action": "test.forged", "object_id": "99"}
        # Linked to the last event, signed with a key of the forger's own under the real key id.
        digest = chain.event_mac(
            key=OTHER_KEY.encode(), key_id=events[-1].key_id, seq=4, prev_hash=events[-1].hash, **forged
        )
        row = tampering.insert(
            AuditEvent(prev_hash=events[-1].hash, hash=digest, key_id=events[-1].key_id, seq=4, **forged)
        )
        result = audit_verify()
        assert not result.ok and result.event_id == row.pk and "forged" in result.problem
        assert result.count == 3

    def test_an_unkeyed_row_above_the_head_is_found(self):
        # What passed before the chain was keyed: a plain SHA-256 row linked to the last event.
        events = record()
        row = tampering.insert(legacy_row(events[-1].hash, 9))
        result = audit_verify()
        assert not result.ok and result.event_id == row.pk and "unkeyed" in result.problem

    def test_a_row_signed_with_the_key_but_not_written_by_the_application_is_found(self):
        # Even a correctly signed row above the head (the head not moved) is reported.
        events = record()
        ring = keys.keyring()
        extra = tampering.fields_of(events[-1]) | {"action": "test.extra"}
        digest = chain.event_mac(
            key=ring.current, key_id=ring.current_id, seq=4, prev_hash=events[-1].hash, **extra
        )
        tampering.insert(
            AuditEvent(prev_hash=events[-1].hash, hash=digest, key_id=ring.current_id, seq=4, **extra)
        )
        result = audit_verify()
        assert not result.ok and "behind the application's back" in result.problem

    def test_a_truncated_tail_with_the_head_moved_back_is_found(self):
        events = record(4)
        tampering.delete(events[2].pk, events[3].pk)
        tampering.set_head(last_event_id=events[1].pk, last_hash=events[1].hash, count=2)
        result = audit_verify()
        assert not result.ok and "signature" in result.problem

    def test_a_truncated_tail_with_the_head_left_alone_is_found(self):
        events = record(4)
        tampering.delete(events[3].pk)
        result = audit_verify()
        assert not result.ok and result.event_id == events[3].pk and "newest" in result.problem

    def test_a_chain_rehashed_with_another_key_is_found(self):
        record()
        other_id = keys.key_id(OTHER_KEY.encode())
        tampering.rechain(tampering.signer(OTHER_KEY.encode(), other_id))
        last = tampering.rows()[-1]
        mac = chain.head_mac(
            key=OTHER_KEY.encode(), key_id=other_id, count=3, last_id=last.pk, last_hash=last.hash
        )
        tampering.set_head(last_event_id=last.pk, last_hash=last.hash, count=3, key_id=other_id, mac=mac)
        result = audit_verify()
        assert not result.ok and f"unknown key {other_id}" in result.problem

    def test_a_chain_rehashed_with_another_key_under_the_real_key_id_is_found(self):
        events = record()
        tampering.update(events[1].pk, after={"v": 99})
        tampering.rechain(tampering.signer(OTHER_KEY.encode(), events[0].key_id), start=1)
        result = audit_verify()
        assert not result.ok and result.event_id == events[1].pk and "altered or forged" in result.problem

    def test_a_chain_rehashed_with_plain_sha256_is_found(self):
        events = record()
        tampering.update(events[1].pk, after={"v": 99})

        def sha(event, prev, seq):
            return chain.legacy_hash(prev_hash=prev, **tampering.fields_of(event)), "", None

        tampering.rechain(sha)
        last = tampering.rows()[-1]
        tampering.set_head(last_event_id=last.pk, last_hash=last.hash, count=3)
        result = audit_verify()
        assert not result.ok and "re-hashed without the key" in result.problem


@pytest.mark.django_db
class TestTheChainKeyedAtUpgrade:
    def test_the_old_unkeyed_events_are_sealed_and_verify(self):
        legacy = seal_legacy_rows(3)
        seal = AuditEvent.objects.order_by("-id")[0]
        assert (seal.action, seal.prev_hash, seal.seq) == (SEAL_ACTION, legacy[-1].hash, 4)
        assert seal.after == {
            "legacy_last_id": legacy[-1].pk,
            "legacy_last_hash": legacy[-1].hash,
            "legacy_count": 3,
        }
        assert audit_verify().ok and audit_verify().count == 4
        assert "key (unkeyed): 3 events" in run("verify")
        record(2)
        assert audit_verify().count == 6

    def test_an_old_event_rewritten_and_its_sha256_chain_recomputed_breaks_the_seal(self):
        legacy = seal_legacy_rows(3)
        tampering.update(legacy[1].pk, after={"v": 99})

        def sha(event, prev, seq):
            return chain.legacy_hash(prev_hash=prev, **tampering.fields_of(event)), "", None

        events = tampering.rows()
        prev = legacy[0].hash
        with behind_the_back():
            for event in events[1:3]:
                digest, _, _ = sha(event, prev, None)
                AuditEvent._base_manager.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
                prev = digest
        result = audit_verify()
        seal = events[3]
        assert not result.ok and result.event_id == seal.pk and result.count == 3

    def test_unkeyed_events_without_the_seal_are_refused(self):
        prev = GENESIS
        for i in range(2):
            prev = tampering.insert(legacy_row(prev, i)).hash
        result = audit_verify()
        assert not result.ok and "no keyed seal" in result.problem

    def test_a_fresh_database_gets_no_seal_and_a_signed_genesis_head(self):
        AuditChainHead.objects.all().delete()
        migration = importlib.import_module("zhitong.audit.migrations.0005_seal_legacy_chain")
        migration.seal_and_sign(apps, SimpleNamespace(connection=connection))
        assert not AuditEvent.objects.exists()
        head = AuditChainHead.objects.get(id=1)
        assert (head.last_hash, head.count, head.key_id) == (GENESIS, 0, keys.keyring().current_id)
        assert audit_verify().ok
        tampering.set_head(last_event_id=0, last_hash=GENESIS, count=0, mac="0" * 64)
        assert not audit_verify().ok


@pytest.mark.django_db
class TestAnchors:
    def test_an_anchor_written_to_a_file_verifies_later(self, tmp_path):
        events = record()
        path = tmp_path / "head.txt"
        line = run("anchor", "--out", str(path)).strip()
        assert path.read_text().strip() == line
        anchor = Anchor.parse(line)
        assert (anchor.event_id, anchor.hash, anchor.count) == (events[-1].pk, events[-1].hash, 3)
        record(2, start=3)
        out = run("verify", "--against", f"@{path}")
        assert out.startswith("OK: 5 events") and f"event #{events[-1].pk}" in out
        assert run("verify", "--against", line).startswith("OK: 5 events")

    def test_an_anchor_survives_a_mail_client_wrapping_it(self):
        record()
        _, anchor = audit_anchor(now=NOW)
        wrapped = str(anchor).replace(" hash=", "\n  hash=").replace(" mac=", "\r\n mac=")
        assert Anchor.parse(wrapped) == anchor
        assert audit_verify(against=Anchor.parse(wrapped)).ok

    def test_a_chain_truncated_before_the_anchor_fails_even_with_a_resigned_head(self):
        # An insider holding the key removes the newest events and re-signs the head: the
        # chain is consistent again, and only the anchor kept outside shows it.
        events = record(4)
        _, anchor = audit_anchor(now=NOW)
        tampering.delete(events[3].pk)
        tampering.resign_head()
        assert audit_verify().ok
        result = audit_verify(against=anchor)
        assert not result.ok and "before the anchored event" in result.problem
        with pytest.raises(CommandError, match="before the anchored event"):
            run("verify", "--against", str(anchor))

    def test_a_rewritten_anchored_event_fails_even_when_resigned_with_the_key(self):
        events = record(4)
        _, anchor = audit_anchor(now=NOW)
        ring = keys.keyring()
        tampering.update(events[1].pk, after={"v": 99})
        tampering.rechain(tampering.signer(ring.current, ring.current_id), start=1)
        tampering.resign_head()
        assert audit_verify().ok
        result = audit_verify(against=anchor)
        assert not result.ok and result.event_id == events[-1].pk and "rewritten" in result.problem

    def test_an_anchored_event_deleted_and_the_rest_relinked_fails(self):
        events = record(4)
        _, anchor = audit_anchor(now=NOW)
        ring = keys.keyring()
        tampering.delete(events[3].pk)
        record(1)  # the chain goes on past where the anchored event was
        tampering.rechain(tampering.signer(ring.current, ring.current_id), start=3)
        tampering.resign_head()
        result = audit_verify(against=anchor)
        assert not result.ok and "missing" in result.problem

    def test_a_forged_anchor_is_refused(self):
        events = record()
        _, anchor = audit_anchor(now=NOW)
        # Someone edits the anchor to match a chain they shortened.
        edited = (
            str(anchor).replace(f"id={events[-1].pk} ", f"id={events[1].pk} ").replace("count=3", "count=2")
        )
        edited = edited.replace(events[-1].hash, events[1].hash)
        result = audit_verify(against=Anchor.parse(edited))
        assert not result.ok and "signature" in result.problem
        other = Anchor(anchor.event_id, anchor.hash, anchor.count, NOW, keys.key_id(OTHER_KEY.encode()))
        assert not audit_verify(against=other.signed(OTHER_KEY.encode())).ok
        with pytest.raises(CommandError, match="signature"):
            run("verify", "--against", edited)

    @pytest.mark.parametrize(
        "text, message",
        [
            ("hello", "not an audit anchor"),
            ("zhitong-audit-anchor/1 id=1 count=1", "lacks"),
            ("zhitong-audit-anchor/1 id=x", "malformed"),
        ],
    )
    def test_a_malformed_anchor_is_refused(self, text, message):
        with pytest.raises(CommandError, match=message):
            run("verify", "--against", text)

    def test_a_broken_chain_is_not_anchored(self):
        events = record()
        tampering.update(events[0].pk, action="test.altered")
        result, anchor = audit_anchor(now=NOW)
        assert anchor is None and not result.ok
        with pytest.raises(CommandError, match="not anchoring a broken chain"):
            run("anchor")


@pytest.mark.django_db
class TestTheCommandsExitCodes:
    @pytest.fixture(autouse=True)
    def _keep_the_test_connection(self, monkeypatch):
        # run_from_argv closes every connection when it ends: not the test's.
        monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def exit_code(self, *argv) -> int:
        try:
            Command().run_from_argv(["zhitong", "audit", *argv])
        except SystemExit as exc:
            return exc.code
        return 0

    def test_verify_exits_zero_on_a_sound_chain_and_one_on_a_broken_one(self, capsys):
        events = record()
        assert self.exit_code("verify") == 0
        tampering.update(events[1].pk, action="test.altered")
        assert self.exit_code("verify") == 1
        assert f"BROKEN at event #{events[1].pk}" in capsys.readouterr().err

    def test_verify_against_a_missing_anchor_file_exits_one(self, tmp_path):
        assert self.exit_code("verify", "--against", f"@{tmp_path / 'none.txt'}") == 1

    def test_newkey_prints_a_key_long_enough_to_use(self):
        key = run("newkey").strip()
        assert len(key) >= keys.MIN_KEY_LENGTH and key != run("newkey").strip()


@pytest.mark.django_db
class TestKeys:
    def test_rotated_keys_verify_old_events_by_their_key_id(self, settings):
        old_events = record(2)
        old_id = old_events[0].key_id
        settings.AUDIT_HMAC_OLD_KEYS = [keys.keyring().current.decode()]
        settings.AUDIT_HMAC_KEY = NEW_KEY
        new_events = record(2, start=2)
        assert new_events[0].key_id == keys.key_id(NEW_KEY.encode()) != old_id
        assert audit_verify().ok and audit_verify().count == 4
        assert audit_verify().keys == {
            old_id: [2, old_events[0].pk, old_events[1].pk],
            new_events[0].key_id: [2, new_events[0].pk, new_events[1].pk],
        }
        assert f"key {old_id}: 2 events, #{old_events[0].pk}–#{old_events[1].pk}" in run("verify")
        settings.AUDIT_HMAC_OLD_KEYS = []  # the retired key lost: its events can no longer be checked
        result = audit_verify()
        assert (
            not result.ok
            and result.event_id == old_events[0].pk
            and "ZHITONG_AUDIT_OLD_KEYS" in result.problem
        )

    def test_a_short_key_is_refused(self, settings):
        settings.AUDIT_HMAC_KEY = "short"
        with pytest.raises(ImproperlyConfigured):
            record(1)

    def test_the_embedded_key_file_is_made_once_and_private(self, tmp_path):
        path = tmp_path / "var" / "audit-hmac.key"
        first = keys._key_file.__wrapped__(str(path))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert keys._key_file.__wrapped__(str(path)) == first and len(first) >= keys.MIN_KEY_LENGTH
        assert [p.name for p in path.parent.iterdir()] == ["audit-hmac.key"]  # no temporary left

    def test_the_key_never_reaches_the_database(self, settings):
        settings.AUDIT_HMAC_KEY = NEW_KEY
        record(1)
        dump = io.StringIO()
        call_command("dumpdata", "audit", stdout=dump)
        assert NEW_KEY not in dump.getvalue()
        assert hashlib.sha256(NEW_KEY.encode()).hexdigest() not in dump.getvalue()


def test_production_refuses_to_start_without_the_key():
    env = {**os.environ, "ZHITONG_PRODUCTION": "1", "SECRET_KEY": "x" * 50}
    env.pop("ZHITONG_AUDIT_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", "import zhitong.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=os.getcwd(),
    )
    assert done.returncode != 0 and "ZHITONG_AUDIT_KEY must be set" in done.stderr
    env["ZHITONG_AUDIT_KEY"] = NEW_KEY
    env["ZHITONG_FIELD_KEYS"] = env["ZHITONG_BLIND_INDEX_KEY"] = NEW_KEY  # required in production too
    assert subprocess.run([sys.executable, "-c", "import zhitong.settings"], env=env).returncode == 0


@pytest.mark.postgres
@pytest.mark.django_db
class TestTheDatabaseRefusesChanges:
    @pytest.fixture(autouse=True)
    def _postgres_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("the append-only trigger is PostgreSQL's")

    def test_an_update_is_refused(self):
        event = record(1)[0]
        with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).action == "test.change"

    def test_a_delete_is_refused(self):
        event = record(1)[0]
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_flush_still_empties_the_table_on_postgresql():
    # TransactionTestCase and pytest-django's transaction=True flush with TRUNCATE, which
    # the row trigger does not see.
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    record(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record(1)  # the head is re-created, signed, on the next write
    assert audit_verify().ok and audit_verify().count == 1
