"""Reads of the webhooks app, scoped by the user: a client's own subscriptions (the
administrator: everyone's), their delivery logs, and the appeal scope events are filtered
by."""

from __future__ import annotations

from django.db.models import QuerySet

from zhitong.appeals.selectors import appeals_visible
from zhitong.core.errors import AccessDenied
from zhitong.organizations.capabilities import can_subscribe_webhooks, manages_all_webhooks

from .models import Subscription, WebhookDelivery


def client_user(subscription: Subscription):
    """The account whose appeal scope a subscription's events are filtered by (the client
    is that account on main: models.CLIENT_MODEL)."""
    return subscription.client


def subscriptions_for(*, user) -> QuerySet[Subscription]:
    qs = Subscription.objects.select_related("client")
    if manages_all_webhooks(user):
        return qs
    if can_subscribe_webhooks(user):
        return qs.filter(client=user)
    return qs.none()


def subscription_get_for_user(*, user, subscription_id: int, lock: bool = False) -> Subscription:
    qs = subscriptions_for(user=user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    sub = qs.filter(pk=subscription_id).first()
    if sub is None:
        raise AccessDenied()
    return sub


def deliveries_for(*, subscription: Subscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-id")


def delivery_get_for_user(*, user, subscription: Subscription, delivery_id: int) -> WebhookDelivery:
    d = deliveries_for(subscription=subscription).filter(pk=delivery_id).first()
    if d is None:
        raise AccessDenied()
    return d


def subscriptions_for_event(event: str) -> list[Subscription]:
    subs = Subscription.objects.filter(active=True).select_related("client").order_by("id")
    return [s for s in subs if s.wants(event)]


def appeal_visible_to_client(subscription: Subscription, appeal_id: int) -> bool:
    user = client_user(subscription)
    if not (user.is_active and can_subscribe_webhooks(user)):
        return False
    return appeals_visible(user).filter(pk=appeal_id).exists()
