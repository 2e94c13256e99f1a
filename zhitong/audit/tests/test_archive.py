"""Audit retention (GB/T 22239-2019 8.1.4.3 c): at least six months kept (a system check),
export and archive to signed files that verify offline, and a changed file is caught."""

import io
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from zhitong.audit import archive as arch
from zhitong.audit.checks import audit_retention_check
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_record, audit_verify, parse_anchor


def _events(n, start=0):
    for i in range(start, start + n):
        audit_record(
            action="test.change", object_type="test.thing", object_id=i, after={"v": i, "名": "张三"}
        )


@pytest.fixture
def history():
    """Events on three days: 2026-01-10 (3), 2026-03-10 (2), 2026-11-20 (2)."""
    for day, n, start in ((date(2026, 1, 10), 3, 0), (date(2026, 3, 10), 2, 10), (date(2026, 11, 20), 2, 20)):
        with time_machine.travel(f"{day.isoformat()}T10:00:00+08:00", tick=False):
            _events(n, start)


def test_retention_below_six_months_is_refused(settings):
    settings.AUDIT_RETENTION_DAYS = 182
    assert [e.id for e in audit_retention_check()] == ["zhitong.audit.E001"]
    settings.AUDIT_RETENTION_DAYS = 183
    assert audit_retention_check() == []


@pytest.mark.django_db
def test_export_verifies_offline_and_a_change_is_caught(history, tmp_path):
    out = tmp_path / "q1.jsonl"
    text = io.StringIO()
    call_command(
        "audit", "export", "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(out), stdout=text
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + 5  # header, five events, trailer
    assert arch.verify_file(out).ok
    call_command("audit", "verify", "--archive", str(out), stdout=io.StringIO())
    # The trailer's anchor is the chain's own: the live chain still passes through it.
    anchor = parse_anchor(json.loads(lines[-1])["trailer"]["anchor"])
    assert audit_verify(against=anchor).ok

    # One changed character in an event: the file's signature no longer matches.
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text(
        "\n".join([lines[0], lines[1].replace("张三", "李四"), *lines[2:]]) + "\n", encoding="utf-8"
    )
    check = arch.verify_file(tampered)
    assert not check.ok and "signature" in check.problem
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify", "--archive", str(tampered), stdout=io.StringIO())
    # An event removed: caught too.
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert not arch.verify_file(cut).ok


@pytest.mark.django_db
def test_a_resigned_file_still_fails_on_the_event_macs(history, tmp_path, settings):
    """Someone who recomputes the file's SHA-256 but lacks the key cannot forge the trailer;
    with the trailer valid but an event rewritten, the event's own MAC fails."""
    out = tmp_path / "all.jsonl"
    arch.export(out, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    lines = out.read_bytes().splitlines(keepends=True)
    event = json.loads(lines[2])
    event["event"]["after"]["v"] = 999
    lines[2] = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode()
    # Re-sign the trailer with the real key, as only an insider with the key could.
    import hashlib
    import hmac

    from zhitong.audit.keys import keyring

    ring = keyring()
    trailer = json.loads(lines[-1])
    sha = hashlib.sha256(b"".join(lines[:-1])).hexdigest()
    trailer["trailer"].update(
        sha256=sha, mac=hmac.new(ring.current, f"{arch.FORMAT}\n{sha}".encode(), hashlib.sha256).hexdigest()
    )
    lines[-1] = (json.dumps(trailer) + "\n").encode()
    out.write_bytes(b"".join(lines))
    check = arch.verify_file(out)
    assert not check.ok and "does not match its hash" in check.problem


@pytest.mark.django_db
def test_xlsx_export_has_the_hashes(history, tmp_path):
    out = tmp_path / "log.xlsx"
    arch.export(out, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    rows = list(load_workbook(out).active.values)
    assert rows[0][:5] == ("id", "seq", "key_id", "prev_hash", "hash")
    assert len(rows) == 3
    hashes = set(AuditEvent.objects.filter(at__date__gte=date(2026, 11, 1)).values_list("hash", flat=True))
    assert {r[4] for r in rows[1:]} == hashes


@pytest.mark.django_db
def test_archive_keeps_the_retention_window_and_records_its_anchor(history, tmp_path, settings):
    settings.AUDIT_RETENTION_DAYS = 183
    today = date(2026, 12, 1)  # cut-off 2026-05-31: January and March are archived
    with time_machine.travel("2026-12-01T09:00:00+08:00", tick=False):
        path, trailer = arch.archive(tmp_path, before=date(2026, 12, 1), today=today)
        assert trailer["count"] == 5
        assert arch.verify_file(path).ok
        recorded = AuditEvent.objects.get(action="audit.archived")
        assert (
            recorded.after["anchor"] == trailer["anchor"] and recorded.after["last_id"] == arch._ids()[0] + 4
        )
        assert AuditEvent.objects.count() == 8  # nothing deleted: seven events and the archive's record
        assert audit_verify().ok
        # The next run has nothing older left; later, the next span joins where this one ended.
        assert arch.archive(tmp_path, before=today, today=today) is None
    with time_machine.travel("2027-06-30T09:00:00+08:00", tick=False):
        out = io.StringIO()
        call_command("audit", "archive", "--before", "2027-06-30", "--out", str(tmp_path), stdout=out)
        second = sorted(tmp_path.glob("audit-*.jsonl"))[-1]
        assert "2 events" in out.getvalue() or "3 events" in out.getvalue()
        check = arch.verify_file(second)
        assert check.ok, check
        assert json.loads(second.read_text(encoding="utf-8").splitlines()[0])["header"]["start_count"] == 5


def test_retention_cutoff(settings):
    settings.AUDIT_RETENTION_DAYS = 200
    assert arch.retention_cutoff(date(2026, 12, 1)) == date(2026, 12, 1) - timedelta(days=200)


@pytest.mark.django_db
def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(CommandError, match="no events"):
        call_command(
            "audit",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--out",
            str(tmp_path / "x.jsonl"),
        )
    with pytest.raises(CommandError, match="before"):
        call_command(
            "audit",
            "export",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-02",
            "--out",
            str(tmp_path / "x.jsonl"),
        )
    (tmp_path / "junk.jsonl").write_text("not json\n", encoding="utf-8")
    assert not arch.verify_file(tmp_path / "junk.jsonl").ok
    assert not arch.verify_file(tmp_path / "missing.jsonl").ok
