"""A closed-loop HTTP load: `connections` threads, each with its own keep-alive connection,
sending requests back to back for `seconds` (issue 14). The one load loop of `zhitong bench`
(its intake and peer sections) and of the intake measurements in docs/performance.md.

The load runs on the same 2-core machine as the server it measures, in one Python process
(threads: the GIL is released while waiting on the socket), so it takes a share of the CPU
from the server; docs/performance.md says so beside the figures."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import httpx

from .stats import median, p95


def _intake_body(seq: int, *, enterprise_ids, category_ids) -> dict:
    return {
        "enterprise_id": enterprise_ids[seq % len(enterprise_ids)],
        "category_id": category_ids[seq % len(category_ids)],
        "channel": "api",
        "title": f"压测登记诉求第{seq}件：厂区周边道路破损影响通行",
        "description": "企业反映厂区门前道路坑洼严重，雨天积水，货车通行困难，请求协调维修。",
        "source_system": "bench",
        "source_id": f"bench-{time.time_ns()}-{seq}",
    }


def run_load(
    base_url: str,
    *,
    connections: int,
    seconds: float,
    request: Callable[[httpx.Client, int], httpx.Response],
    ok=(200, 201),
) -> dict:
    stop = time.monotonic() + seconds
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def worker():
        mine, codes = [], {}
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            while time.monotonic() < stop:
                seq = next(counter)
                t0 = time.perf_counter()
                try:
                    status = request(client, seq).status_code
                except httpx.HTTPError:
                    status = 0
                mine.append((time.perf_counter() - t0) * 1000)
                codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.monotonic() - started
    good = sum(v for k, v in statuses.items() if k in ok)
    return {
        "connections": connections,
        "seconds": elapsed,
        "requests": sum(statuses.values()),
        "ok": good,
        "per_second": good / elapsed if elapsed else 0.0,
        "statuses": statuses,
        "median_ms": median(latencies) if latencies else None,
        "p95_ms": p95(latencies) if latencies else None,
    }


def run_intake_load(
    base_url: str, token: str, connections: int, seconds: float, *, enterprise_ids=None, category_ids=None
) -> dict:
    """Appeals registered per second through POST /api/v1/appeals with a bearer token."""
    headers = {"Authorization": f"Bearer {token}"}
    enterprise_ids = enterprise_ids or [1]
    category_ids = category_ids or [1]

    def request(client, seq):
        body = _intake_body(seq, enterprise_ids=enterprise_ids, category_ids=category_ids)
        return client.post("/api/v1/appeals", json=body, headers=headers)

    return run_load(base_url, connections=connections, seconds=seconds, request=request)
