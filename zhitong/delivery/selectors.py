"""Reads of the delivery app: a user's own channel choices, their recent deliveries."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import ChannelPreferences, Delivery


def channel_preferences_for(*, user) -> ChannelPreferences:
    """The user's row, or the defaults (unsaved: the inbox only, no quiet hours)."""
    return ChannelPreferences.objects.filter(user=user).first() or ChannelPreferences(
        user=user, updated_at=timezone.now()
    )


def deliveries_for(*, user) -> QuerySet[Delivery]:
    """The deliveries of the user's own messages (newest first)."""
    return Delivery.objects.filter(recipient=user).order_by("-id")
