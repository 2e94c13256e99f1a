"""Reads of the outbox for its operators (the admin's home panel, `zhitong outbox status`)."""

from django.db.models import Count, Min

from .choices import OutboxStatus
from .models import OutboxMessage


def outbox_counts() -> dict[str, int]:
    """Rows per status (every status present, 0 when none)."""
    found = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {s: found.get(s, 0) for s in OutboxStatus.values}


def outbox_oldest_due():
    """When the oldest row still waiting for delivery was written (None: nothing waits)."""
    return OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]).aggregate(
        m=Min("created_at")
    )["m"]
