"""Celery task: the audit chain's sealer (services.seal), run by beat every few seconds."""

from celery import shared_task


@shared_task(name="zhitong.audit.tasks.seal_audit_chain", ignore_result=True)
def seal_audit_chain() -> int:
    """Chain the events recorded since the last run. Two beats overlapping cannot both
    seal: the second waits for the head's lock and finds nothing left."""
    from .services import seal

    return seal()
