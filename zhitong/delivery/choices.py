from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The channels beside the in-app inbox (which every message reaches)."""

    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    ROBOT = "robot", _("工作群机器人")


class DeliveryStatus(models.TextChoices):
    HELD = "held", _("免打扰暂缓")
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败待重试")
    DEAD = "dead", _("已放弃")


class RobotStyle(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
