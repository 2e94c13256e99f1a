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
