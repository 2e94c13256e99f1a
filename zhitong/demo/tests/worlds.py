"""Demo worlds for tests, built once per test process and restored for every later test.

Building the demo's projects through the real services takes 20–40 s, and the browser
journeys (transactional tests: the live server must read what the test wrote, so the
database is emptied after each) built it afresh for every test: over a fifth of the SQLite
run (CI time, issue 14). On SQLite, the database as it stands right after the build is
copied with sqlite3's online backup API into a private in-memory database, and copied back
over the test database before the next test that asks for the same world: milliseconds,
and the restored rows are byte for byte what the builders wrote (ids, audit chain, hashes).
Uploaded files the builders wrote are copied into the media root of the later test.

Anywhere else the world is simply built: on PostgreSQL (the browser and demo tests run on
SQLite only), and inside an atomic block (a non-transactional test, whose rollback would
not undo a restore).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

_SAVED: dict[Hashable, tuple[sqlite3.Connection, Path | None]] = {}


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def built_once(key: Hashable, build: Callable[[], None]) -> None:
    """Run `build()` (which must write only to the database and the media root, and return
    nothing the caller keeps: read what you need from the database afterwards), or restore
    what it wrote the first time this process built `key`. `key` must name everything the
    build depends on (builders, dates, seed)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        build()
        return
    saved = _SAVED.get(key)
    if saved is None:
        build()
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        media = None
        if _media_root().is_dir() and any(_media_root().iterdir()):
            media = Path(tempfile.mkdtemp(prefix="zt-world-media-"))
            shutil.copytree(_media_root(), media, dirs_exist_ok=True)
        _SAVED[key] = (copy, media)
        return
    copy, media = saved
    connection.ensure_connection()
    copy.backup(connection.connection)
    if media is not None:
        shutil.copytree(media, _media_root(), dirs_exist_ok=True)
    # Values cached by the last test may name rows of another world with the same ids.
    cache.clear()


PROJECTS_WORLD = ("organizations", "enterprises", "projects")


def demo_world(*, today, now, seed: int, builders: tuple[str, ...] = PROJECTS_WORLD) -> None:
    """The demo's `builders` (module names under zhitong.demo, in order) run with a
    DemoContext of `today`, `now` and `random.Random(seed)`, once per process (above). A
    later test with the same builders, day and seed gets the first build's rows, stamped
    with the first build's `now`."""
    import importlib
    import random

    from zhitong.demo import DemoContext

    def build():
        ctx = DemoContext(today=today, now=now, rng=random.Random(seed), log=lambda m: None)
        for name in builders:
            importlib.import_module(f"zhitong.demo.{name}").build(ctx)

    built_once(("demo", builders, today, seed), build)
