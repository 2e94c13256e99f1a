"""Beat jobs of the supervision app."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="zhitong.supervision.tasks.forward_to_congress")
def forward_to_congress() -> int:
    """At the start of each month, the previous month's results to the People's Congress
    (services.forward_results; deduplicated, so the runs on the 1st–5th tell each overseer once)."""
    from .services import forward_results, previous_month

    return forward_results(month=previous_month(timezone.localdate()))
