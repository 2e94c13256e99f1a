"""Test helpers that play the attacker: someone who can write to the database directly.

On PostgreSQL the append-only trigger (migration 0006) refuses UPDATE and DELETE on audit
events, even in raw SQL; a superuser can switch triggers off for the session
(session_replication_role = replica), and so do these helpers, for the block only.
(ALTER TABLE … DISABLE TRIGGER would do too, but not in a transaction that has pending
deferred foreign-key checks, as a test's has.)"""

from contextlib import contextmanager

from django.db import connection, models

from zhitong.audit import chain
from zhitong.audit.keys import keyring
from zhitong.audit.models import AuditChainHead, AuditEvent


@contextmanager
def behind_the_back():
    """Raw UPDATE/DELETE on audit_auditevent allowed inside the block (a table owner's power)."""
    on_pg = connection.vendor == "postgresql"
    if on_pg:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if on_pg:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


def rows():
    """Every event, oldest first, as the ORM's base manager sees them."""
    return list(AuditEvent._base_manager.order_by("id"))


def fields_of(event) -> dict:
    return {f: getattr(event, f) for f in chain.HASHED_FIELDS}


def insert(event: AuditEvent) -> AuditEvent:
    """INSERT a row as given, past the model's own checks."""
    models.Model.save(event, force_insert=True)
    return event


def update(event_id: int, **values) -> None:
    with behind_the_back():
        AuditEvent._base_manager.filter(pk=event_id).update(**values)


def delete(*event_ids: int) -> None:
    with behind_the_back():
        AuditEvent._base_manager.filter(pk__in=event_ids).delete()


def set_head(*, last_event_id: int, last_hash: str, count: int, key_id=None, mac=None) -> None:
    """Point the head elsewhere; its key id and signature stay as they were unless given."""
    values = {"last_event_id": last_event_id, "last_hash": last_hash, "count": count}
    if key_id is not None:
        values["key_id"] = key_id
    if mac is not None:
        values["mac"] = mac
    AuditChainHead.objects.filter(id=1).update(**values)


def rechain(sign, *, start: int = 0) -> None:
    """Rewrite every event from position `start` on with `sign(event, prev_hash, seq)` ->
    (hash, key_id, seq), relinking each to the one before: what someone does to hide a
    change. The head is left alone (callers decide how to forge it)."""
    events = rows()
    prev = events[start - 1].hash if start else chain.GENESIS
    with behind_the_back():
        for seq, event in enumerate(events[start:], start=start + 1):
            digest, kid, new_seq = sign(event, prev, seq)
            AuditEvent._base_manager.filter(pk=event.pk).update(
                prev_hash=prev, hash=digest, key_id=kid, seq=new_seq
            )
            prev = digest


def signer(key: bytes, kid: str):
    """A `rechain` signer with this key and key id (the real key: an insider holding it)."""

    def sign(event, prev, seq):
        return chain.event_mac(key=key, key_id=kid, seq=seq, prev_hash=prev, **fields_of(event)), kid, seq

    return sign


def resign_head() -> None:
    """Re-sign the head on the current last event, with the real key (an insider holding it)."""
    ring = keyring()
    events = rows()
    last_id, last_hash = (events[-1].pk, events[-1].hash) if events else (0, chain.GENESIS)
    mac = chain.head_mac(
        key=ring.current, key_id=ring.current_id, count=len(events), last_id=last_id, last_hash=last_hash
    )
    set_head(last_event_id=last_id, last_hash=last_hash, count=len(events), key_id=ring.current_id, mac=mac)
