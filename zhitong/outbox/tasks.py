"""Celery task: a thin wrapper; the delivery lives in delivery.py."""

from celery import shared_task


@shared_task(name="zhitong.outbox.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> str:
    """Deliver the due outbox rows: queued after every commit that wrote some, and run by
    beat every minute as the sweep that catches whatever a crash or a failure left."""
    from .delivery import outbox_deliver

    return str(outbox_deliver())
