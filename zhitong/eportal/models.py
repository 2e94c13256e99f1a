"""The enterprise's own door (issue 12): sign-ups confirmed by a one-time code sent to the
contact's mobile, and each contact's access to its enterprise."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhitong.core.crypto import BlindIndexField, EncryptedCharField
from zhitong.core.models import TimeStampedModel

from .choices import AccessStatus


class Signup(models.Model):
    """A sign-up in progress: what the contact typed, waiting for the mobile's code. The
    password is stored only as Django's hash; the account is created when the code is right."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("联系人姓名"), max_length=50)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    password_hash = models.CharField(max_length=200)
    client_addr = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业注册申请")
        verbose_name_plural = _("企业注册申请")


class PhoneCode(models.Model):
    """One one-time code sent by SMS: its salted hash (never the code), expiry and tries.
    The rows also count the sends per phone and per address per day."""

    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="codes")
    phone = EncryptedCharField(max_length=20, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    client_addr = models.CharField(max_length=64, blank=True, db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")


class ContactAccess(TimeStampedModel):
    """An enterprise user's access to its enterprise: approved by the enterprise's principal
    contact, or — for the first contact of an enterprise, who becomes its principal — by the
    hub. Moves in eportal/machine.py."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_access"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="contact_accesses",
    )
    status = models.CharField(_("状态"), max_length=20, choices=AccessStatus.choices, db_index=True)
    is_principal = models.BooleanField(_("企业负责人"), default=False)
    # The principal applies as principal (the enterprise has none): the hub confirms.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    state_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业联系人开通")
        verbose_name_plural = _("企业联系人开通")
        ordering = ["-created_at", "-id"]
