"""`zhitong outbox status | deliver | retry-dead` — look after the outbox by hand."""

from django.utils import timezone

from zhitong.core.commands import OperationalCommand
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.selectors import outbox_counts, outbox_oldest_due
from zhitong.outbox.services import DeliveryReport, outbox_deliver, outbox_retry_dead


class Command(OperationalCommand):
    help = (
        "Outbox: `status` counts the rows per status and lists the dead ones; `deliver` delivers "
        "the due rows now (what beat's minute sweep does); `retry-dead` queues the dead rows again."
    )

    def add_actions(self, sub):
        p = sub.add_parser("status", help="rows per status, the oldest waiting row, the last dead rows")
        p.add_argument("--dead", type=int, default=20, help="how many dead rows to list")
        sub.add_parser("deliver", help="deliver every due row now")
        p = sub.add_parser("retry-dead", help="queue the dead rows again, attempts reset")
        p.add_argument("--kind", default="", help="only the dead rows of this kind")
        p.add_argument("ids", nargs="*", type=int, help="only these rows")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def status(self, *, dead=20, **_):
        counts = outbox_counts()
        self.stdout.write("  ".join(f"{s}: {counts[s]}" for s in OutboxStatus.values))
        oldest = outbox_oldest_due()
        if oldest is not None:
            self.stdout.write(f"oldest waiting: {timezone.localtime(oldest):%Y-%m-%d %H:%M:%S}")
        for m in OutboxMessage.objects.filter(status=OutboxStatus.DEAD).order_by("-id")[:dead]:
            self.stdout.write(
                f"dead #{m.pk} {m.kind} {m.dedupe_key} after {m.attempts}: {m.last_error[:200]}"
            )

    def deliver(self, **_):
        now = timezone.now()
        total = DeliveryReport()
        while report := outbox_deliver(now=now):  # in batches until nothing is due
            total.delivered += report.delivered
            total.failed += report.failed
            total.dead += report.dead
        self.stdout.write(str(total))

    def retry_dead(self, *, kind="", ids=(), **_):
        count = outbox_retry_dead(ids=ids or None, kind=kind)
        self.stdout.write(f"queued again: {count}")
