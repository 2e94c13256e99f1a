"""What the audit chain signs: each event's MAC, the chain head's MAC and the signed anchor
(a short text line naming a head, kept outside the system). Pure functions over values;
services.py reads and writes the rows, and migration 0005 uses the same functions.

Each event's `hash` is HMAC-SHA256, under the key named by its `key_id`, over every column
except its id: the previous event's hash, its position in the chain (`seq`) and the key id
included. Without the key nobody can write a row that verifies, so a forged, rewritten or
re-hashed chain is found even when every link is consistent.

Events written before the chain was keyed (`key_id == ""`) keep their plain SHA-256 hash
(`legacy_hash`); they are sealed by the keyed event migration 0005 wrote after them
(services.audit_verify explains the rule).
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
LEGACY_KEY_ID = ""
# The keyed event that seals the unkeyed events written before the upgrade (migration 0005).
SEAL_ACTION = "audit.chain_keyed"

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


def _payload(prev_hash: str, fields: dict) -> dict:
    return {
        "prev": prev_hash,
        "at": fields["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": fields["actor_id"],
        "actor_name": fields["actor_name"],
        "unit": fields["actor_unit_id"],
        "action": fields["action"],
        "type": fields["object_type"],
        "id": str(fields["object_id"]),
        "before": _numbers(fields["before"]),
        "after": _numbers(fields["after"]),
        "addr": fields["client_addr"],
        "outcome": fields["outcome"],
    }


def legacy_hash(*, prev_hash: str, **fields) -> str:
    """The unkeyed SHA-256 of events written before the chain was keyed. Must stay
    byte-for-byte what it was, or those events stop verifying."""
    return hashlib.sha256(_canonical(_payload(prev_hash, fields)).encode("utf-8")).hexdigest()


def event_mac(*, key: bytes, key_id: str, seq: int, prev_hash: str, **fields) -> str:
    """HMAC-SHA256 of one event: every column except its id and its own hash."""
    payload = {**_payload(prev_hash, fields), "kind": "event", "seq": seq, "key": key_id}
    return _mac(key, _canonical(payload))


def content_mac(*, key: bytes, key_id: str, **fields) -> str:
    """HMAC-SHA256 of an event's content alone, written with the unsealed row: the sealer
    chains only rows whose content matches it (services.seal)."""
    payload = {**_payload("", fields), "kind": "content", "key": key_id}
    return _mac(key, _canonical(payload))


def head_mac(*, key: bytes, key_id: str, count: int, last_id: int, last_hash: str) -> str:
    """HMAC of the chain head row. Without it, deleting the newest events and pointing the
    head at the new last one would leave a chain with nothing wrong in it."""
    payload = {"kind": "head", "count": count, "id": last_id, "hash": last_hash, "key": key_id}
    return _mac(key, _canonical(payload))


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# Anchors ---------------------------------------------------------------------------------

ANCHOR_PREFIX = "zhitong-audit-anchor/1"
_ANCHOR_FIELDS = {
    "id": re.compile(r"\d{1,19}"),
    "count": re.compile(r"\d{1,19}"),
    "hash": re.compile(r"[0-9a-f]{64}"),
    "at": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"),
    "key": re.compile(r"[0-9a-f]{16}"),
    "mac": re.compile(r"[0-9a-f]{64}"),
}


class BadAnchor(ValueError):
    pass


@dataclass(frozen=True)
class Anchor:
    """A signed chain head: the last event's id and hash, how many events the chain held,
    and when. One line of text (`str(anchor)`), to keep somewhere the database's
    administrators cannot edit: a ticket, an e-mail, the central log server."""

    event_id: int
    hash: str
    count: int
    at: datetime
    key_id: str
    mac: str = ""

    def _body(self) -> str:
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{ANCHOR_PREFIX} id={self.event_id} count={self.count} hash={self.hash} at={at} key={self.key_id}"

    def __str__(self) -> str:
        return f"{self._body()} mac={self.mac}"

    def signed(self, key: bytes) -> "Anchor":
        return Anchor(self.event_id, self.hash, self.count, self.at, self.key_id, self.expected_mac(key))

    def expected_mac(self, key: bytes) -> str:
        # The text itself starts with its own prefix: no event or head payload (JSON) can
        # have the same MAC input.
        return _mac(key, self._body())

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        """Read an anchor line; whitespace (a line wrapped by a mail client) is forgiven,
        anything else is not."""
        tokens = text.split()
        if not tokens or tokens[0] != ANCHOR_PREFIX:
            raise BadAnchor(f"not an audit anchor (it must start with {ANCHOR_PREFIX})")
        values = {}
        for token in tokens[1:]:
            name, _, value = token.partition("=")
            if name not in _ANCHOR_FIELDS or name in values or not _ANCHOR_FIELDS[name].fullmatch(value):
                raise BadAnchor(f"malformed anchor field: {token[:80]}")
            values[name] = value
        missing = set(_ANCHOR_FIELDS) - set(values)
        if missing:
            raise BadAnchor(f"anchor lacks {', '.join(sorted(missing))}")
        try:
            at = datetime.strptime(values["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError as exc:
            raise BadAnchor(f"malformed anchor time: {values['at']}") from exc
        return cls(int(values["id"]), values["hash"], int(values["count"]), at, values["key"], values["mac"])
