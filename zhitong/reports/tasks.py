"""Celery beat jobs: each only calls its service."""

from celery import shared_task


@shared_task(name="zhitong.reports.tasks.forward_annex1_ledgers", ignore_result=True)
def forward_annex1_ledgers() -> str:
    """seeds/000 二: last month's ledgers to the 市发改委 on the first working day (beat on
    the 1st–7th; the service sends once a month)."""
    from .forwarding import ledgers_forward

    return f"附件1抄送 {ledgers_forward()}"


@shared_task(name="zhitong.reports.tasks.send_mailbox_summary", ignore_result=True)
def send_mailbox_summary() -> str:
    """seeds/003 七: the mayor's mailbox summary to the principal leaders, each working day."""
    from .mailbox import mailbox_summary_send

    return f"市长信箱汇总 {mailbox_summary_send()}"
