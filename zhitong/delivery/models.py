"""The channels beside the in-app inbox: each user's choices (which channels for which
kinds, quiet hours), one `Delivery` row per channel per message, the SMS log of the default
gateway, and the group robots (企业微信 / 钉钉) of units and groups."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhitong.core.crypto import BlindIndexField, EncryptedCharField

from .choices import Channel, DeliveryStatus, RobotStyle


class ChannelPreferences(models.Model):
    """One user's channels per notice kind (`{"appeal.clock_red": ["sms", "email"]}`; a
    kind left out reaches the inbox only) and their quiet hours (local time; the end may be
    past midnight): a message that is not mandatory is held on the outside channels until
    they end. The inbox itself is never held."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences"
    )
    channels = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = pgettext_lazy("model", "消息渠道设置")
        verbose_name_plural = pgettext_lazy("models", "消息渠道设置")

    def __str__(self) -> str:
        return f"消息渠道：{self.user}"


class RobotHook(models.Model):
    """A group robot: a unit's work group (every member of the unit who chose the robot
    channel is told there, by name) or a named group with its members. `kinds`: the notice
    kinds it carries (empty: all)."""

    name = models.CharField(_("名称"), max_length=100)
    style = models.CharField(_("类型"), max_length=10, choices=RobotStyle.choices, default=RobotStyle.WECOM)
    url = models.URLField(_("机器人地址"), max_length=500)
    secret = models.CharField(
        _("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”时填写")
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("所属单位"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="robot_groups", verbose_name=_("群成员")
    )
    kinds = models.JSONField(_("消息类型"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = pgettext_lazy("model", "工作群机器人")
        verbose_name_plural = pgettext_lazy("models", "工作群机器人")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message on one channel: the record of its delivery. `dedupe_key` is the key of
    the outbox row that carries it (one row per delivery, so its retries are its own and it
    is sent once); a delivery held for quiet hours has no row until they end."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("接收人"),
    )
    robot = models.ForeignKey(
        RobotHook,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("机器人"),
    )
    # A phone number or an e-mail address: encrypted at rest (core/crypto.py), clear when read.
    address = EncryptedCharField(_("地址"), max_length=500, blank=True, kind="text")
    kind = models.CharField(_("消息类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    purpose = models.CharField(_("用途"), max_length=20, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=255, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    hold_until = models.DateTimeField(_("暂缓至"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = pgettext_lazy("model", "消息投递")
        verbose_name_plural = pgettext_lazy("models", "消息投递")
        indexes = [
            models.Index(fields=["status", "hold_until"], name="delivery_held"),
            models.Index(fields=["recipient", "-id"], name="delivery_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk} ({self.get_status_display()})"


class SmsLog(models.Model):
    """The default SMS gateway: each SMS written here instead of sent (administrators read
    it in the admin), until a real gateway is configured (settings.ZHITONG_SMS_BACKEND)."""

    phone = EncryptedCharField(_("手机号码"), max_length=20, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    text = models.TextField(_("短信内容"))
    purpose = models.CharField(_("用途"), max_length=20, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["-id"]
        verbose_name = pgettext_lazy("model", "短信记录")
        verbose_name_plural = pgettext_lazy("models", "短信记录")

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:20]}"
