from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentStatus(models.TextChoices):
    """A catalog item: drafted by its unit, published to the public, withdrawn when it no
    longer applies (a withdrawn item may be redrafted)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")
    WITHDRAWN = "withdrawn", _("已撤回")


class EnterpriseSize(models.TextChoices):
    """The enterprise sizes a policy is for: the library's size flags (enterprises.models.SIZE_FLAGS)."""

    ABOVE_SCALE = "above_scale", _("规上企业")
    ABOVE_QUOTA = "above_quota", _("限上企业")
    ENTERING_SCALE = "entering_scale", _("即将上规")
    LEAVING_SCALE = "leaving_scale", _("濒临下规")
    SMALL = "small", _("中小微企业")


class PolicyTag(models.TextChoices):
    """The enterprise tags a policy is for (enterprises.models.TAG_FLAGS, seeds/001 三)."""

    XIANGXIAN = "tag_xiangxian", _("乡贤企业")
    DEPUTY = "tag_deputy", _("人大代表/政协委员企业")
    FIC_EXECUTIVE = "tag_fic_executive", _("工商联执委企业")
    NEGOTIATING = "tag_negotiating", _("在谈重点企业")


class PromiseKind(models.TextChoices):
    """What the government promised (seeds/002 优化企业经营环境)."""

    POLICY = "policy", _("招商政策承诺兑现")
    APPROVAL = "approval", _("非因企业原因未办结的审批手续")
    ARREARS = "arrears", _("政府拖欠款项偿还")
    OTHER = "other", _("其他承诺事项")


class PromiseStatus(models.TextChoices):
    """限期办理销号 (seeds/002): recorded, handled by the responsible unit, written off by
    the unit with evidence and verified by the hub."""

    RECORDED = "recorded", _("已登记")
    IN_PROGRESS = "in_progress", _("办理中")
    SUBMITTED = "submitted", _("待核销")
    WRITTEN_OFF = "written_off", _("已销号")


OPEN_PROMISE_STATUSES = (PromiseStatus.RECORDED, PromiseStatus.IN_PROGRESS, PromiseStatus.SUBMITTED)
