"""`zhitong audit verify | anchor | seal | newkey` — check the keyed hash chain, sign its head.

zhitong audit verify                      exit 1 at the first broken link
zhitong audit verify --against @head.txt  … and the chain must still pass through that anchor
zhitong audit anchor --out head.txt       print (and write) a signed head to keep elsewhere
zhitong audit seal                        chain the events still waiting for their seal
zhitong audit newkey                      print a fresh random key for ZHITONG_AUDIT_KEY
"""

from pathlib import Path

from django.core.management.base import CommandError

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
        sub.add_parser(
            "seal", help="chain the recorded events not yet sealed (Celery beat does it every few seconds)"
        )
        sub.add_parser(
            "newkey", help="print a new random key (for ZHITONG_AUDIT_KEY; never store it in the database)"
        )

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_verify(self, *, chunk_size=2000, against=None, **options):
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

    def do_newkey(self, **options):
        self.stdout.write(new_key())


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
