"""Celery tasks: thin wrappers; the rules live in appeals/jobs.py."""

from celery import shared_task


@shared_task(name="zhitong.appeals.tasks.run_appeal_clock")
def run_appeal_clock() -> str:
    from .jobs import run_appeal_clock as run

    return str(run())
