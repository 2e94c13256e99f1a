from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessStatus(models.TextChoices):
    """An enterprise contact's access to its enterprise (issue 12). A pending contact sees
    nothing of the enterprise: the account has no enterprise until it is approved."""

    PENDING_PRINCIPAL = "pending_principal", _("待企业负责人审核")
    PENDING_HUB = "pending_hub", _("待平台确认")
    APPROVED = "approved", _("已开通")
    REJECTED = "rejected", _("未通过")
