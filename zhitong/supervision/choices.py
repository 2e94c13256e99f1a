from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    """A rectification order (督促整改, seeds/000 三) from issue to verification; its moves are
    declared once, in machines.py."""

    ISSUED = "issued", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("整改中")
    RETURNED = "returned", _("退回重新整改")
    REPORTED = "reported", _("已报整改待核验")
    VERIFIED = "verified", _("整改到位")
    FAILED = "failed", _("整改不到位")


# The clock of an order runs while the unit owes the rectification.
OPEN_ORDER_STATUSES = (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED, OrderStatus.RETURNED)
UNCLOSED_ORDER_STATUSES = (*OPEN_ORDER_STATUSES, OrderStatus.REPORTED)


class FindingSource(models.TextChoices):
    """Whose finding it is: the supervision office's (seeds/000 三 市政府督查室 定期督查) or the
    People's Congress's (seeds/000 四 人大专询，全面监督); both are scored (seeds/000 五(一)
    以及市人大、市政府督查室监督督查的结果)."""

    SUPERVISION = "supervision", _("督查室督查")
    CONGRESS = "congress", _("人大监督")
