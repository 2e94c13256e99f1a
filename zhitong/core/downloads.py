"""Download responses: every file the project hands out is named in Chinese, as staff file it
(附件3_市工业和信息化局_2026年11月.xlsx), through one Content-Disposition helper.

The header carries both forms of RFC 6266: `filename="…"`, an ASCII name for old clients,
then `filename*=UTF-8''…` (RFC 5987 percent-encoding), which every current browser prefers.
Django's own `content_disposition_header` gives only the second for a non-ASCII name, and
some mail gateways and download managers then save the file as "download".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters Windows refuses in a file name, path separators and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def month_cn(month: date) -> str:
    return f"{month.year}年{month.month}月"


def file_name(*parts: str, ext: str) -> str:
    """A file name from its parts joined by "_": 附件3_市工业和信息化局_2026年11月.xlsx.
    Empty parts are left out; characters a file system refuses become "_"."""
    stem = "_".join(p.strip() for p in parts if p and p.strip())
    return clean_name(f"{stem}.{ext.lstrip('.')}")


def clean_name(name: str) -> str:
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name or "")).strip(" .")
    return name or "download"


def ascii_name(name: str, fallback: str = "") -> str:
    """The ASCII name for clients that do not read filename*: `fallback` when given, else
    the name with every non-ASCII run replaced by "_" (keeping the extension)."""
    candidate = fallback or name
    stem, dot, ext = candidate.rpartition(".")
    if not dot:
        stem, ext = candidate, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.")
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    stem = stem or "download"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(name: str, *, fallback: str = "", inline: bool = False) -> str:
    """`attachment; filename="annex3-GXJ-2026-11.xlsx"; filename*=UTF-8''%E9%99%84…`."""
    name = clean_name(name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name(name, fallback)}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(content: bytes, *, name: str, content_type: str, fallback: str = "") -> HttpResponse:
    """A generated file (a ledger, a template) as an attachment."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, fallback=fallback)
    return response


def file_download(
    fileobj, *, name: str, content_type: str | None = None, fallback: str = "", inline: bool = False
) -> FileResponse:
    """A stored file (an upload, a generated document) streamed, as an attachment or, for
    what a browser shows itself (PDF, images), inline."""
    kwargs = {"content_type": content_type} if content_type else {}
    response = FileResponse(fileobj, as_attachment=not inline, **kwargs)
    response["Content-Disposition"] = content_disposition(name, fallback=fallback, inline=inline)
    return response
