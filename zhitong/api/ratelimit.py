"""Per-client rate limits: each API token may make so many requests a minute (its own
`rate_limit`, else settings.ZHITONG_API_RATE_LIMIT). Counted in the cache (the
"api_ratelimit" alias: Redis in production, shared by every app server), in fixed windows
of one minute: one `add` and one `incr` per request, no database row. Over the limit the
request is refused with 429, the error contract's `{code: "rate_limited"}` and a
`Retry-After` header naming the seconds until the window ends."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import caches

from zhitong.core.errors import ServiceError

CACHE_ALIAS = "api_ratelimit"
WINDOW_SECONDS = 60


class RateLimited(ServiceError):
    """Too many requests from one API client in the current minute (HTTP 429)."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__(f"请求过于频繁：该令牌每分钟的请求次数已达上限，请{retry_after}秒后再试")
        self.retry_after = retry_after


def limit_of(token) -> int:
    return token.rate_limit or settings.ZHITONG_API_RATE_LIMIT


def check(token, *, now: float | None = None) -> None:
    """Count one request of `token`; RateLimited when it is over its limit."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"rl:{token.token_hash[:24]}:{window}"
    cache = caches[CACHE_ALIAS]
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit_of(token):
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise RateLimited(retry_after)
