"""The audit chain's HMAC keys. They are kept outside the database on purpose: someone who
can rewrite the database (or holds a copy of its backups) must not also hold the key, or
they could recompute every MAC after a change and the chain would prove nothing.

- `settings.AUDIT_HMAC_KEY` (environment `ZHITONG_AUDIT_KEY`) is the key new events are
  signed with. Production must set it (settings.py refuses to start without it).
- `settings.AUDIT_HMAC_OLD_KEYS` (`ZHITONG_AUDIT_OLD_KEYS`, comma-separated) are retired
  keys: events signed with them still verify, no new event is signed with them.
- Unset in the embedded mode: a random key in `settings.AUDIT_HMAC_KEY_FILE` (under var/),
  created with mode 0600 on first use.

Every event stores the id of the key that signed it (`AuditEvent.key_id`), so a chain
signed over the years with several keys verifies as long as all of them are in the keyring
(docs/deploy.md, "The audit chain's key").
"""

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32


def new_key() -> str:
    """A fresh random key (256 bits), as printed by `zhitong audit newkey`."""
    return secrets.token_urlsafe(32)


def key_id(key: bytes) -> str:
    """A 16-hex-digit fingerprint naming the key in each event. Derived from the key itself,
    so the id stored with an event can never point at the wrong key, and operators have no
    second name to keep in step with the secret."""
    return hmac.new(key, b"zhitong.audit key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict  # key id -> key bytes, the current key and the retired ones

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def get(self, kid: str) -> bytes | None:
        return self.keys.get(kid)


def keyring() -> Keyring:
    """The keys as configured now (reads settings each call, so override_settings works;
    the key file is read once per process and path)."""
    current = settings.AUDIT_HMAC_KEY or _key_file(str(settings.AUDIT_HMAC_KEY_FILE))
    return _keyring(current, tuple(settings.AUDIT_HMAC_OLD_KEYS))


@lru_cache(maxsize=8)
def _keyring(current: str, old: tuple) -> Keyring:
    if len(current) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"ZHITONG_AUDIT_KEY must be at least {MIN_KEY_LENGTH} characters (zhitong audit newkey makes one)"
        )
    keys = {}
    for text in (*old, current):  # the current key last: it wins a (pointless) duplicate
        raw = text.encode("utf-8")
        keys[key_id(raw)] = raw
    return Keyring(current_id=key_id(current.encode("utf-8")), keys=keys)


@lru_cache(maxsize=8)
def _key_file(path: str) -> str:
    """The embedded mode's key: read the file, or create it (0600) if it does not exist.
    Written to a private temporary file and hard-linked into place, so two processes
    starting at once agree on one key and neither can read a half-written file."""
    target = Path(path)
    try:
        return _read_key(target)
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(new_key() + "\n")
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(target)


def _read_key(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(f"the audit key file {path} is empty")
    return key
