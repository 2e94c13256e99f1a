"""Django's Redis cache that survives Redis being down (docs/reliability.md, "Redis down").

Every cache user in Zhitong keeps counters or memos there (the sign-in throttle, the API
and public rate limits, the calendar's version, the home page's audit-check memo), never
the only copy of anything. With Django's own RedisCache a stopped Redis made every request
that touches one of them a 500 — the API's rate limit is counted on every request, so the
whole API stopped. This backend turns a connection error into a degraded mode instead:
the operation goes to a store in this process's memory (a LocMemCache per alias), so the
throttles still count (per app-server process, not across them) and the memos still
work; a warning is logged, and Redis is tried again after `RETRY_SECONDS` (not on every
call: a Redis that answers nothing would otherwise cost each call its connect timeout).

Set in settings when REDIS_URL is given, with short socket timeouts in OPTIONS.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("zhitong.cache")

RETRY_SECONDS = 5.0
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations fall back to process memory while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        fallback_params = {**params, "OPTIONS": {"MAX_ENTRIES": 100_000}}
        self._fallback = LocMemCache(f"zhitong-fallback-{params.get('KEY_PREFIX', '')}", fallback_params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        """True while this process uses its memory instead of Redis."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except OUTAGE_ERRORS as exc:
                with self._lock:
                    first = not self.degraded
                    self._down_until = time.monotonic() + RETRY_SECONDS
                if first:
                    logger.warning(
                        "Redis cache unreachable (%s: %s): counting in this process's memory, "
                        "trying Redis again in %.0f s",
                        type(exc).__name__,
                        exc,
                        RETRY_SECONDS,
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    # Django's DEFAULT_TIMEOUT sentinel reaches either store unchanged.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
