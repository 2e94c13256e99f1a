from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待投递"
    FAILED = "failed", "投递失败待重试"
    DELIVERED = "delivered", "已投递"
    DEAD = "dead", "已放弃"


# The rows the deliverer claims (when their `next_attempt_at` has come).
DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED)
