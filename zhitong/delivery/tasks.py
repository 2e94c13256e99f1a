"""Celery task: a thin wrapper; the rules live in services.py."""

from celery import shared_task


@shared_task(name="zhitong.delivery.tasks.release_held", ignore_result=True)
def release_held() -> str:
    """Queue the channel deliveries held for quiet hours that are now over (beat, every
    minute)."""
    from .services import deliveries_release_held

    return f"免打扰结束后放行 {deliveries_release_held()}"
