"""Sign-in throttling that an attacker cannot turn against the people it protects.

The policy (docs/deploy.md, "Sign-in throttling"); WINDOW is ZHITONG_LOCKOUT_MINUTES:

- **Per account and address.** ZHITONG_LOCKOUT_FAILURES wrong passwords for one account from
  one client address within WINDOW refuse that pair for WINDOW. The same account from any other
  address is not affected: a flood against the administrator from one address cannot lock the
  administrator out at their own desk.
- **Per address.** ZHITONG_SIGNIN_ADDRESS_FAILURES failed or refused attempts from one address
  within WINDOW (any account, existing or not, and failed API tokens) refuse that address for
  WINDOW. Set well above one person's typing errors, since a whole office may share an address.
- **Per account, soft.** ZHITONG_SIGNIN_ACCOUNT_FAILURES wrong passwords for one account from all
  addresses within WINDOW mark the account as under attack for WINDOW. Nobody is locked out by
  it: an address the account has signed in from in the last ZHITONG_SIGNIN_KNOWN_ADDRESS_DAYS
  keeps the ordinary per-pair allowance, and any other address gets one try (its first wrong
  password refuses that pair). A legitimate user at a new address with the right password
  still signs in at the first try; a botnet gets one guess per address per WINDOW.

Unknown usernames are counted exactly like real ones, so neither the message nor the
throttling tells whether an account exists.

Cheap by construction: counters and blocks live in the cache (Redis in production, the
"signin" alias), never in database rows per attempt. A refused attempt costs one cache round
trip and no query, no password hash and no sleep; request threads never wait.

The audit trail is bounded, one chain row per event, not per attempt: per address and WINDOW,
the first failure; the moment the address is refused (the flood, with its count); an account
and address pair refused at the ordinary limit; per account and WINDOW, the moment it is
marked under attack. A flood of any size from one address writes at most a handful of rows
per WINDOW; every refusal is also logged to the `zhitong.auth` logger.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

log = logging.getLogger("zhitong.auth")

CACHE_ALIAS = "signin"


def _cache():
    return caches[CACHE_ALIAS]


def _digest(value: str) -> str:
    # Keys stay short and safe for any cache whatever the username or address holds.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def window_seconds() -> int:
    return settings.ZHITONG_LOCKOUT_MINUTES * 60


@dataclass(frozen=True)
class Refusal:
    """Attempts are refused until `until` (a Unix time)."""

    until: float

    @property
    def minutes(self) -> int:
        """Whole minutes left, at least one (for the message)."""
        return max(1, math.ceil((self.until - time.time()) / 60))


class SignInThrottle:
    """The throttle for one attempt: from `address`, for `username` (None for an API token).

    refusal() before checking the password; then failed(user) or succeeded(user)."""

    def __init__(self, address: str, username: str | None = None, *, kind: str = "login"):
        self.address = address or ""
        self.username = username
        self.kind = kind  # "login" (a password) or "token" (an API token)
        a = _digest(self.address)
        self.addr_count = f"a:{a}"
        self.addr_block = f"ab:{a}"
        self.addr_audited = f"af:{a}"  # the window's first failure is in the audit log
        if username is not None:
            u = _digest(username)
            self.pair_count = f"p:{u}:{a}"
            self.pair_block = f"pb:{u}:{a}"
            self.account_count = f"u:{u}"
            self.account_attack = f"ua:{u}"
            self.known = f"k:{u}:{a}"
            self.released = f"rel:{u}"

    # --- before the password is checked -------------------------------------------------------

    def refusal(self) -> Refusal | None:
        """The refusal in force for this attempt, if any. A refused attempt counts towards the
        address limit (a flood is a flood) but is not checked and writes no row."""
        keys = [self.addr_block] + ([self.pair_block, self.released] if self.username is not None else [])
        blocks = _cache().get_many(keys)
        now = time.time()
        released = blocks.pop(self.released, None) if self.username is not None else None
        if (
            released is not None
            and self.pair_block in blocks
            and blocks[self.pair_block] - window_seconds() <= released
        ):
            # Released by the security administrator after this pair was refused.
            blocks.pop(self.pair_block)
        until = max((u for u in blocks.values() if u and u > now), default=None)
        if until is None:
            return None
        if self.addr_block not in blocks:
            self._count_address(now, failure=False)
        return Refusal(until)

    # --- after the password was checked -------------------------------------------------------

    def failed(self, user=None) -> Refusal | None:
        """Counts a wrong password (or unknown account, or bad token); `user` is the account if
        it exists, for the audit trail only. Returns the refusal this failure brought about."""
        now = time.time()
        refusal = self._count_address(now, failure=True, user=user)
        if self.username is None:
            return refusal
        cache, w = _cache(), window_seconds()
        account_failures = _incr(self.account_count, w)
        if account_failures >= settings.ZHITONG_SIGNIN_ACCOUNT_FAILURES:
            if cache.add(self.account_attack, 1, w) and user is not None:
                log.warning("sign-in: account %s under attack (%s failures)", user.pk, account_failures)
                self._audit(
                    "auth.account_under_attack",
                    user,
                    {"failures": account_failures, "window_minutes": w // 60},
                )
        pair_failures = _incr(self.pair_count, w)
        under_attack, known = (cache.get(self.account_attack), cache.get(self.known))
        limit = settings.ZHITONG_LOCKOUT_FAILURES if (known or not under_attack) else 1
        if pair_failures >= limit:
            if cache.add(self.pair_block, now + w, w):
                log.warning(
                    "sign-in: account and address %s refused after %s failures", self.address, pair_failures
                )
                if limit == settings.ZHITONG_LOCKOUT_FAILURES and user is not None:
                    self._audit("auth.login_throttled", user, {"failures": pair_failures, "minutes": w // 60})
            refusal = refusal or Refusal(now + w)
        return refusal

    def succeeded(self, user) -> int:
        """The right password: the pair starts afresh and the address becomes known for the
        account. Returns the failures the pair had before (for the sign-in's audit event)."""
        cache = _cache()
        before = cache.get(self.pair_count) or 0
        cache.delete(self.pair_count)
        cache.set(self.known, 1, settings.ZHITONG_SIGNIN_KNOWN_ADDRESS_DAYS * 86400)
        return before

    # --- internals ----------------------------------------------------------------------------

    def _count_address(self, now: float, *, failure: bool, user=None) -> Refusal | None:
        """Counts an attempt (failed or refused) from the address; the first failure of a
        window and the moment the address is refused are audited."""
        w = window_seconds()
        n = _incr(self.addr_count, w)
        if failure and _cache().add(self.addr_audited, 1, w):
            action = "auth.login_failed" if self.kind == "login" else "auth.token_failed"
            after = {"window_minutes": w // 60}
            if self.kind == "login" and user is None:
                after["account"] = "unknown"  # the typed name is not kept: it may be a password
            self._audit(action, user, after, object_type="organizations.user" if self.kind == "login" else "")
        if n >= settings.ZHITONG_SIGNIN_ADDRESS_FAILURES:
            if _cache().add(self.addr_block, now + w, w):
                log.warning("sign-in: address %s refused after %s attempts", self.address, n)
                self._audit(
                    "auth.signin_flood", None, {"attempts": n, "window_minutes": w // 60, "kind": self.kind}
                )
            return Refusal(now + w)
        return None

    def _audit(self, action: str, user, after: dict, *, object_type: str = "") -> None:
        from zhitong.audit.services import audit_record

        audit_record(
            action=action,
            obj=user,
            object_type=None if user is not None else object_type,
            actor=user,
            outcome="denied",
            after=after,
            client_addr=self.address,
        )


def release_account(user, *, actor) -> None:
    """The security administrator releases an account's sign-in refusals (capabilities.
    can_release_lockout): the refusals of the account from every address in force now end,
    its failure counts start afresh; audited. Address refusals (a flood) are left alone."""
    from .capabilities import can_release_lockout

    if not can_release_lockout(actor):
        from zhitong.core.errors import AccessDenied

        raise AccessDenied()
    u = _digest(user.get_username())
    cache, w = _cache(), window_seconds()
    cache.set(f"rel:{u}", time.time(), w)
    cache.delete_many([f"u:{u}", f"ua:{u}"])
    from zhitong.audit.services import audit_record

    audit_record(action="auth.lockout_released", obj=user, actor=actor, after={"window_minutes": w // 60})


def _incr(key: str, timeout: int) -> int:
    """Atomic counter that expires `timeout` seconds after its first increment."""
    cache = _cache()
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout)
        return 1
