from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败待重试")
    DEAD = "dead", _("已放弃")
