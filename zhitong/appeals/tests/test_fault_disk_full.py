"""Fault: the media disk is full (docs/reliability.md). The storage's save raises
OSError(ENOSPC), as a full filesystem does: uploading evidence is refused with a clear
Chinese 503 (API) or message (page), the appeal is unchanged — no evidence row without its
file, no timeline row, no version or state move, no file left on disk — and the same upload
succeeds once space returns, without an operator."""

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, AppealEvidence, Transition
from zhitong.audit.models import AuditEvent

from .conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk(monkeypatch):
    """`disk.full = True` makes every file save fail as a full disk does."""
    real_save = FileSystemStorage._save

    class Disk:
        full = False
        refused = 0

    def save(storage, name, content):
        if Disk.full:
            Disk.refused += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return Disk


def snapshot(appeal):
    a = Appeal.objects.get(pk=appeal.pk)
    return (
        a.status,
        a.version,
        AppealEvidence.objects.filter(appeal=a).count(),
        Transition.objects.filter(appeal=a).count(),
        AuditEvent.objects.count(),
    )


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(client, user, appeal, *files):
    _, raw = ApiToken.issue(user=user, name="测试")
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/evidence",
        data={"files": list(files), "note": "会议纪要", "expected_version": appeal.version},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_evidence_on_a_full_disk_is_a_clear_503_and_changes_nothing_then_succeeds(
    client, flow, city, disk, settings
):
    appeal = flow.to(Status.IN_PROGRESS)
    before, files_before = snapshot(appeal), media_files(settings)
    disk.full = True
    r = upload(client, city.handler, appeal, SimpleUploadedFile("纪要.pdf", PDF))
    assert r.status_code == 503, r.content
    body = r.json()
    assert body["code"] == "storage_full" and "存储空间不足" in body["message"]
    assert "未作任何更改" in body["message"] and "Traceback" not in r.content.decode()
    assert r["Retry-After"]
    assert disk.refused == 1
    assert snapshot(appeal) == before and media_files(settings) == files_before

    disk.full = False  # space returns: the same request, as a client retries it
    r = upload(client, city.handler, appeal, SimpleUploadedFile("纪要.pdf", PDF))
    assert r.status_code == 201, r.content
    status, version, evidence, transitions, _ = snapshot(appeal)
    assert (status, version, evidence, transitions) == (before[0], before[1] + 1, 1, before[3] + 1)
    [ev] = AppealEvidence.objects.filter(appeal=appeal)
    assert ev.file.read() == PDF


def test_a_second_file_failing_removes_the_first_written_in_the_same_upload(
    client, flow, city, settings, monkeypatch
):
    appeal = flow.to(Status.IN_PROGRESS)
    before, files_before = snapshot(appeal), media_files(settings)
    real = FileSystemStorage._save
    calls = []

    def second_fails(storage, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", second_fails)
    r = upload(
        client,
        city.handler,
        appeal,
        SimpleUploadedFile("一.pdf", PDF),
        SimpleUploadedFile("二.pdf", PDF + b"2"),
    )
    assert r.status_code == 503 and r.json()["code"] == "storage_full"
    assert len(calls) == 2
    assert snapshot(appeal) == before and media_files(settings) == files_before


def test_the_page_says_the_disk_is_full_and_keeps_the_appeal_as_it_was(client, flow, city, disk, settings):
    appeal = flow.to(Status.IN_PROGRESS)
    before = snapshot(appeal)
    client.force_login(city.handler)
    disk.full = True
    r = client.post(
        f"/appeals/{appeal.pk}/move/add_evidence/",
        {
            "add_evidence-evidence_files": [SimpleUploadedFile("纪要.pdf", PDF)],
            "add_evidence-note": "会议纪要",
            "add_evidence-expected_version": appeal.version,
        },
    )
    assert r.status_code == 503
    assert "存储空间不足" in r.content.decode()
    assert snapshot(appeal) == before
    disk.full = False
    r = client.post(
        f"/appeals/{appeal.pk}/move/add_evidence/",
        {
            "add_evidence-evidence_files": [SimpleUploadedFile("纪要.pdf", PDF)],
            "add_evidence-note": "会议纪要",
            "add_evidence-expected_version": appeal.version,
        },
    )
    assert r.status_code == 302
    assert snapshot(appeal)[2] == 1
