from django.db import models

from zhitong.common.models import TimeStampedModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日"
    ADJUSTED_WORKDAY = "workday", "调休上班"


class CalendarYear(TimeStampedModel):
    """A year whose official schedule (国务院办公厅节假日安排) is loaded. A year without a
    row is *provisional*: weekends plus the fixed-date statutory holidays."""

    year = models.PositiveIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=100, default="chinesecalendar")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "官方日历年度"
        verbose_name_plural = "官方日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(TimeStampedModel):
    """A listed day: a holiday (any day of a holiday span, weekends included, so the
    calendar page shows the span) or an adjusted working day (调休) on a weekend.
    Ordinary days are not stored; a weekday counts unless listed as a holiday."""

    date = models.DateField("日期", primary_key=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "日历例外日"
        verbose_name_plural = "日历例外日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
