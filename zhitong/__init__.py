"""Zhitong (直通): enterprise service and major-project coordination for a city government."""

from .celery import app as celery_app

__all__ = ["celery_app"]
