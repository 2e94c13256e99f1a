"""`zhitong backup` / `zhitong restore` (GB/T 22239-2019 8.1.4.9 数据备份恢复): the database and
the media round-trip, a damaged or foreign backup is refused, a database in use is not
overwritten without --force, and the audit chain is verified after the restore."""

import io
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhitong.audit.backup import BackupError, backup, read_manifest
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_record
from zhitong.enterprises.models import Contact
from zhitong.enterprises.tests.factories import ContactFactory


def _events(n, start=0):
    for i in range(start, start + n):
        audit_record(action="test.change", object_type="test.thing", object_id=i, after={"v": i})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.txt").write_text("现场照片说明", encoding="utf-8")
    return tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_with_media_and_chain(media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is test_postgres_round_trip")
    kept = ContactFactory(phone="13800001111")
    _events(3)
    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "bk"), stdout=out)
    assert "backup written" in out.getvalue()
    manifest = read_manifest(tmp_path / "bk")
    assert set(manifest["files"]) == {"db.sqlite3", "media.tar.gz"}
    assert manifest["audit_head"]["count"] == AuditEvent.objects.count()

    # Life goes on after the backup: a new contact, new events, a changed and a new file.
    ContactFactory(phone="13800002222")
    _events(2, start=10)
    (media / "evidence" / "a.txt").write_text("changed", encoding="utf-8")
    (media / "later.txt").write_text("later", encoding="utf-8")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "bk"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(tmp_path / "bk"), "--force", stdout=out)
    assert "audit chain: OK" in out.getvalue()
    assert list(Contact.objects.values_list("phone", flat=True)) == [kept.phone]
    assert AuditEvent.objects.count() == manifest["audit_head"]["count"]
    assert (media / "evidence" / "a.txt").read_text(encoding="utf-8") == "现场照片说明"
    assert not (media / "later.txt").exists()


@pytest.mark.django_db
def test_a_damaged_backup_is_refused(media, tmp_path):
    bk = tmp_path / "bk"
    bk.mkdir()
    (bk / "db.sqlite3").write_bytes(b"x")
    (bk / "media.tar.gz").write_bytes(b"y")
    manifest = {
        "format": "zhitong-backup/1",
        "vendor": connection.vendor,
        "files": {"db.sqlite3": {"sha256": "0" * 64}, "media.tar.gz": {"sha256": "0" * 64}},
    }
    (bk / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="checksum"):
        read_manifest(bk)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(bk), "--force", stdout=io.StringIO())
    with pytest.raises(BackupError, match="not a Zhitong backup"):
        (bk / "manifest.json").write_text("{}", encoding="utf-8")
        read_manifest(bk)


@pytest.mark.django_db
def test_backup_refuses_a_non_empty_directory(media, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "bk")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trip(media, tmp_path):
    """pg_dump -Fc of the test database, pg_restore into a scratch database, same rows."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    ContactFactory(phone="13800003333")
    _events(3)
    manifest = backup(tmp_path / "bk")
    assert set(manifest["files"]) == {"db.dump", "media.tar.gz"}
    scratch = f"zt_restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432), "-U", db["USER"]]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    subprocess.run(["createdb", *args, scratch], check=True, env=env)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", *args, "-d", scratch, str(Path(tmp_path / "bk" / "db.dump"))],
            check=True,
            env=env,
        )
        counted = subprocess.run(
            ["psql", *args, "-tA", "-d", scratch, "-c", "SELECT count(*) FROM audit_auditevent"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert int(counted) == AuditEvent.objects.count() == manifest["audit_head"]["count"]
        phone = subprocess.run(
            ["psql", *args, "-tA", "-d", scratch, "-c", "SELECT phone FROM enterprises_contact"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
        assert "13800003333" not in phone and phone.startswith("zt1$")  # the dump holds no clear phone
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", scratch], check=True, env=env)
