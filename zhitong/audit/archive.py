"""Audit retention (GB/T 22239-2019 8.1.4.3 c: 审计记录留存不少于六个月): export a span of the
chain and archive the events older than the retention window into a signed file that can be
verified offline, with only the audit key (docs/security.md "Audit retention and archive").

File (JSON lines, UTF-8):

    {"format": "zhitong-audit-archive/1", "kind": "archive"|"export", "after_id": …,
     "start_prev_hash": …, "start_count": …, …}        header: where the span joins the chain
    {"event": {id, seq, key_id, prev_hash, hash, at, actor_id, …}}   one line per event, in id order
    {"trailer": {"count": …, "anchor": "zhitong-audit-anchor/1 …", "sha256": …, "key": …, "mac": …}}

The anchor is the chain's own signed anchor (chain.Anchor) naming the span's last event, so
`zhitong audit verify --against` it checks the live chain still holds that event unchanged;
the trailer's MAC covers the SHA-256 of every line before it. `verify_file` recomputes every
event's MAC and link from the header's starting point, then the anchor and the trailer.

Archiving does NOT delete events from the live table: the chain is append-only (its model,
its queryset and a PostgreSQL trigger refuse DELETE), and verifying a chain that starts
after a cut would need the walk to start from a signed anchor instead of the genesis value.
The archive is the copy kept for the long term (and off the database server); each archive
run records its anchor as an `audit.archived` event, and the next run starts after it.
Spans are whole id ranges (the first event at or after `from`, the last before `to`), so
the links inside a span are all present.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from . import chain
from .chain import GENESIS, HASHED_FIELDS, Anchor
from .keys import keyring
from .models import AuditEvent
from .services import _Broken, _Walk, audit_record

FORMAT = "zhitong-audit-archive/1"
COLUMNS = ("id", "seq", "key_id", "prev_hash", "hash", *HASHED_FIELDS)
ARCHIVED = "audit.archived"


class ArchiveError(Exception):
    pass


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    count: int
    problem: str = ""
    first_id: int = 0
    last_id: int = 0

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.count} events, #{self.first_id}–#{self.last_id}"
        return f"BROKEN: {self.problem} ({self.count} events checked before it)"


def _line(obj) -> bytes:
    return (json.dumps(obj, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _span(start_id: int | None, end_id: int | None):
    qs = AuditEvent.objects.order_by("id")
    if start_id is not None:
        qs = qs.filter(id__gte=start_id)
    if end_id is not None:
        qs = qs.filter(id__lte=end_id)
    return qs


def _ids(*, after_id: int = 0, date_from: date | None = None, before: date | None = None):
    """The first and last ids of the events after `after_id`, at or after `date_from`, before
    `before` (None, None if there are none)."""
    qs = AuditEvent.objects.filter(id__gt=after_id)
    if date_from is not None:
        qs = qs.filter(at__gte=_day_start(date_from))
    if before is not None:
        qs = qs.filter(at__lt=_day_start(before))
    first = qs.order_by("id").values_list("id", flat=True).first()
    last = qs.order_by("-id").values_list("id", flat=True).first()
    return first, last


def write_file(path: Path, *, first_id: int, last_id: int, kind: str, extra: dict | None = None) -> dict:
    """Write events #first_id…#last_id (every id between) as a signed file; return the trailer."""
    ring = keyring()
    previous = AuditEvent.objects.filter(id__lt=first_id).order_by("-id").values("id", "hash").first()
    header = {
        "format": FORMAT,
        "kind": kind,
        "after_id": previous["id"] if previous else 0,
        "start_prev_hash": previous["hash"] if previous else GENESIS,
        "start_count": AuditEvent.objects.filter(id__lt=first_id).count(),
        "first_id": first_id,
        "last_id": last_id,
        "written_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    digest = hashlib.sha256()
    count, last = 0, None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        for obj in [{"header": header}]:
            data = _line(obj)
            digest.update(data)
            f.write(data)
        for row in _span(first_id, last_id).values(*COLUMNS).iterator(chunk_size=2000):
            data = _line({"event": row})
            digest.update(data)
            f.write(data)
            count, last = count + 1, row
        if last is None:
            raise ArchiveError("no events in that span")
        anchor = Anchor(
            last["id"], last["hash"], header["start_count"] + count, timezone.now(), ring.current_id
        ).signed(ring.current)
        sha = digest.hexdigest()
        trailer = {
            "count": count,
            "anchor": str(anchor),
            "sha256": sha,
            "key": ring.current_id,
            "mac": hmac.new(ring.current, f"{FORMAT}\n{sha}".encode(), hashlib.sha256).hexdigest(),
        }
        f.write(_line({"trailer": trailer}))
    return trailer


def export(path: Path, *, date_from: date, date_to: date) -> dict | None:
    """Events from `date_from` to `date_to` (inclusive, local dates) into `path`: a signed
    JSON-lines file (.jsonl) or a spreadsheet (.xlsx, with the hashes, for reading)."""
    first, last = _ids(date_from=date_from, before=date_to + timedelta(days=1))
    if first is None:
        raise ArchiveError("no events in that span")
    if str(path).endswith(".xlsx"):
        _export_xlsx(Path(path), first, last)
        return None
    return write_file(path, first_id=first, last_id=last, kind="export")


def _export_xlsx(path: Path, first: int, last: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(list(COLUMNS))
    for row in _span(first, last).values_list(*COLUMNS).iterator(chunk_size=2000):
        values = []
        for v in row:
            if isinstance(v, datetime):
                v = v.astimezone(UTC).isoformat(timespec="microseconds")
            elif isinstance(v, dict | list):
                v = json.dumps(v, ensure_ascii=False, sort_keys=True)
            values.append(v)
        ws.append(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def retention_cutoff(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)


def last_archived_id() -> int:
    event = AuditEvent.objects.filter(action=ARCHIVED).order_by("-id").values("after").first()
    return int((event["after"] or {}).get("last_id", 0)) if event else 0


def archive(out_dir: Path, *, before: date, today: date | None = None) -> tuple[Path, dict] | None:
    """Archive the events not yet archived that are older than both `before` and the
    retention window; record the archive's anchor as an `audit.archived` event. None if
    there is nothing to archive."""
    cut = min(before, retention_cutoff(today))
    first, last = _ids(after_id=last_archived_id(), before=cut)
    if first is None:
        return None
    path = Path(out_dir) / f"audit-{first:012d}-{last:012d}.jsonl"
    if path.exists():
        raise ArchiveError(f"{path} exists already")
    trailer = write_file(
        path, first_id=first, last_id=last, kind="archive", extra={"before": cut.isoformat()}
    )
    audit_record(
        action="audit.archived",
        object_type="audit.archive",
        object_id=path.name,
        after={
            "file": path.name,
            "first_id": first,
            "last_id": last,
            "count": trailer["count"],
            "before": cut.isoformat(),
            "sha256": trailer["sha256"],
            "anchor": trailer["anchor"],
        },
    )
    return path, trailer


def verify_file(path: Path) -> FileCheck:
    """Check an archive or export offline: its trailer's MAC over the lines, every event's
    MAC and link from the header's starting point, and the anchor at its end. Needs the
    audit keys (settings), not the database."""
    ring = keyring()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return FileCheck(False, 0, f"cannot read the file: {exc}")
    lines = raw.splitlines(keepends=True)
    try:
        header = json.loads(lines[0])["header"]
        trailer = json.loads(lines[-1])["trailer"]
        events = [json.loads(x)["event"] for x in lines[1:-1]]
    except (ValueError, KeyError, IndexError, TypeError):
        return FileCheck(False, 0, "not an audit archive: a line is not what it should be")
    if header.get("format") != FORMAT:
        return FileCheck(False, 0, f"not an audit archive ({FORMAT})")
    sha = hashlib.sha256(b"".join(lines[:-1])).hexdigest()
    key = ring.get(str(trailer.get("key", "")))
    if key is None:
        return FileCheck(False, 0, f"signed with unknown key {trailer.get('key')!r}")
    expected = hmac.new(key, f"{FORMAT}\n{sha}".encode(), hashlib.sha256).hexdigest()
    if sha != trailer.get("sha256") or not chain.same(expected, str(trailer.get("mac", ""))):
        return FileCheck(
            False, 0, "the file does not match its signature: lines were changed, added or removed"
        )
    walk = _Walk(ring, None)
    walk.prev_hash, walk.last_id, walk.count = (
        header["start_prev_hash"],
        header["after_id"],
        header["start_count"],
    )
    walk.keyed = bool(walk.count) and bool(events) and events[0]["key_id"] != chain.LEGACY_KEY_ID
    try:
        for row in events:
            row["at"] = datetime.fromisoformat(row["at"])
            walk.step(row)
    except _Broken as broken:
        return FileCheck(
            False, walk.count - header["start_count"], f"event #{broken.event_id}: {broken.problem}"
        )
    try:
        anchor = Anchor.parse(trailer["anchor"])
    except (chain.BadAnchor, KeyError) as exc:
        return FileCheck(False, len(events), f"bad anchor: {exc}")
    akey = ring.get(anchor.key_id)
    if akey is None or not chain.same(anchor.expected_mac(akey), anchor.mac):
        return FileCheck(False, len(events), "the anchor's signature is not valid")
    if (anchor.event_id, anchor.hash, anchor.count) != (walk.last_id, walk.prev_hash, walk.count):
        return FileCheck(False, len(events), "the anchor does not name the file's last event")
    return FileCheck(True, len(events), first_id=events[0]["id"] if events else 0, last_id=walk.last_id)
