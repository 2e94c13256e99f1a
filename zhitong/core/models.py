from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times (UTC in the database)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
