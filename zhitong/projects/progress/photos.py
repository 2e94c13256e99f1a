"""Photos of a report's image progress (形象进度照片): JPEG or PNG by their content (never
the file name), each at most ZHITONG_PROGRESS_PHOTO_MAX_BYTES, at most MAX_PHOTOS per
report, stored under their content hash (the same photo is stored once)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhitong.core.errors import ServiceError

from ..models import ReportPhoto

MAX_PHOTOS = 6  # per report: a few views of the site, not an album
MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def photo_limit() -> int:
    return settings.ZHITONG_PROGRESS_PHOTO_MAX_BYTES


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}MB" if n >= 1024 * 1024 else f"{n // 1024}KB"


def check_photo(upload) -> tuple[str, bytes, str]:
    """(name, data, kind) of one upload, or ServiceError in Chinese on the `photos` field."""
    name = (getattr(upload, "name", None) or "photo").replace("\\", "/").rsplit("/", 1)[-1][:200]
    limit = photo_limit()
    size = getattr(upload, "size", None)
    too_large = ServiceError(f"照片“{name}”超过{_mb(limit)}上限", code="file_too_large", field="photos")
    if size is not None and size > limit:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ServiceError(f"照片“{name}”是空文件", code="file_empty", field="photos")
    kind = next((k for magic, k in MAGIC if data.startswith(magic)), None)
    if kind is None:
        raise ServiceError(f"“{name}”不是 JPEG 或 PNG 图片", code="file_type", field="photos")
    return name, data, kind


def check_photos(uploads, *, already: int = 0) -> list[tuple[str, bytes, str]]:
    uploads = [u for u in uploads or [] if u]
    if already + len(uploads) > MAX_PHOTOS:
        raise ServiceError(
            f"每份月报最多 {MAX_PHOTOS} 张照片（已有 {already} 张，本次 {len(uploads)} 张）",
            code="too_many_files",
            field="photos",
        )
    return [check_photo(u) for u in uploads]


def store_photos(report, checked, *, actor, now) -> list[ReportPhoto]:
    out = []
    for name, data, kind in checked:
        photo = ReportPhoto(
            report=report,
            original_name=name,
            kind=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
            uploaded_at=now,
        )
        path = photo.file.field.generate_filename(photo, name)
        if default_storage.exists(path):
            photo.file.name = path
        else:
            photo.file.save(name, ContentFile(data), save=False)
        photo.save()
        out.append(photo)
    return out
