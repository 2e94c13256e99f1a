"""Rectification orders (督促整改) and findings (督查/监督发现) — seeds/000 三、四、五(一)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhitong.core.models import TimeStampedModel

from .choices import FindingSource, OrderStatus


class RectificationOrder(TimeStampedModel):
    """An order of the supervision office to a unit to put right what it did not do (seeds/000
    三: 对工作不到位、未及时协调或报送企业困难问题的行为，予以督促整改), about one or more
    appeals, tasks or meetings, with a deadline in working days (registered with the
    calendar: deadlines.py)."""

    code = models.CharField(_("编号"), max_length=20, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("整改单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事由"), max_length=200)
    requirement = models.TextField(_("整改要求"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下发时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED, db_index=True
    )
    state_since = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # N working days after `due_base` (re-counted when the calendar changes: deadlines.py).
    due = models.DateField(_("整改期限"), db_index=True)
    due_base = models.DateField(_("期限起算日"))
    due_workdays = models.PositiveIntegerField(_("整改时限(工作日)"))
    due_provisional = models.BooleanField(default=False)
    yellow_from = models.DateField(_("临期起始日"), null=True, blank=True)
    appeals = models.ManyToManyField("appeals.Appeal", blank=True, related_name="+", verbose_name=_("诉求"))
    tasks = models.ManyToManyField(
        "coordination.Task", blank=True, related_name="+", verbose_name=_("交办任务")
    )
    meetings = models.ManyToManyField(
        "coordination.Meeting", blank=True, related_name="+", verbose_name=_("协调会")
    )
    last_report = models.TextField(_("整改情况"), blank=True)
    evidence = models.FileField(_("整改佐证材料"), upload_to="supervision/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True)
    reported_at = models.DateTimeField(_("报整改时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    closed_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("督促整改通知")
        verbose_name_plural = _("督促整改通知")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.code or self.pk} {self.title}"


class Finding(TimeStampedModel):
    """A finding of the supervision office or the People's Congress about a unit in a month,
    with the points it deducts from the unit's score and the clause it rests on (seeds/000
    五(一): 以及市人大、市政府督查室监督督查的结果对其进行考核)."""

    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("被督查单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("考核月份"), db_index=True)  # the first day of the month
    source = models.CharField(_("来源"), max_length=16, choices=FindingSource.choices)
    points = models.DecimalField(
        _("扣分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    clause = models.CharField(_("依据条款"), max_length=200)
    basis = models.TextField(_("发现的问题"))
    order = models.ForeignKey(
        RectificationOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("督促整改通知"),
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("诉求"),
    )
    task = models.ForeignKey(
        "coordination.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("交办任务"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("督查监督发现")
        verbose_name_plural = _("督查监督发现")
        ordering = ["-month", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m} -{self.points}"
