"""Rate limits of the public pages and API, per client address, in the cache.

Anonymous pages are the cheapest thing to flood; the status lookup is also the one a
guesser would walk. Counters live in their own cache, `public_throttle` (Redis in production, shared by
every app server), one key per address, bucket and window: a refused request costs one
cache round trip and no query.

- `pages`: ZHITONG_PUBLIC_PAGE_LIMIT requests per minute per address (every public page
  and public API read);
- `lookup`: ZHITONG_PUBLIC_LOOKUP_LIMIT status lookups per 15 minutes per address (a
  person checking a few appeals passes; a walk over codes does not).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from zhitong.core.context import client_addr_from_meta


@dataclass(frozen=True)
class Bucket:
    name: str
    setting: str
    default: int
    seconds: int

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting, self.default))


PAGES = Bucket("pages", "ZHITONG_PUBLIC_PAGE_LIMIT", 120, 60)
LOOKUP = Bucket("lookup", "ZHITONG_PUBLIC_LOOKUP_LIMIT", 20, 15 * 60)


def _key(bucket: Bucket, address: str, window: int) -> str:
    digest = hashlib.sha256(address.encode("utf-8", "replace")).hexdigest()[:24]
    return f"zt-public:{bucket.name}:{digest}:{window}"


def retry_after(bucket: Bucket, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return max(1, bucket.seconds - int(now) % bucket.seconds)


def hit(request, bucket: Bucket, now: float | None = None) -> bool:
    """Count one request of `request`'s address in `bucket`; False once over the limit."""
    now = time.time() if now is None else now
    window = int(now) // bucket.seconds
    key = _key(bucket, client_addr_from_meta(request.META), window)
    cache = caches["public_throttle"]
    if cache.add(key, 1, timeout=bucket.seconds + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=bucket.seconds + 5)
        count = 1
    return count <= bucket.limit
