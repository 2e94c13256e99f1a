"""Writing, sealing and verifying audit events (docs/audit-chain.md). Call `audit_record`
inside the same transaction as the change it records: it inserts the event *unsealed* (its
content fixed and MACed, no place in the chain yet) and takes no lock, so audited writes no
longer queue behind one another. `seal` puts the committed unsealed events in the chain, in
id order, under the chain head's lock: after the commit in-process (the embedded mode), every
few seconds from Celery beat (production) and from `zhitong audit seal`."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Count, DateTimeField, ExpressionWrapper, Min, Value
from django.db.models.functions import Now
from django.utils import timezone

from zhitong.core import context

from . import chain
from .chain import GENESIS, HASHED_FIELDS, LEGACY_KEY_ID, SEAL_ACTION, Anchor, normalise
from .keys import Keyring, keyring
from .models import AuditChainHead, AuditEvent

__all__ = [
    "GENESIS",
    "Anchor",
    "audit_anchor",
    "audit_batch",
    "audit_record",
    "audit_verify",
    "normalise",
    "seal",
]

# How each audited write gets sealed (settings.ZHITONG_AUDIT_SEAL):
#   "on_commit"  after the writer's commit, in-process, if the head is free (the embedded mode);
#   "background" only by the sealer (Celery beat every few seconds, `zhitong audit seal`);
#   "inline"     in the writer's transaction, under the head's lock (the old behaviour: every
#                audited write queues; for tests that assert on the chain right after a write).
SEAL_MODES = ("on_commit", "background", "inline")
# Events sealed per sealer transaction: a burst is chained in several short transactions.
SEAL_CHUNK = 500


def _seal_mode() -> str:
    return getattr(settings, "ZHITONG_AUDIT_SEAL", "on_commit")


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
    batch_head = _batch_head.get()
    if batch_head is not None:
        # Inside audit_batch(): the head is locked and held in memory until the block ends.
        return _append(batch_head, fields)
    ring = keyring()
    event = AuditEvent(
        key_id=ring.current_id,
        content_mac=chain.content_mac(key=ring.current, key_id=ring.current_id, **fields),
        **fields,
    )
    event.save()
    mode = _seal_mode()
    if mode == "inline":
        with transaction.atomic():
            _seal_locked(_lock_head())
        event.refresh_from_db(fields=["prev_hash", "hash", "seq", "key_id"])
    elif mode == "on_commit":
        _seal_after_commit()
    return event


def _seal_after_commit() -> None:
    """Once per transaction: after it commits, seal what is waiting, if nobody else is."""
    conn = transaction.get_connection()
    if any(getattr(item[1], "zt_audit_seal", False) for item in conn.run_on_commit):
        return

    def run():
        try:
            seal(wait=False)
        except DatabaseError:
            pass  # the background sealer (or the next write) will seal it; verify reports the wait

    run.zt_audit_seal = True
    transaction.on_commit(run)


def seal(*, wait: bool = True, limit: int | None = None) -> int:
    """Chain the committed unsealed events, oldest id first; returns how many were sealed.

    Locks the chain head (`wait=False`: give up at once, returning 0, if another sealer or
    an audit_batch holds it), takes the unsealed rows in id order (`skip_locked`: rows a
    concurrent sealer took are left to it), and gives each the next position (`seq`), the
    previous event's hash and its own HMAC, then signs the head; one transaction per
    SEAL_CHUNK events. The chain's order is the seal order: ids are handed out at insert but
    committed in any order, so an event may be chained after one with a higher id. A row
    whose content does not match the MAC it was written with is not chained (it was inserted
    or altered behind the application's back): it stays unsealed and `audit verify` names it."""
    total = 0
    while limit is None or total < limit:
        chunk = SEAL_CHUNK if limit is None else min(SEAL_CHUNK, limit - total)
        try:
            with transaction.atomic():
                n = _seal_locked(_lock_head(nowait=not wait), limit=chunk)
        except DatabaseError:
            if wait:
                raise
            return total  # the head is busy (SQLite: the database is)
        total += n
        if n < chunk:
            break
    return total


def _seal_locked(head: AuditChainHead, *, limit: int = SEAL_CHUNK) -> int:
    """Seal up to `limit` unsealed events after `head` (locked by the caller); writes the head."""
    qs = AuditEvent._base_manager.filter(hash__isnull=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    ring = keyring()
    sealed = 0
    for event in qs[:limit]:
        fields = {f: getattr(event, f) for f in HASHED_FIELDS}
        if not _content_sound(event, fields, ring):
            continue
        seq = head.count + 1
        digest = chain.event_mac(
            key=ring.current, key_id=ring.current_id, seq=seq, prev_hash=head.last_hash, **fields
        )
        # The one UPDATE an event ever gets (the trigger of migration 0007 allows only it).
        models.QuerySet.update(
            AuditEvent._base_manager.filter(pk=event.pk, hash__isnull=True),
            prev_hash=head.last_hash,
            hash=digest,
            seq=seq,
            key_id=ring.current_id,
        )
        head.last_hash, head.last_event_id, head.count = digest, event.pk, seq
        sealed += 1
    if sealed:
        _write_head(head)
    return sealed


def _content_sound(event, fields: dict, ring: Keyring) -> bool:
    key = ring.get(event.key_id) if event.key_id else None
    if key is None or not event.content_mac:
        return False
    return chain.same(chain.content_mac(key=key, key_id=event.key_id, **fields), event.content_mac)


def _append(head: AuditChainHead, fields: dict) -> AuditEvent:
    """Insert the next event after `head` (locked by the caller) and move `head` (in memory)."""
    ring = keyring()
    seq = head.count + 1
    digest = chain.event_mac(
        key=ring.current, key_id=ring.current_id, seq=seq, prev_hash=head.last_hash, **fields
    )
    event = AuditEvent(prev_hash=head.last_hash, hash=digest, key_id=ring.current_id, seq=seq, **fields)
    event.save()
    head.last_hash, head.last_event_id, head.count = digest, event.pk, seq
    return event


def _signed_head(head: AuditChainHead, ring: Keyring) -> dict:
    mac = chain.head_mac(
        key=ring.current,
        key_id=ring.current_id,
        count=head.count,
        last_id=head.last_event_id,
        last_hash=head.last_hash,
    )
    return {
        "last_hash": head.last_hash,
        "last_event_id": head.last_event_id,
        "count": head.count,
        "key_id": ring.current_id,
        "mac": mac,
    }


def _write_head(head: AuditChainHead) -> None:
    AuditChainHead.objects.filter(id=1).update(**_signed_head(head, keyring()))


def _lock_head(*, nowait: bool = False) -> AuditChainHead:
    """The chain head, locked for the rest of the transaction. `nowait`: DatabaseError at
    once if another transaction holds it (PostgreSQL; SQLite has one writer anyway). No
    savepoint of its own: the one caller that passes it, `seal`, gives up on that error and
    its transaction is rolled back with it (a savepoint was two more statements in every
    audited request, issue 14)."""
    if nowait and connection.features.has_select_for_update_nowait:
        head = AuditChainHead.objects.select_for_update(nowait=True).filter(id=1).first()
        if head is not None:
            return head
    # The head row is created by a migration; get_or_create covers a flushed database.
    genesis = AuditChainHead(id=1, last_hash=GENESIS, last_event_id=0, count=0)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults=_signed_head(genesis, keyring())
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
    first_count, first_hash = head.count, head.last_hash
    token = _batch_head.set(head)
    try:
        yield
    finally:
        _batch_head.reset(token)
    if head.last_hash == first_hash:
        return
    # Every event the block recorded must still be there, the last one last.
    written = AuditEvent.objects.filter(seq__gt=first_count)
    if written.order_by("-seq").values_list("hash", flat=True).first() != head.last_hash:
        raise RuntimeError("audit_batch(): an event was rolled back inside the block; the chain would break")
    _write_head(head)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # events checked and found sound
    event_id: int | None = None  # the first broken link
    problem: str = ""
    head_hash: str = GENESIS
    head_id: int = 0  # the last event checked (0: none)
    # Per key id ("" = unkeyed): [events, first id, last id], in the order keys first appear.
    keys: dict = field(default_factory=dict)
    # Events recorded but not yet in the chain, and when the oldest of them was inserted.
    unsealed: int = 0
    oldest_unsealed_at: datetime | None = None

    def __str__(self) -> str:
        waiting = ""
        if self.unsealed:
            waiting = f"; {self.unsealed} unsealed, the oldest inserted {self.oldest_unsealed_at:%Y-%m-%d %H:%M:%S} UTC"
        if self.ok:
            return f"OK: {self.count} events{waiting}"
        where = f"event #{self.event_id}" if self.event_id is not None else "chain head"
        return f"BROKEN at {where}: {self.problem} ({self.count} events before it are sound){waiting}"


class _Broken(Exception):
    def __init__(self, problem: str, event_id: int | None = None):
        super().__init__(problem)
        self.problem, self.event_id = problem, event_id


class _Walk:
    """The state of one walk along the chain; `step` checks the next event in id order.

    Unkeyed (legacy) events, hashed with plain SHA-256 before the chain was keyed, are
    accepted only at the start of the chain, and only if the first keyed event after them
    is the seal that migration 0005 wrote at upgrade time naming the last of them. We
    chose this over re-chaining the old events under the key at upgrade: re-chaining would
    rewrite every existing row (an UPDATE of the whole table, and a blessing of whatever
    had been tampered with before the upgrade), while the seal leaves the old rows exactly
    as they were written and still protects them. Its MAC covers its prev_hash, the hash
    of the last legacy event, which covers every legacy event before it: rewriting any of
    them (even recomputing their SHA-256s) breaks the seal, and an unkeyed event after the
    seal, or unkeyed events with no seal after them (a chain re-hashed without the key),
    are refused."""

    def __init__(self, ring: Keyring, anchor: Anchor | None):
        self.ring, self.anchor = ring, anchor
        self.prev_hash, self.last_id, self.count = GENESIS, 0, 0
        self.keyed = False  # a keyed event has been seen
        self.keys: dict[str, list[int]] = {}
        self.anchor_seen = anchor is None or anchor.event_id == 0

    def step(self, row: dict) -> None:
        event_id = row["id"]
        if row["prev_hash"] != self.prev_hash:
            if self.count == 0:
                raise _Broken(
                    "prev_hash is not the genesis value: the events before it were removed", event_id
                )
            raise _Broken(
                f"prev_hash does not match the hash of event #{self.last_id}: "
                "an event between them was removed or altered",
                event_id,
            )
        fields = {f: row[f] for f in HASHED_FIELDS}
        if row["key_id"] == LEGACY_KEY_ID:
            if self.keyed:
                raise _Broken(
                    "an unkeyed event after keyed ones: it was not written by the application", event_id
                )
            expected = chain.legacy_hash(prev_hash=row["prev_hash"], **fields)
        else:
            key = self.ring.get(row["key_id"])
            if key is None:
                raise _Broken(
                    f"signed with unknown key {row['key_id']}: forged, or a retired key missing from "
                    "ZHITONG_AUDIT_OLD_KEYS",
                    event_id,
                )
            if row["seq"] != self.count + 1:
                raise _Broken(f"its position is {row['seq']}, expected {self.count + 1}", event_id)
            if not self.keyed and self.count:
                self._check_seal(row)
            self.keyed = True
            expected = chain.event_mac(
                key=key, key_id=row["key_id"], seq=row["seq"], prev_hash=row["prev_hash"], **fields
            )
        if not chain.same(expected, row["hash"]):
            raise _Broken("content does not match its hash: the row was altered or forged", event_id)
        if self.anchor is not None and not self.anchor_seen and self.count + 1 >= self.anchor.count:
            self._check_anchor(row)
        self.prev_hash, self.last_id, self.count = row["hash"], event_id, self.count + 1
        span = self.keys.setdefault(row["key_id"], [0, event_id, event_id])
        span[0], span[2] = span[0] + 1, event_id

    def _check_seal(self, row: dict) -> None:
        after = row["after"] or {}
        if row["action"] != SEAL_ACTION or (after.get("legacy_last_id"), after.get("legacy_count")) != (
            self.last_id,
            self.count,
        ):
            raise _Broken(
                f"the unkeyed events before it are not sealed (expected a {SEAL_ACTION} event naming "
                f"#{self.last_id} and {self.count} events): the chain was re-hashed without the key",
                row["id"],
            )

    def _check_anchor(self, row: dict) -> None:
        a = self.anchor
        if row["id"] != a.event_id:
            raise _Broken(f"the anchored event #{a.event_id} is missing", a.event_id)
        if row["hash"] != a.hash or self.count + 1 != a.count:
            raise _Broken(
                f"the anchored event was rewritten: the anchor names hash {a.hash[:12]}… at position "
                f"{a.count}, the chain has {row['hash'][:12]}… at position {self.count + 1}",
                a.event_id,
            )
        self.anchor_seen = True

    def finish(self, head: AuditChainHead | None) -> None:
        """The chain has been walked to its end: the head must name its last event."""
        if self.count and not self.keyed:
            raise _Broken(
                "unkeyed events with no keyed seal after them: the chain was re-hashed without the key",
                self.last_id,
            )
        if self.anchor is not None and not self.anchor_seen:
            raise _Broken(
                f"the chain ends at #{self.last_id}, before the anchored event #{self.anchor.event_id}: "
                "events were removed",
                self.anchor.event_id,
            )
        if head is None:
            if self.count:
                raise _Broken("the chain head row is missing")
            return
        key = self.ring.get(head.key_id)
        if key is None:
            raise _Broken(f"the chain head is signed with unknown key {head.key_id!r}: it was altered")
        expected = chain.head_mac(
            key=key,
            key_id=head.key_id,
            count=head.count,
            last_id=head.last_event_id,
            last_hash=head.last_hash,
        )
        if not chain.same(expected, head.mac):
            raise _Broken(
                "the chain head does not match its signature: it was altered", head.last_event_id or None
            )
        if (head.last_event_id, head.last_hash, head.count) != (self.last_id, self.prev_hash, self.count):
            if head.last_event_id > self.last_id:
                cause = "the newest events were removed"
            else:
                cause = "events were added behind the application's back"
            raise _Broken(
                f"the head names event #{head.last_event_id} ({head.last_hash[:12]}…, {head.count} events) but "
                f"the chain ends at #{self.last_id} ({self.prev_hash[:12]}…, {self.count} events): {cause}",
                head.last_event_id or None,
            )


def audit_verify(*, chunk_size: int = 2000, against: Anchor | None = None) -> VerifyResult:
    """Walk the whole table in id order, recomputing each event's HMAC and link; report the
    first break. Then the signed head must name the last event. With `against` (an anchor
    made earlier), the chain must still pass through the anchored event, unchanged.

    Every row is checked, including rows above the head (a row inserted behind the
    application's back). Events appended while this runs are followed: when the walk
    ends, the head is re-read, and if it has moved on the walk continues from where it
    stopped. Streams in chunks: memory stays flat however long the log grows."""
    ring = keyring()
    if against is not None:
        key = ring.get(against.key_id)
        if key is None or not chain.same(against.expected_mac(key), against.mac):
            return VerifyResult(
                False, 0, None, "the anchor's signature is not valid: it was not made by this system"
            )
    walk = _Walk(ring, against)
    columns = ("id", "prev_hash", "hash", "key_id", "seq", *HASHED_FIELDS)
    sealed = AuditEvent.objects.filter(hash__isnull=False)
    try:
        # The unkeyed (legacy) events first, in id order; then the chain by position (the
        # seal order, which need not be the id order).
        legacy = sealed.filter(seq__isnull=True)
        first_keyed = sealed.filter(seq__isnull=False).aggregate(m=Min("id"))["m"]
        if first_keyed is not None:
            legacy = legacy.filter(id__lt=first_keyed)
        for row in legacy.order_by("id").values(*columns).iterator(chunk_size=chunk_size):
            walk.step(row)
        while True:
            rows = sealed.filter(seq__gt=walk.count).order_by("seq").values(*columns)
            before = walk.count
            for row in rows.iterator(chunk_size=chunk_size):
                walk.step(row)
            head = AuditChainHead.objects.filter(id=1).first()
            # A head ahead of the walk means events were sealed after the walk passed, unless
            # this round found nothing more.
            if head is None or head.count <= walk.count or walk.count == before:
                break
        if first_keyed is not None:
            late = sealed.filter(seq__isnull=True, id__gt=first_keyed).order_by("id").first()
            if late is not None:
                raise _Broken(
                    "an unkeyed event after keyed ones: it was not written by the application", late.pk
                )
        walk.finish(head)
        _check_unsealed(ring)
    except _Broken as broken:
        n, oldest = _unsealed_stats()
        return VerifyResult(
            False,
            walk.count,
            broken.event_id,
            broken.problem,
            walk.prev_hash,
            walk.last_id,
            unsealed=n,
            oldest_unsealed_at=oldest,
        )
    n, oldest = _unsealed_stats()
    return VerifyResult(
        True,
        walk.count,
        head_hash=walk.prev_hash,
        head_id=walk.last_id,
        keys=walk.keys,
        unsealed=n,
        oldest_unsealed_at=oldest,
    )


def _unsealed_stats() -> tuple[int, datetime | None]:
    row = AuditEvent.objects.filter(hash__isnull=True).aggregate(n=Count("id"), oldest=Min("recorded_at"))
    return row["n"], row["oldest"]


def _check_unsealed(ring: Keyring) -> None:
    """The events waiting for their seal: each must match the MAC it was written with (else
    it was inserted or altered behind the application's back, and the sealer leaves it out),
    and none may have waited longer than ZHITONG_AUDIT_UNSEALED_MAX_MINUTES by the database's
    clock (the sealer is not running)."""
    minutes = getattr(settings, "ZHITONG_AUDIT_UNSEALED_MAX_MINUTES", 10)
    waiting = AuditEvent.objects.filter(hash__isnull=True).order_by("id")
    for event in waiting.iterator(chunk_size=2000):
        if not _content_sound(event, {f: getattr(event, f) for f in HASHED_FIELDS}, ring):
            raise _Broken(
                "an unsealed event does not match the MAC it was written with: it was inserted or "
                "altered behind the application's back, and will not be sealed",
                event.pk,
            )
    deadline = ExpressionWrapper(Now() - Value(timedelta(minutes=minutes)), output_field=DateTimeField())
    stale = waiting.filter(recorded_at__lt=deadline)
    first = stale.values_list("id", flat=True).first()
    if first is not None:
        raise _Broken(
            f"{stale.count()} events have waited more than {minutes} minutes for their seal: "
            "the sealer is not running (Celery beat's audit-seal, or `zhitong audit seal`)",
            first,
        )


def audit_anchor(
    *, now: datetime | None = None, chunk_size: int = 2000
) -> tuple[VerifyResult, Anchor | None]:
    """Verify the chain and, if it is sound, sign its head as an anchor (None if broken:
    anchoring a broken chain would vouch for it)."""
    result = audit_verify(chunk_size=chunk_size)
    if not result.ok:
        return result, None
    ring = keyring()
    anchor = Anchor(result.head_id, result.head_hash, result.count, now or timezone.now(), ring.current_id)
    return result, anchor.signed(ring.current)


def parse_anchor(text: str) -> Anchor:
    """An anchor from its text (chain.BadAnchor if it is not one)."""
    return Anchor.parse(text)
