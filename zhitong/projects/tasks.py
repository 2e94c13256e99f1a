"""Celery tasks: thin wrappers; the rules live in the projects' services and jobs."""

from celery import shared_task


@shared_task(name="zhitong.projects.tasks.run_roadmap_clock")
def run_roadmap_clock() -> str:
    from .roadmap.jobs import run_roadmap_clock as run

    return str(run())
