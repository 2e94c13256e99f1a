from django.conf import settings
from django.db import models


class StateChange(models.Model):
    """One move of an object that has no history table of its own (events, batches, meetings,
    escalation requests, …): written by the transition kernel's `Step.commit`, read as the
    object's history. Appeals keep their own `Transition` table (their timeline)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # Serves "the history of this object", the only read.
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="statechange_object_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"
