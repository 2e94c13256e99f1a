"""Reads of the signed-in user's own notifications (the recipient filter is the whole
access rule)."""

from django.db.models import QuerySet

from .models import Notification


def notifications_for(*, user, only_unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
