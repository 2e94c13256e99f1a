from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhitong.core.models import TimeStampedModel

from .choices import CommitmentStatus, PromiseKind, PromiseStatus


class CommitmentItem(TimeStampedModel):
    """One item of a unit's service-commitment catalog (服务承诺制, seeds/003 五): what it
    does, the legal and the committed limit in working days, materials, fees, procedure,
    basis. seeds/003 六.1: the committed limit may be shorter than the legal one, never
    longer — a database constraint, checked again by the form, the API and the import.

    `category` ties the item to an appeal category: a published item of an appeal's lead
    unit for its category gives the appeal its handling limit (appeals.deadlines)."""

    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="commitment_items",
    )
    title = models.CharField(_("事项名称"), max_length=200)
    category = models.ForeignKey(
        "appeals.Category",
        verbose_name=_("对应诉求类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment_items",
    )
    legal_days = models.PositiveIntegerField(_("法定时限(工作日)"))
    committed_days = models.PositiveIntegerField(_("承诺时限(工作日)"))
    materials = models.TextField(_("所需材料"), blank=True)
    fees = models.CharField(_("收费标准"), max_length=200, blank=True)
    procedure = models.TextField(_("办理程序"), blank=True)
    basis = models.TextField(_("设定依据"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("服务承诺事项")
        verbose_name_plural = _("服务承诺事项")
        ordering = ["unit__sort_order", "unit__code", "title", "id"]
        constraints = [
            # seeds/003 六.1 承诺的办理时限可以少于规定的时限: committed ≤ legal, both ≥ 1.
            models.CheckConstraint(
                condition=Q(committed_days__lte=F("legal_days")), name="commitment_committed_within_legal"
            ),
            models.CheckConstraint(condition=Q(committed_days__gte=1), name="commitment_committed_positive"),
            models.UniqueConstraint(fields=["unit", "title"], name="commitment_unique_title_per_unit"),
        ]
        indexes = [models.Index(fields=["category", "unit", "status"], name="commitment_lookup")]

    def __str__(self) -> str:
        return self.title


class Policy(TimeStampedModel):
    """A policy for enterprises in the library (惠企政策, seeds/002 加大惠企政策宣传解读力度):
    issuing unit, dates, the industries, sizes and tags it is for (empty: every
    enterprise), summary, link. Kept by the hub."""

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发布单位"), max_length=100)
    issuer_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("发布单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    issued_on = models.DateField(_("发布日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    industries = models.JSONField(_("适用行业"), default=list, blank=True)
    sizes = models.JSONField(_("适用企业规模"), default=list, blank=True)
    tags = models.JSONField(_("适用企业标签"), default=list, blank=True)
    summary = models.TextField(_("政策要点"))
    link = models.URLField(_("原文链接"), max_length=500, blank=True)
    attachment = models.FileField(_("附件"), upload_to="policies/%Y/%m/", blank=True)
    is_published = models.BooleanField(_("已公开"), default=True, db_index=True)

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class GovernmentPromise(TimeStampedModel):
    """A promise of the government to an enterprise (政府承诺台账, seeds/002: 做到政府招商政策
    承诺100%兑现，政府拖欠款按计划偿还……对非因企业原因造成各项审批手续未办理的，要建立台账，
    限期办理销号): a responsible unit, a deadline — a date, or working days from the day it
    was recorded (then registered with the calendar, public/promises.py) — and a write-off
    with evidence that the hub verifies. Overdue is read from `due_on`, never marked."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="government_promises",
    )
    kind = models.CharField(_("承诺类型"), max_length=20, choices=PromiseKind.choices)
    content = models.TextField(_("承诺内容"))
    basis = models.TextField(_("承诺依据"), blank=True)
    responsible_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="government_promises",
    )
    recorded_on = models.DateField(_("登记日期"))
    due_workdays = models.PositiveIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    # Indexed: the overdue lists and counts are range queries on it.
    due_on = models.DateField(_("办理期限"), db_index=True)
    yellow_from = models.DateField(_("临期提醒日"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限按预测日历计算"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=PromiseStatus.choices, default=PromiseStatus.RECORDED, db_index=True
    )
    evidence = models.TextField(_("销号证明"), blank=True)
    evidence_file = models.FileField(_("证明材料"), upload_to="promises/%Y/%m/", blank=True)
    written_off_on = models.DateField(_("销号日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("政府承诺")
        verbose_name_plural = _("政府承诺")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_workdays__isnull=True) | Q(due_workdays__gte=1),
                name="promise_workdays_positive",
            )
        ]

    def __str__(self) -> str:
        return self.content[:40]
