"""Evidence files: type detection by content, size limits, content-addressed storage, and
linking the stored files to the timeline row of the move that brought them."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhitong.core.errors import ServiceError
from zhitong.core.fields import excerpt
from zhitong.core.outage import StorageFull, is_disk_full

from ..models import AppealEvidence, Transition

MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2 compound file: .doc / .xls of old Office
]
KIND_LABELS = {
    "pdf": "PDF",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "doc": "Word(.doc)",
    "docx": "Word",
    "xlsx": "Excel",
}


def detect_file_kind(data: bytes) -> str | None:
    """The file's type from its content, never its name: PDF, JPEG, PNG, DOC (OLE2), and
    DOCX/XLSX (a zip holding [Content_Types].xml and word/ or xl/). None if not allowed."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def _too_large(name: str, limit: int) -> ServiceError:
    return ServiceError(
        f"文件“{name}”超过{limit // (1024 * 1024)}MB上限", code="file_too_large", field="evidence_files"
    )


def _read(upload) -> tuple[str, bytes]:
    name = getattr(upload, "name", None) or "file"
    limit = settings.ZHITONG_EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, limit)
    return name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200], data


def evidence_check(upload) -> tuple[str, bytes, str]:
    """Read and check one upload: (name, data, kind) or ServiceError in Chinese."""
    name, data = _read(upload)
    if not data:
        raise ServiceError(f"文件“{name}”为空", code="file_empty", field="evidence_files")
    kind = detect_file_kind(data)
    if kind is None:
        raise ServiceError(
            f"文件“{name}”的内容不是允许的类型（PDF、JPEG、PNG、Word、Excel）",
            code="file_type",
            field="evidence_files",
        )
    return name, data, kind


def store_evidence(appeal, uploads, *, actor, now, description: str = "") -> list[AppealEvidence]:
    """Check every upload first, then store each (the same content is stored once)."""
    checked = [evidence_check(u) for u in uploads or []]
    out: list[AppealEvidence] = []
    written: list[str] = []  # files this call wrote, removed again if a later one fails
    for name, data, kind in checked:
        ev = AppealEvidence(
            appeal=appeal,
            original_name=name,
            kind=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            # The note is on the timeline in full; the file's label says when it is shortened.
            description=excerpt(description, 200),
            uploaded_by=actor,
            uploaded_at=now,
        )
        path = ev.file.field.generate_filename(ev, name)
        if default_storage.exists(path):
            ev.file.name = path  # the same content is stored once (content-addressed name)
        else:
            try:
                ev.file.save(name, ContentFile(data), save=False)
            except OSError as exc:
                # The media disk full (docs/reliability.md): a clear 503, and the caller's
                # move rolls back whole (no evidence row, no timeline row, no state move).
                _remove(written)
                if is_disk_full(exc):
                    raise StorageFull(field="evidence_files") from exc
                raise
            written.append(ev.file.name)
        ev.save()
        out.append(ev)
    return out


def _remove(paths: list[str]) -> None:
    """Delete the files of a failed call; what cannot be deleted is left (a file without
    its row is harmless: names are content-addressed, and no row points at it)."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass


def attach(evidence: list[AppealEvidence], transition: Transition) -> list[AppealEvidence]:
    """Link stored files to the timeline row of the move that brought them."""
    if evidence:
        AppealEvidence.objects.filter(pk__in=[e.pk for e in evidence]).update(transition=transition)
    return evidence


def file_names(evidence: list[AppealEvidence]) -> list[str]:
    return [e.original_name for e in evidence]
