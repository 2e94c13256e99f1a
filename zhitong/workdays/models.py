from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhitong.core.models import TimeStampedModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    ADJUSTED_WORKDAY = "workday", _("调休上班")


class CalendarYear(TimeStampedModel):
    """A year whose official schedule (国务院办公厅节假日安排) is loaded. A year without a
    row is *provisional*: its holidays and 调休 are predicted (prediction.py)."""

    year = models.PositiveIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=100, default="chinesecalendar")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "官方日历年度")
        verbose_name_plural = pgettext_lazy("models", "官方日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(TimeStampedModel):
    """A listed day: a holiday (any day of a holiday span, weekends included, so the
    calendar page shows the span) or an adjusted working day (调休) on a weekend.
    Ordinary days are not stored; a weekday counts unless listed as a holiday."""

    date = models.DateField(_("日期"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "日历例外日")
        verbose_name_plural = pgettext_lazy("models", "日历例外日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class ChangeSource(models.TextChoices):
    IMPORT = "import", _("导入官方安排")
    DAY_SET = "day_set", _("设置某一天")
    DAY_CLEAR = "day_clear", _("恢复普通日")
    SEED = "seed", _("按程序包重置")
    RECOMPUTE = "recompute", _("手工重算")


class CalendarChange(models.Model):
    """One write to the calendar (or a manual recompute), and the deadlines it re-timed:
    `summary` holds the counts per object type, the moves themselves are DeadlineShift rows."""

    source = models.CharField(_("变更方式"), max_length=12, choices=ChangeSource.choices)
    years = models.JSONField(_("涉及年度"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    examined = models.PositiveIntegerField(_("检查的期限数"), default=0)
    moved = models.PositiveIntegerField(_("改变的期限数"), default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "日历变更")
        verbose_name_plural = pgettext_lazy("models", "日历变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {'、'.join(map(str, self.years))}"


class DeadlineShift(models.Model):
    """A stored working-day deadline that a calendar change re-timed: its date moved, or
    only its provisional mark changed (the date was confirmed by an official schedule)."""

    change = models.ForeignKey(
        CalendarChange, null=True, blank=True, on_delete=models.CASCADE, related_name="shifts"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    ref = models.CharField(_("对象"), max_length=200, blank=True)
    field = models.CharField(_("字段"), max_length=50)
    old_date = models.DateField(_("原期限"), null=True, blank=True)
    new_date = models.DateField(_("新期限"), null=True, blank=True)
    provisional_before = models.BooleanField(default=False)
    provisional_after = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        verbose_name = pgettext_lazy("model", "期限调整记录")
        verbose_name_plural = pgettext_lazy("models", "期限调整记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.ref or self.object_id} {self.field}: {self.old_date} → {self.new_date}"

    @property
    def moved(self) -> bool:
        return self.old_date != self.new_date
