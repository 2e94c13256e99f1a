"""`zhitong audit verify | anchor | seal | newkey` — check the keyed hash chain, sign its head.

zhitong audit verify                      exit 1 at the first broken link
zhitong audit verify --against @head.txt  … and the chain must still pass through that anchor
zhitong audit anchor --out head.txt       print (and write) a signed head to keep elsewhere
zhitong audit seal                        chain the events still waiting for their seal
zhitong audit newkey                      print a fresh random key for ZHITONG_AUDIT_KEY
zhitong audit export --from D --to D --out FILE   the events of those days (.jsonl signed, or .xlsx)
zhitong audit archive --before D --out DIR        events older than D and the retention window
zhitong audit verify --archive FILE       check an archive or .jsonl export offline (keys only)
"""

import argparse
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from zhitong.audit.archive import ArchiveError, archive, export, retention_cutoff, verify_file
from zhitong.audit.chain import BadAnchor
from zhitong.audit.keys import new_key
from zhitong.audit.services import audit_anchor, audit_verify, parse_anchor, seal
from zhitong.core.commands import OperationalCommand


class Command(OperationalCommand):
    help = "Audit log: verify the keyed hash chain, sign its head as an anchor, or make a new key."

    def add_actions(self, sub):
        p = sub.add_parser(
            "verify", help="check every event's HMAC and link and the head; non-zero exit on a break"
        )
        p.add_argument("--chunk-size", type=int, default=2000)
        p.add_argument(
            "--archive",
            metavar="FILE",
            help="check an archive or .jsonl export instead of the database (needs only the keys)",
        )
        p.add_argument(
            "--against",
            metavar="HEAD",
            help="an anchor printed by `audit anchor` (the line itself, or @FILE): the chain must "
            "still contain that event unchanged",
        )
        p = sub.add_parser(
            "anchor", help="verify, then print a signed head (one line) to keep outside the system"
        )
        p.add_argument("--chunk-size", type=int, default=2000)
        p.add_argument("--out", metavar="FILE", help="also write the anchor line to FILE")
        p = sub.add_parser("export", help="write the events of a span of days, with their hashes")
        p.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD")
        p.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD")
        p.add_argument("--out", required=True, metavar="FILE", help=".jsonl (signed, verifiable) or .xlsx")
        p = sub.add_parser(
            "archive",
            help="write the events older than --before and the retention window to a signed file; "
            "the live chain keeps them",
        )
        p.add_argument("--before", required=True, type=_date, metavar="YYYY-MM-DD")
        p.add_argument("--out", required=True, metavar="DIR")
        sub.add_parser(
            "seal", help="chain the recorded events not yet sealed (Celery beat does it every few seconds)"
        )
        sub.add_parser(
            "newkey", help="print a new random key (for ZHITONG_AUDIT_KEY; never store it in the database)"
        )

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_verify(self, *, chunk_size=2000, against=None, archive=None, **options):
        if archive:
            check = verify_file(Path(archive))
            if not check.ok:
                raise CommandError(f"{archive}: {check}")
            self.stdout.write(f"{archive}: {check}")
            return
        anchor = _read_anchor(against) if against else None
        result = audit_verify(chunk_size=chunk_size, against=anchor)
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(str(result))
        if anchor is not None:
            self.stdout.write(
                f"anchor: event #{anchor.event_id} of {anchor.at:%Y-%m-%d %H:%M}Z is in the chain, unchanged"
            )
        self.stdout.write(f"head: #{result.head_id} {result.head_hash}")
        # After a rotation, the retired key's last event must stay where it was.
        for kid, (count, first, last) in result.keys.items():
            noun = "event" if count == 1 else "events"
            self.stdout.write(f"key {kid or '(unkeyed)'}: {count} {noun}, #{first}–#{last}")

    def do_seal(self, **options):
        self.stdout.write(f"sealed: {seal()} events")

    def do_anchor(self, *, chunk_size=2000, out=None, **options):
        result, anchor = audit_anchor(chunk_size=chunk_size)
        if anchor is None:
            raise CommandError(f"not anchoring a broken chain: {result}")
        line = str(anchor)
        if out:
            Path(out).write_text(line + "\n", encoding="utf-8")
        # Keep this line somewhere the database's administrators cannot rewrite (a ticket,
        # an e-mail, the central log server): `verify --against` it later.
        self.stdout.write(line)

    def do_export(self, *, date_from, date_to, out, **options):
        if date_to < date_from:
            raise CommandError("--to is before --from")
        # Events still waiting for the sealer (docs/audit-chain.md) are chained first, so
        # the file carries every event of the span with its hashes.
        seal()
        try:
            trailer = export(Path(out), date_from=date_from, date_to=date_to)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"wrote {out}" + (f": {trailer['count']} events, {trailer['anchor']}" if trailer else "")
        )

    def do_archive(self, *, before, out, **options):
        seal()
        try:
            done = archive(Path(out), before=before)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if done is None:
            self.stdout.write(f"nothing to archive before {min(before, retention_cutoff())}")
            return
        path, trailer = done
        self.stdout.write(f"wrote {path}: {trailer['count']} events")
        self.stdout.write(trailer["anchor"])

    def do_newkey(self, **options):
        self.stdout.write(new_key())


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:40]}") from exc


def _read_anchor(value: str):
    text = value
    if value.startswith("@"):
        try:
            text = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read the anchor file: {exc}") from exc
    try:
        return parse_anchor(text)
    except BadAnchor as exc:
        raise CommandError(f"bad anchor: {exc}") from exc
