"""Celery application. Tasks only call services; business logic never lives in a task.

In the embedded default (no REDIS_URL) tasks run eagerly in-process, so the same code path
serves `make run` and production.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhitong.settings")

app = Celery("zhitong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
