"""Audit events of a generated history, written as a valid chain.

The one function through which the generator writes audit events (`write_audit_events`):
it locks the chain head, MACs each event with `audit/chain.py`'s `event_mac` under the
current key exactly as `audit.services.audit_record` would (previous hash, position,
key id), writes the rows in one COPY, and signs the new head (`head_mac`). The rows are
written sealed (a bulk load seals inline, like audit_batch(); docs/audit-chain.md). Call inside a transaction."""

from __future__ import annotations

from zhitong.audit import chain
from zhitong.audit.keys import keyring
from zhitong.audit.models import AuditChainHead, AuditEvent
from zhitong.audit.services import _lock_head, _signed_head

from .writer import J, write_rows

COLUMNS = (
    "id",
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
    "prev_hash",
    "hash",
    "key_id",
    "seq",
    "content_mac",
)


def write_audit_events(events: list[dict], ids) -> int:
    """Append `events` (dicts of chain.HASHED_FIELDS; `before`/`after` plain JSON values)
    to the chain, in the order given. Returns the number written."""
    if not events:
        return 0
    ring = keyring()
    key, key_id = ring.current, ring.current_id
    head = _lock_head()
    prev, seq = head.last_hash, head.count
    first_id = ids.take(AuditEvent, len(events))
    rows = []
    for i, fields in enumerate(events):
        seq += 1
        digest = chain.event_mac(key=key, key_id=key_id, seq=seq, prev_hash=prev, **fields)
        rows.append(
            (
                first_id + i,
                fields["at"],
                fields["actor_id"],
                fields["actor_name"],
                fields["actor_unit_id"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                None if fields["before"] is None else J(fields["before"]),
                None if fields["after"] is None else J(fields["after"]),
                fields["client_addr"],
                fields["outcome"],
                prev,
                digest,
                key_id,
                seq,
                # The content's own MAC, as audit_record writes it (docs/audit-chain.md).
                chain.content_mac(key=key, key_id=key_id, **fields),
            )
        )
        prev = digest
    write_rows(AuditEvent, COLUMNS, rows)
    head.last_hash, head.last_event_id, head.count = prev, first_id + len(events) - 1, seq
    AuditChainHead.objects.filter(id=1).update(**_signed_head(head, ring))
    return len(rows)


def event(*, at, actor, action, object_type, object_id, before=None, after=None) -> dict:
    """One event's hashed fields; `actor` is a (id, username, unit_id) triple or None (system)."""
    return {
        "at": at,
        "actor_id": actor[0] if actor else None,
        "actor_name": actor[1] if actor else "system",
        "actor_unit_id": actor[2] if actor else None,
        "action": action[:64],
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "client_addr": "",
        "outcome": "ok",
    }
