"""Webhook subscriptions of API clients to appeal events, and the log of every delivery."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import WebhookStatus

# The API client a subscription belongs to. On main an API token belongs to a user account
# (api.ApiToken.user), so the client is that account; this is the ONE place to re-point it
# (e.g. to the ApiClient model of the API-client work). selectors.client_user() turns a
# client into the user whose appeal scope the events are filtered by.
CLIENT_MODEL = settings.AUTH_USER_MODEL


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Subscription(models.Model):
    """An API client's subscription: the appeal events it wants (`events`; empty: all)
    POSTed to `url`, signed with `secret` (docs/webhooks.md)."""

    client = models.ForeignKey(
        CLIENT_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions", verbose_name=_("接入方")
    )
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list, blank=True)
    secret = models.CharField(_("签名密钥"), max_length=100, default=new_secret)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = pgettext_lazy("model", "事件推送订阅")
        verbose_name_plural = pgettext_lazy("models", "事件推送订阅")

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event sent to one subscription: the payload as signed, its outbox row's key (the
    receiver's `Idempotency-Key`), and each attempt's outcome. A replay is a new row (and a
    new outbox row) pointing at the one it repeats."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("订阅")
    )
    event = models.CharField(_("事件"), max_length=60)
    appeal_id = models.BigIntegerField(_("诉求"), null=True, blank=True)
    payload = models.JSONField(_("内容"))
    dedupe_key = models.CharField(_("幂等键"), max_length=255, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replays",
        verbose_name=_("重放自"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = pgettext_lazy("model", "事件推送记录")
        verbose_name_plural = pgettext_lazy("models", "事件推送记录")
        indexes = [models.Index(fields=["subscription", "-id"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
