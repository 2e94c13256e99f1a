"""API intake under load: `run_intake_load(base_url, token, connections, seconds)` posts
appeals to `POST /api/v1/appeals` from `connections` threads, each with its own keep-alive
HTTP connection (httpx, already a dependency), for `seconds`, and returns the throughput
and the errors by status. Loopback only is intended (no pacing, no ramp-up): it measures
what the server sustains, not a client's behaviour. Used by `zhitong bench` and by hand:

    .venv/bin/python -m zhitong.bench.intake http://127.0.0.1:8000 zt_xxx 8 20
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx


@dataclass
class IntakeLoad:
    connections: int
    seconds: float  # measured wall time
    created: int  # 201 answers
    errors: dict = field(default_factory=dict)  # status (or exception name) -> count
    latencies_ms: list = field(default_factory=list, repr=False)

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]

    def as_dict(self) -> dict:
        return {
            "connections": self.connections,
            "seconds": round(self.seconds, 2),
            "created": self.created,
            "appeals_per_second": round(self.per_second, 1),
            "errors": dict(self.errors),
            "median_ms": round(self.median_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
        }


def _first_id(client: httpx.Client, path: str) -> int:
    resp = client.get(path)
    resp.raise_for_status()
    body = resp.json()
    items = body["items"] if isinstance(body, dict) else body
    if not items:
        raise RuntimeError(f"{path} returned nothing: load the demo city first")
    return items[0]["id"]


def run_intake_load(
    base_url: str,
    token: str,
    connections: int,
    seconds: float,
    *,
    enterprise_id: int | None = None,
    category_id: int | None = None,
    warmup: float = 1.0,
    timeout: float = 30.0,
) -> IntakeLoad:
    """Post appeals for `seconds` from `connections` concurrent keep-alive connections;
    returns an IntakeLoad (`per_second` = appeals created per second, `errors` by status).
    The enterprise and category default to the first the token's account can see. A short
    warm-up (not counted) lets the server's workers open their database connections."""
    base = base_url.rstrip("/") + "/api/v1"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=timeout) as probe:
        enterprise_id = enterprise_id or _first_id(probe, "/enterprises?page_size=1")
        category_id = category_id or _first_id(probe, "/appeals/categories")
    run = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    created, errors, latencies = [0], Counter(), []
    start = time.monotonic() + warmup
    stop = start + seconds

    def worker(n: int) -> None:
        i = 0
        with httpx.Client(base_url=base, headers=headers, timeout=timeout) as client:
            while True:
                t0 = time.monotonic()
                if t0 >= stop:
                    return
                i += 1
                payload = {
                    "enterprise_id": enterprise_id,
                    "category_id": category_id,
                    "channel": "hotline",
                    "title": f"压测诉求 {run}-{n}-{i}",
                    "description": "负载测试登记的诉求：用于测量登记接口的吞吐量。",
                }
                try:
                    resp = client.post(
                        "/appeals", json=payload, headers={"Idempotency-Key": f"load-{run}-{n}-{i}"}
                    )
                    outcome = resp.status_code
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                t1 = time.monotonic()
                if t0 < start:
                    continue  # warm-up
                with lock:
                    if outcome == 201:
                        created[0] += 1
                        latencies.append((t1 - t0) * 1000)
                    else:
                        errors[str(outcome)] += 1

    with ThreadPoolExecutor(max_workers=connections) as pool:
        for f in [pool.submit(worker, n) for n in range(connections)]:
            f.result()
    # Requests still in flight at `stop` finish after it: count the time they took.
    elapsed = max(time.monotonic(), stop) - start
    return IntakeLoad(connections, elapsed, created[0], dict(errors), latencies)


def main(argv: list[str]) -> None:
    base_url, token = argv[0], argv[1]
    connections = int(argv[2]) if len(argv) > 2 else 8
    seconds = float(argv[3]) if len(argv) > 3 else 20
    print(run_intake_load(base_url, token, connections, seconds).as_dict())


if __name__ == "__main__":
    main(sys.argv[1:])
