from django.conf import settings
from django.db import models
from django.db.models import Q

from .kinds import DIGEST_WINDOW_HOURS


class Notification(models.Model):
    """An in-app message. `dedupe_key` makes the periodic clock job idempotent: the same
    reminder for the same appeal and deadline is stored once however often the job runs.
    `source_message` is the outbox row it was delivered from (one-to-one: a row delivered
    twice cannot make two messages). `subject` names the object the message is about (by
    default the path of its link, e.g. "/appeals/42/"): the hub shows the messages of one
    kind about one object as one row, and a repeat within the recipient's window goes to
    the daily digest instead (services.notification_deliver)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True, default="")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    source_message = models.OneToOneField(
        "outbox.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notification",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The hub's groups and the deliverer's "was this already told?" question.
            models.Index(fields=["recipient", "kind", "subject", "created_at"], name="notification_group"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreferences(models.Model):
    """One user's choices: per kind, how its notices reach them (kinds.Delivery; a kind
    left out takes its default), and how long after a notice about an object a repeat of
    it waits for the daily digest. Mandatory kinds are never stored here (services refuse)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    modes = models.JSONField(default=dict, blank=True)
    digest_window_hours = models.PositiveSmallIntegerField(default=DIGEST_WINDOW_HOURS)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"消息设置：{self.user}"


class DigestItem(models.Model):
    """A notice held for the recipient's daily digest (a repeat within the window, or a
    kind they receive as a digest). Delivered from its outbox row like a message
    (one-to-one: exactly once); `digest` is the digest message that carried it, empty
    until then."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True, default="")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    digest = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="digest_items"
    )
    source_message = models.OneToOneField(
        "outbox.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_item"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The digest job's question: who has items waiting (small: sent ones leave it).
            models.Index(
                fields=["recipient", "created_at"], condition=Q(digest__isnull=True), name="digest_waiting"
            ),
        ]

    def __str__(self) -> str:
        return self.title
