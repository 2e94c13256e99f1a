from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhitong.core.crypto import BlindIndexField, EncryptedCharField
from zhitong.core.models import TimeStampedModel

from .choices import Industry, ReviewStatus, TeamRole
from .validators import validate_credit_code


class Enterprise(TimeStampedModel):
    """An enterprise identified by its unified social credit code (GB 32100-2015)."""

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    location = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("所在县区/园区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    # Size flags (seeds/001 三: 规上, 即将上规, 濒临下规; seeds/002: 限上)
    above_scale = models.BooleanField(_("规上企业"), default=False)
    above_quota = models.BooleanField(_("限上企业"), default=False)
    entering_scale = models.BooleanField(_("即将上规"), default=False)
    leaving_scale = models.BooleanField(_("濒临下规"), default=False)
    # Tags (seeds/001 三)
    tag_xiangxian = models.BooleanField(_("乡贤企业"), default=False)
    tag_deputy = models.BooleanField(_("人大代表/政协委员企业"), default=False)
    tag_fic_executive = models.BooleanField(_("工商联执委企业"), default=False)
    tag_negotiating = models.BooleanField(_("在谈重点企业"), default=False)
    butler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目管家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="butlered_enterprises",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    # Added by whoever registered an appeal for an enterprise missing from the library
    # (issue 9); usable at once, reviewed by the library's keepers (machine.ENTERPRISE).
    # The index serves the review queue.
    review_status = models.CharField(
        _("核实状态"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.CONFIRMED,
        db_index=True,
    )
    added_at_intake = models.BooleanField(_("登记诉求时新增"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("新增人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # the ENTERPRISE table's expected version

    class Meta:
        verbose_name = pgettext_lazy("model", "企业")
        verbose_name_plural = pgettext_lazy("models", "企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def pending_review(self) -> bool:
        return self.review_status == ReviewStatus.PENDING


# The enterprise's yes/no flags, in form order: size (seeds/001 三, seeds/002), then tags (seeds/001 三).
# Services, filters, the import template, the admin and the demo all list them from here.
SIZE_FLAGS = ("above_scale", "above_quota", "entering_scale", "leaving_scale")
TAG_FLAGS = ("tag_xiangxian", "tag_deputy", "tag_fic_executive", "tag_negotiating")


def flag_labels(names) -> dict[str, str]:
    """{field: its label} for these flag fields, in their order (translated when shown)."""
    return {name: Enterprise._meta.get_field(name).verbose_name for name in names}


class Contact(TimeStampedModel):
    """A person at the enterprise. The phone is shown masked (138****1234) to anyone
    whose role does not need it; each full view is audited."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "企业联系人")
        verbose_name_plural = pgettext_lazy("models", "企业联系人")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return _("%(name)s（%(enterprise)s）") % {"name": self.name, "enterprise": self.enterprise.name}


class TeamMember(TimeStampedModel):
    """A member of the enterprise's "1+1+N" service team (seeds/002)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("团队角色"), max_length=30, choices=TeamRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, blind_index="phone_bidx")
    phone_bidx = BlindIndexField(source="phone")  # zhitong/core/crypto.py: exact lookups

    class Meta:
        verbose_name = pgettext_lazy("model", "服务团队成员")
        verbose_name_plural = pgettext_lazy("models", "服务团队成员")
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @classmethod
    def butler_row(cls, enterprise: Enterprise, butler) -> "TeamMember":
        """The (unsaved) team row of the enterprise's butler (项目管家), a government user."""
        return cls(
            enterprise=enterprise,
            role=TeamRole.BUTLER,
            user=butler,
            unit=butler.unit,
            name=butler.display_name,
            phone=butler.phone,
        )
