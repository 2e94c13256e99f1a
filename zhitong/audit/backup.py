"""`zhitong backup --out DIR` and `zhitong restore DIR`: the database and the media in one
directory with a manifest of checksums, and the audit chain verified after a restore
(GB/T 22239-2019 8.1.4.9 数据备份恢复; docs/deploy.md "Backups and restore").

- PostgreSQL: `pg_dump -Fc` of the configured database / `pg_restore --clean`.
- SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the
  application writes.
- Media: a tar.gz of MEDIA_ROOT, extracted with tarfile's "data" filter (no absolute paths,
  no links out of the directory).

The keys (audit, field encryption, blind index) are not in the backup on purpose: they live
in the secret store, and a restore needs them to verify the chain and read the phones.

It lives in the audit app (floor 1) because the restore ends by verifying the chain.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = "zhitong-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DB_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}


class BackupError(Exception):
    """A backup or restore that cannot go on, said in one sentence."""


@dataclass
class RestoreResult:
    manifest: dict
    verify: object  # audit.services.VerifyResult


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[:500]}")


def backup(out: Path, *, using: str = "default", now: datetime | None = None) -> dict:
    """Write the database, the media and the manifest into `out` (new or empty). Returns the
    manifest."""
    from zhitong.audit.models import AuditChainHead

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    conn = connections[using]
    vendor = conn.vendor
    if vendor not in DB_FILES:
        raise BackupError(f"no backup method for the {vendor} database")
    db_file = out / DB_FILES[vendor]
    head = AuditChainHead.objects.using(using).filter(id=1).first()
    if vendor == "sqlite":
        conn.ensure_connection()
        target = sqlite3.connect(db_file)
        try:
            conn.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_env(conn.settings_dict)
        _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(db_file), conn.settings_dict["NAME"]], env)
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(out / MEDIA, "w:gz") as tar:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                tar.add(child, arcname=child.name)
    manifest = {
        "format": FORMAT,
        "created_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "database": str(conn.settings_dict["NAME"]),
        # The chain's head when the backup was taken: a restore must end exactly there.
        "audit_head": {"last_event_id": head.last_event_id, "last_hash": head.last_hash, "count": head.count}
        if head
        else None,
        "files": {p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size} for p in (db_file, out / MEDIA)},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def read_manifest(src: Path) -> dict:
    """The manifest of a backup directory, its files checked against their checksums."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {src}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is not a Zhitong backup ({FORMAT})")
    for name, meta in manifest.get("files", {}).items():
        path = src / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256(path) != meta.get("sha256"):
            raise BackupError(f"{name} does not match its checksum in the manifest: the backup is damaged")
    return manifest


def _database_in_use(using: str) -> bool:
    from zhitong.audit.models import AuditEvent

    conn = connections[using]
    if "django_migrations" not in conn.introspection.table_names():
        return False
    return AuditEvent.objects.using(using).exists()


def target_is_empty(using: str = "default") -> bool:
    media_root = Path(settings.MEDIA_ROOT)
    media_used = media_root.is_dir() and any(media_root.iterdir())
    return not media_used and not _database_in_use(using)


def restore(src: Path, *, force: bool = False, using: str = "default") -> RestoreResult:
    """Load a backup made by `backup` over the configured database and MEDIA_ROOT, then verify
    the audit chain. Refuses a database or media directory in use unless `force`."""
    from zhitong.audit.services import audit_verify

    src = Path(src)
    manifest = read_manifest(src)
    conn = connections[using]
    if manifest["vendor"] != conn.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, this one is {conn.vendor}")
    if not force and not target_is_empty(using):
        raise BackupError("the target database or media directory is not empty (use --force to overwrite it)")
    db_file = src / DB_FILES[conn.vendor]
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            source.backup(conn.connection)
        finally:
            source.close()
    else:
        args, env = _pg_env(conn.settings_dict)
        conn.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                conn.settings_dict["NAME"],
                str(db_file),
            ],
            env,
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    with tarfile.open(src / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    result = audit_verify()
    head = manifest.get("audit_head")
    # The head was read just before the dump: the restored chain holds at least those events.
    if result.ok and head and result.count < head["count"]:
        from zhitong.audit.services import VerifyResult

        result = VerifyResult(
            False,
            result.count,
            None,
            f"the restored chain has {result.count} events, the backup recorded {head['count']}",
        )
    return RestoreResult(manifest, result)
