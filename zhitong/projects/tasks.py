"""Celery tasks: thin wrappers; the rules live in the projects' services and jobs."""

from celery import shared_task


@shared_task(name="zhitong.projects.tasks.run_roadmap_clock")
def run_roadmap_clock() -> str:
    from .roadmap.jobs import run_roadmap_clock as run

    return str(run())


@shared_task(name="zhitong.projects.tasks.send_leader_digests", ignore_result=True)
def send_leader_digests() -> str:
    """Queue last month's digest for each city leader (seeds/004 江山 每月初; beat on the
    1st–5th of each month, each leader once a month; by hand: `zhitong leader_digest`)."""
    from .dispatch.digest import leader_digests_send

    return f"领导月报 {leader_digests_send()}"
