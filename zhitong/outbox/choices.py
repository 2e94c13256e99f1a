from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待投递")
    FAILED = "failed", _("投递失败待重试")
    DELIVERED = "delivered", _("已投递")
    DEAD = "dead", _("已放弃")


# The rows the deliverer claims (when their `next_attempt_at` has come).
DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED)
