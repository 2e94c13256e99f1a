"""`zhitong soak` — a bounded loopback load against gunicorn on PostgreSQL (docs/reliability.md).

zhitong soak [--minutes 10] [--users 8] [--workers 4] [--port 8765]
             [--server postgres://postgres@127.0.0.1:5432] [--database zt_soak]

1. (re)creates the database `zt_soak` on that server and migrates it;
2. loads a small generated city with tokens and page sessions (zhitong/demo/soak.py);
3. starts gunicorn with `--workers` processes on 127.0.0.1:`--port`;
4. runs `--users` virtual users for `--minutes`: intake with idempotency keys (a third
   replayed), assign, sign, progress, evidence, resolve, verify, rate, and the home,
   workbench and scorecard pages and the API list between;
5. stops gunicorn, counts in the database (lost and duplicated appeals, half-written ones, the
   audit chain) and prints a table. Exit status 1 if any count is not zero.

Everything is bounded: the load stops at its deadline, gunicorn is stopped in a `finally`,
and each step has a timeout. The database is left for inspection (dropped on the next run).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from zhitong.demo import soak

PHASES = ("setup", "count")


class Command(BaseCommand):
    help = "Soak: load the app under gunicorn on PostgreSQL for some minutes, then count in the database."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=10.0)
        parser.add_argument("--users", type=int, default=8, help="virtual users (threads)")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server"
        )
        parser.add_argument("--database", default="zt_soak")
        # Internal: the steps that run inside the soak database (a child process).
        parser.add_argument("--phase", choices=PHASES, help=argparse_hidden())
        parser.add_argument("--file", help=argparse_hidden())

    def handle(self, *args, **o):
        if o["phase"] == "setup":
            Path(o["file"]).write_text(json.dumps(soak.soak_setup()))
            return
        if o["phase"] == "count":
            data = json.loads(Path(o["file"]).read_text())
            Path(o["file"]).write_text(json.dumps(soak.soak_count(data)))
            return
        if not 0 < o["minutes"] <= 120 or not 0 < o["users"] <= 64 or not 0 < o["workers"] <= 16:
            raise CommandError("--minutes 0–120, --users 1–64, --workers 1–16")
        self.run(**o)

    # -- the run -------------------------------------------------------------------------
    def run(self, *, minutes, users, workers, port, server, database, **_):
        url = f"{server.rstrip('/')}/{database}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("REDIS_URL", None)  # the embedded mode: tasks in-process, caches per process
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
        self.say(f"database {database}: (re)create and migrate")
        recreate(server, database)
        self.child([sys.executable, "-m", "zhitong", "migrate", "--no-input", "-v", "0"], env, 1800)
        with tempfile.TemporaryDirectory(prefix="zt-soak-") as tmp:
            world_file = Path(tmp) / "world.json"
            self.child(self.me("setup", world_file), env, 600)
            world = json.loads(world_file.read_text())
            self.say(f"gunicorn: {workers} workers on 127.0.0.1:{port}")
            gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "zhitong.wsgi:application",
                    f"--workers={workers}",
                    f"--bind=127.0.0.1:{port}",
                    "--timeout=120",
                    "--graceful-timeout=10",
                    "--log-level=warning",
                    "--error-logfile=-",
                ],
                env=env,
                cwd=os.getcwd(),
                start_new_session=True,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_up(base, gunicorn)
                self.say(f"load: {users} virtual users for {minutes:g} min")
                tally = soak.drive(base, world, seconds=minutes * 60, users=users)
            finally:
                stop(gunicorn)
            book = Path(tmp) / "book.json"
            book.write_text(json.dumps(tally.to_json()))
            self.child(self.me("count", book), env, 1800)
            counts = json.loads(book.read_text())
        self.table(soak.report_rows(tally, counts), workers=workers, users=users)
        for kind, status, body in tally.errors[:5]:
            self.stdout.write(f"  first refusals: {kind} {status} {body[:200]}")
        if not soak.passed(tally, counts):
            raise CommandError("soak failed: see the table")
        self.stdout.write(
            self.style.SUCCESS("soak passed: no 5xx, nothing lost or duplicated, audit chain sound")
        )

    def me(self, phase: str, file: Path) -> list[str]:
        return [sys.executable, "-m", "zhitong", "soak", "--phase", phase, "--file", str(file)]

    def child(self, argv, env, timeout):
        result = subprocess.run(argv, env=env, timeout=timeout, cwd=os.getcwd())
        if result.returncode:
            raise CommandError(f"{' '.join(argv[2:5])} failed (exit {result.returncode})")

    def say(self, text):
        self.stdout.write(f"== {text}")
        self.stdout.flush()

    def table(self, rows, *, workers, users):
        width = max(len(k) for k, _ in rows)
        self.stdout.write(f"\n| soak ({workers} gunicorn workers, {users} users) | |")
        self.stdout.write("|---|---|")
        for key, value in rows:
            self.stdout.write(f"| {key.strip():<{width}} | {value} |")


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def recreate(server: str, database: str) -> None:
    if not database.replace("_", "").isalnum():
        raise CommandError("--database: letters, digits and _ only")
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"gunicorn exited ({process.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=30) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError("gunicorn did not answer within 2 minutes")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)
