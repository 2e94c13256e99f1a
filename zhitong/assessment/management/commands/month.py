"""`zhitong month close YYYY-MM` — close the assessment month (assessment.services.month_close):
freeze the scorecard, the counting facts and every registered close part into a snapshot
whose digest the audit chain seals. A month already closed is refused (exit 1).

zhitong month close 2025-09 [--note TEXT]
zhitong month verify 2025-09     the snapshot still hashes to the digest the chain recorded
"""

from django.core.management.base import CommandError

from zhitong.assessment.choices import MonthStatus
from zhitong.assessment.models import AssessmentMonth
from zhitong.assessment.services import month_close_by_label, month_verify
from zhitong.common.pages import parse_month
from zhitong.core.commands import OperationalCommand
from zhitong.core.errors import ServiceError


class Command(OperationalCommand):
    help = "Assessment months: close one (freeze and seal its scorecard), or verify a closed one."

    def add_actions(self, sub):
        p = sub.add_parser("close", help="close the month YYYY-MM (refused if already closed)")
        p.add_argument("month")
        p.add_argument("--note", default="")
        p = sub.add_parser("verify", help="check a closed month's snapshot against the audit chain")
        p.add_argument("month")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def _month(self, value):
        try:
            return parse_month(value)
        except Exception:
            raise CommandError("月份格式应为 YYYY-MM")

    def do_close(self, *, month, note="", **options):
        try:
            m = month_close_by_label(actor=None, month=self._month(month), note=note)
        except ServiceError as exc:
            raise CommandError(str(exc.message if hasattr(exc, "message") else exc))
        self.stdout.write(f"{m.label}已结账，快照摘要 {m.digest}")

    def do_verify(self, *, month, **options):
        m = AssessmentMonth.objects.filter(month=self._month(month), status=MonthStatus.CLOSED).first()
        if m is None or not month_verify(m):
            raise CommandError("快照与审计链不符或该月未结账")
        self.stdout.write(f"{m.label}快照完好，摘要 {m.digest}")
