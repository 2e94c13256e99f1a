"""The scoring schemes (考核方案, versioned) and the months of the assessment (open, then
closed into an immutable snapshot sealed into the audit chain)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Audience, MonthStatus


class Scheme(models.Model):
    """One version of the scoring scheme of an audience. Never edited: the hub saves a new
    version, in force from its `effective_month` (the newest version whose effective month
    is not after a month scores that month). `weights`: indicator key -> weight (a decimal
    string), see scoring.INDICATORS."""

    audience = models.CharField(_("考核对象"), max_length=12, choices=Audience.choices)
    version = models.PositiveIntegerField(_("版本"))
    effective_month = models.DateField(_("起始月份(月份首日)"))
    target_score = models.DecimalField(_("当期目标分"), max_digits=7, decimal_places=2)
    weights = models.JSONField(_("指标权重"), default=dict)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["audience", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "version"], name="assessment_scheme_one_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} v{self.version}"


class AssessmentMonth(models.Model):
    """A month of the assessment. Open: its scorecard is computed live. Closed (the hub's
    `close` move, machines.py): `snapshot` holds every number with the list it counted,
    `digest` its SHA-256 (canonical JSON), which the move's audit event seals into the
    chain. Neither changes afterwards; a later change shows in the next open month as an
    adjustment (scorecards.py)."""

    month = models.DateField(_("月份(月份首日)"), unique=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=MonthStatus.choices, default=MonthStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("结账时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("结账快照"), null=True, blank=True)
    digest = models.CharField(_("快照摘要(SHA-256)"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("考核月份")
        verbose_name_plural = _("考核月份")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"
