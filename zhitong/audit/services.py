"""Writing and verifying audit events. Call `audit_record` inside the same transaction as
the change it records, preferably as its last statement: it locks the chain head until
that transaction ends, so every audited write in the system queues behind it."""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from zhitong.core import context

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def normalise(value):
    """JSON round-trip so that what we hash is exactly what the database returns."""
    return None if value is None else json.loads(_canonical(value))


def _numbers(value):
    # PostgreSQL's jsonb keeps numbers as numeric: 1e20 comes back as the integer
    # 100000000000000000000. Hash whole floats as integers so both sides agree.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def event_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor_id,
    actor_name: str,
    actor_unit_id,
    action: str,
    object_type: str,
    object_id: str,
    before,
    after,
    client_addr: str,
    outcome: str,
) -> str:
    """SHA-256 over every column an event has except its id and its own hash."""
    payload = _canonical(
        {
            "prev": prev_hash,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_name": actor_name,
            "unit": actor_unit_id,
            "action": action,
            "type": object_type,
            "id": str(object_id),
            "before": _numbers(before),
            "after": _numbers(after),
            "addr": client_addr,
            "outcome": outcome,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_unit_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "client_addr",
    "outcome",
)


def audit_record(
    *,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    actor=None,
    before=None,
    after=None,
    outcome: str = "ok",
    client_addr: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction so the
    event and the change it records commit or roll back together.

    actor defaults to the signed-in user of the current request (context); client_addr
    to the request's address. object_type defaults to obj's `app_label.model`."""
    from django.contrib.auth import get_user_model

    info = context.current()
    if actor is None and info.user_id is not None:
        actor = get_user_model().objects.filter(pk=info.user_id).first()
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None  # AnonymousUser
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    at = now or timezone.now()
    addr = info.client_addr if client_addr is None else client_addr
    fields = dict(
        at=at,
        actor_id=actor.pk if actor else None,
        actor_name=actor.get_username() if actor else "system",
        actor_unit_id=getattr(actor, "unit_id", None) if actor else None,
        action=action[:64],
        object_type=(object_type or "")[:64],
        object_id=str(object_id if object_id is not None else "")[:64],
        before=normalise(before),
        after=normalise(after),
        client_addr=(addr or "")[:64],
        outcome=outcome[:20],
    )
    chain = _batch_head.get()
    if chain is not None:
        # Inside audit_batch(): the head is locked and held in memory until the block ends.
        digest = event_hash(prev_hash=chain.last_hash, **fields)
        event = AuditEvent(prev_hash=chain.last_hash, hash=digest, **fields)
        event.save()
        chain.last_hash, chain.last_event_id = digest, event.pk
        return event
    with transaction.atomic():
        head = _lock_head()
        digest = event_hash(prev_hash=head.last_hash, **fields)
        event = AuditEvent(prev_hash=head.last_hash, hash=digest, **fields)
        event.save()
        AuditChainHead.objects.filter(id=1).update(last_hash=digest, last_event_id=event.pk)
    return event


def _lock_head() -> AuditChainHead:
    # The head row is created by a migration; get_or_create covers a flushed database.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS, "last_event_id": 0}
    )
    return head


_batch_head: ContextVar[AuditChainHead | None] = ContextVar("audit_batch_head", default=None)


@contextmanager
def audit_batch():
    """Many events in one transaction (a bulk load such as the demo city): the chain head
    is locked and read once when the block starts and written once when it ends, instead
    of per event. Each event is still written by audit_record, in order, with the same
    hash. The head stays locked until the transaction ends either way. Only for code
    that does not catch errors inside savepoints of its own: an event rolled back to a
    savepoint would leave the in-memory head ahead of the table."""
    if _batch_head.get() is not None:  # nested: the outer block owns the head
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_batch() must run inside a transaction")
    head = _lock_head()
    first_id, first_hash = head.last_event_id, head.last_hash
    token = _batch_head.set(head)
    try:
        yield
    finally:
        _batch_head.reset(token)
    if head.last_hash == first_hash:
        return
    # Every event the block recorded must still be there, the last one last.
    written = AuditEvent.objects.filter(id__gt=first_id)
    if written.order_by("-id").values_list("hash", flat=True).first() != head.last_hash:
        raise RuntimeError("audit_batch(): an event was rolled back inside the block; the chain would break")
    AuditChainHead.objects.filter(id=1).update(last_hash=head.last_hash, last_event_id=head.last_event_id)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # events checked and found sound
    event_id: int | None = None  # the first broken link
    problem: str = ""
    head_hash: str = GENESIS

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.count} events"
        where = f"event #{self.event_id}" if self.event_id is not None else "chain head"
        return f"BROKEN at {where}: {self.problem} ({self.count} events before it are sound)"


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain in id order, recomputing each hash; report the first broken link.

    The head is read first and only events up to its id are checked, so events appended
    while this runs (ids above it) cannot raise a false alarm. Streams in chunks: memory
    stays flat however long the log grows."""
    head = AuditChainHead.objects.filter(id=1).first()
    last_id = head.last_event_id if head else None
    rows = AuditEvent.objects.order_by("id")
    if last_id is not None:
        rows = rows.filter(id__lte=last_id)
    prev_hash, prev_id, count = GENESIS, None, 0
    for row in rows.values("id", "prev_hash", "hash", *HASHED_FIELDS).iterator(chunk_size=chunk_size):
        if row["prev_hash"] != prev_hash:
            if prev_id is None:
                problem = "prev_hash is not the genesis value: the events before it were removed"
            else:
                problem = f"prev_hash does not match the hash of event #{prev_id}: an event between them was removed or altered"
            return VerifyResult(False, count, row["id"], problem, prev_hash)
        expected = event_hash(prev_hash=row["prev_hash"], **{f: row[f] for f in HASHED_FIELDS})
        if expected != row["hash"]:
            return VerifyResult(
                False, count, row["id"], "content does not match its hash: the row was altered", prev_hash
            )
        prev_hash, prev_id, count = row["hash"], row["id"], count + 1
    if head is None:
        if count:
            return VerifyResult(False, count, None, "the chain head row is missing", prev_hash)
        return VerifyResult(True, 0)
    if head.last_event_id != (prev_id or 0) or head.last_hash != prev_hash:
        problem = (
            f"the head names event #{head.last_event_id} ({head.last_hash[:12]}…) but the chain ends at "
            f"#{prev_id or 0} ({prev_hash[:12]}…): the newest events were removed or the head was altered"
        )
        return VerifyResult(False, count, head.last_event_id or None, problem, prev_hash)
    return VerifyResult(True, count, head_hash=prev_hash)
