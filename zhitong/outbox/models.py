from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import DUE_STATUSES, OutboxStatus


class OutboxMessage(models.Model):
    """A side effect (an in-app notification; later a webhook call) written in the same
    transaction as the change that causes it, and delivered after the commit by the handler
    registered for its `kind` (services.register_handler).

    A crash between the commit and the delivery loses nothing: the row is there and the
    sweep delivers it. `dedupe_key` is unique, so the same effect queued twice (the clock job
    run twice) is stored once; the handler of an effect in this database writes it in the
    deliverer's transaction with the row's id unique, so it happens exactly once."""

    kind = models.CharField(_("类型"), max_length=40)
    payload = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(_("去重键"), max_length=255, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("写入时间"))
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = pgettext_lazy("model", "发件箱消息")
        verbose_name_plural = pgettext_lazy("models", "发件箱消息")
        indexes = [
            # The deliverer's claim: due rows by their next attempt. Partial, so the
            # delivered rows that pile up never make it bigger.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status__in=DUE_STATUSES),
                name="outbox_due",
            ),
            models.Index(fields=["status", "kind"], name="outbox_status_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"
