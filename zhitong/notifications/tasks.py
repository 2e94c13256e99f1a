"""Celery task: a thin wrapper; the digest's rules live in services.py."""

from celery import shared_task


@shared_task(name="zhitong.notifications.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests() -> str:
    """Queue each user's daily digest of held notices (beat, every morning; in-process in
    the embedded mode, or by hand: `zhitong notification_digest`)."""
    from .services import notification_digests_send

    return f"每日汇总 {notification_digests_send()}"
