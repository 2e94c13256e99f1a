"""Intake throughput over HTTP: gunicorn (sync workers) on a loopback port serving the
application with the bench's URLs, the load from `load.py` at 8 and 16 connections:
appeals registered per second through the API, against the bare one-query view on the
same server. The server is started here, bounded in time, and stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx

from ..load import run_intake_load, run_load
from ..stats import Row, ratio


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    *,
    workers: int,
    settings: str = "zhitong.bench.settings",
    app: str = "zhitong.wsgi:application",
    python: str | None = None,
    cwd: str | None = None,
    lifetime: int = 900,
    env_extra=None,
):
    """A gunicorn on 127.0.0.1:<free port>, killed on exit (and by `timeout` after `lifetime` s)."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, **(env_extra or {})}
    python = python or sys.executable
    cmd = [
        "timeout",
        str(lifetime),
        python,
        "-m",
        "gunicorn",
        app,
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "256",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/", timeout=2.0)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.5)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


def run(*, seconds: float = 15, workers: int = 4, connections=(8, 16), **_) -> list[Row]:
    from zhitong.api.models import ApiToken
    from zhitong.appeals.models import Appeal, Category
    from zhitong.enterprises.models import Enterprise
    from zhitong.organizations.choices import Role
    from zhitong.organizations.models import User

    hub = User.objects.filter(role=Role.HUB, is_active=True).order_by("id").first()
    _, secret = ApiToken.issue(user=hub, name="bench intake", rate_limit=10**6)
    ents = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:2000])
    cats = list(Category.objects.filter(is_active=True).values_list("id", flat=True))
    before = Appeal.objects.count()
    rows = []
    with gunicorn(workers=workers) as base:
        for n in connections:
            bare = run_load(base, connections=n, seconds=seconds, request=lambda c, i: c.get("/bench/bare/"))
            intake = run_intake_load(base, secret, n, seconds, enterprise_ids=ents, category_ids=cats)
            rows.append(
                Row(
                    "intake",
                    f"bare one-query view, {n} conn (req/s)",
                    bare["per_second"],
                    None,
                    1,
                    "",
                    None,
                    f"median {bare['median_ms']:.0f} ms, p95 {bare['p95_ms']:.0f} ms; {bare['statuses']}",
                )
            )
            rows.append(
                Row(
                    "intake",
                    f"API intake, {n} conn (appeals/s)",
                    intake["per_second"],
                    None,
                    None,
                    "bare view",
                    ratio(intake["per_second"], bare["per_second"]),
                    f"median {intake['median_ms']:.0f} ms, p95 {intake['p95_ms']:.0f} ms; {intake['statuses']}",
                )
            )
    rows.append(
        Row(
            "intake",
            "appeals registered during the run",
            Appeal.objects.count() - before,
            None,
            None,
            "",
            None,
            f"gunicorn {workers} sync workers, {seconds:.0f} s per run",
        )
    )
    return rows
