"""Cached counts of the appeal lists, with a freshness rule (issue 14: counts that do not scan
the whole table on every page load).

A home page shows a dozen figures, each the row count of the workbench list it links to
(`views.workbench.WorkbenchLists`); the workbench shows its tabs' counts. At 300k appeals each
such COUNT reads tens of thousands of index entries, so they are kept in a cache, computed by
the very same query as before (a figure and its list still cannot drift apart) and thrown
away when an appeal they may count changes.

The freshness rule:

- A cached figure belongs to one user, one day (the lights turn with the date), one list (the
  query parameters) and the *generations* of the scopes it reads: ``city`` for those who see
  the whole city (and the city leaders, whose scope reaches across the city through
  escalations), one ``unit:<id>`` per unit of a unit's staff scope and ``user:<id>`` for the
  appeals they registered themselves; every key also carries the ``all`` generation.
- Every change of an appeal row (a move through the kernel, an intake, any save), of a
  cooperation request and of an escalation request bumps ``city`` and the generation of every
  unit and user the appeal concerns (lead unit before and after, receiving unit, cooperating
  units, first-inquiry owner, handler): at once, and again when the transaction commits (a
  page that counted between the two stores its figure under the old generation, which nobody
  reads any more). A bulk write (``QuerySet.update``, ``bulk_update``, ``bulk_create``,
  ``delete`` on appeals — the calendar re-timing, a merge's re-pointing) bumps ``all``.
- On top, a short time-to-live (``ZHITONG_APPEAL_COUNTS_TTL``, 120 s by default) bounds what a
  change made outside the ORM (raw SQL, a restored backup) can leave behind.

So a figure is exact immediately after any move (portal/tests/test_home_counts_fresh.py moves
appeals and compares every figure with its list), and costs one cache round trip otherwise.

The cache is ``CACHES["appeal_counts"]``: Redis in production (one for every app server, so a
move served by one process invalidates the figures of all), a local memory store in the
embedded single-process mode.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

CACHE_ALIAS = "appeal_counts"
ALL = "all"
CITY = "city"


def _cache():
    return caches[CACHE_ALIAS]


def ttl() -> int:
    return int(getattr(settings, "ZHITONG_APPEAL_COUNTS_TTL", 120))


def _gen_key(token: str) -> str:
    return f"gen:{token}"


def scope_tokens(user) -> list[str]:
    """The generations a figure of `user` depends on (see the module docstring)."""
    from zhitong.organizations.capabilities import is_city_leader
    from zhitong.organizations.selectors import user_scope_unit_ids

    units = user_scope_unit_ids(user)
    if units is None or is_city_leader(user):
        return [ALL, CITY]
    return [ALL, f"user:{user.pk}", *(f"unit:{u}" for u in sorted(units))]


def generations(tokens: Iterable[str]) -> list[str]:
    """The current generation of each token (one cache round trip); a token never seen (or
    evicted) gets a fresh random generation, so a figure stored before can never match."""
    cache = _cache()
    keys = [_gen_key(t) for t in tokens]
    found = cache.get_many(keys)
    out = []
    for key in keys:
        gen = found.get(key)
        if gen is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            gen = cache.get(key) or "-"
        out.append(gen)
    return out


def _bump_now(tokens: Iterable[str]) -> None:
    _cache().set_many({_gen_key(t): uuid.uuid4().hex for t in set(tokens)}, timeout=None)


def bump(tokens: Iterable[str]) -> None:
    """Invalidate every figure that depends on `tokens`: now and again on commit."""
    tokens = set(tokens)
    if not tokens:
        return
    _bump_now(tokens)
    transaction.on_commit(lambda: _bump_now(tokens))


def appeal_tokens(*, unit_ids: Iterable[int | None], user_ids: Iterable[int | None]) -> set[str]:
    return {CITY, *(f"unit:{u}" for u in unit_ids if u), *(f"user:{u}" for u in user_ids if u)}


def bump_all() -> None:
    bump([ALL])


def cached_count(user, name: str, params: dict, compute: Callable[[], object], *, today) -> object:
    """`compute()` (a count or a small dict of counts), cached under the freshness rule.
    The generations are read *before* counting: a move committed after that read bumps them,
    so the figure counted here is never stored under a generation newer than its data."""
    gens = generations(scope_tokens(user))
    raw = json.dumps(
        [name, user.pk, getattr(user, "role", ""), getattr(user, "unit_id", None), str(today), params, gens],
        sort_keys=True,
        default=str,
    )
    key = "count:" + hashlib.sha256(raw.encode()).hexdigest()
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl())
    return value


def clear() -> None:
    """Forget every cached figure and generation (tests)."""
    _cache().clear()
