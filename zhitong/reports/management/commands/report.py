"""`zhitong report briefing YYYY-MM --out FILE`: the monthly briefing (.docx);
`zhitong report forward` and `zhitong report mailbox`: run the two beat jobs by hand."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _month(value: str) -> date:
    try:
        y, m = value.split("-")
        return date(int(y), int(m), 1)
    except ValueError:
        raise CommandError("月份格式应为 YYYY-MM")


class Command(BaseCommand):
    help = "Reports: the monthly briefing (.docx); the Annex 1 forwarding and the mailbox summary by hand."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        b = sub.add_parser("briefing", help="Write the monthly briefing .docx")
        b.add_argument("month", help="YYYY-MM")
        b.add_argument("--out", required=True, help="the .docx file to write")
        sub.add_parser("forward", help="Forward last month's Annex 1 ledgers to the hub (once a month)")
        sub.add_parser("mailbox", help="Send today's mayor's mailbox summary (working days, once a day)")

    def handle(self, *args, what, **opts):
        if what == "briefing":
            from zhitong.reports.briefing import briefing_docx

            content = briefing_docx(month=_month(opts["month"]))
            Path(opts["out"]).write_bytes(content)
            self.stdout.write(f"{opts['out']}: {len(content)} bytes")
        elif what == "forward":
            from zhitong.reports.forwarding import ledgers_forward

            self.stdout.write(f"{ledgers_forward()} messages queued")
        else:
            from zhitong.reports.mailbox import mailbox_summary_send

            self.stdout.write(f"{mailbox_summary_send()} messages queued")
