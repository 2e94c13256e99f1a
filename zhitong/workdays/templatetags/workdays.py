"""`{% load workdays %}` … `{{ deadline|workday_date }}`: a date, marked （临时） when its year
has no official schedule yet, so a provisional deadline is never shown as certain."""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()

PROVISIONAL_MARK = (
    '<span class="provisional" title="该年度官方节假日安排尚未导入，按临时日历计算">（临时）</span>'
)


@register.filter
def workday_date(value, fmt: str = "Y-m-d"):
    """Accepts a date, an aware datetime (its Shanghai date) or a WorkdayResult."""
    from zhitong.workdays.services import WorkdayResult, is_provisional

    if value in (None, ""):
        return ""
    if isinstance(value, WorkdayResult):
        day, provisional = value.date, value.provisional
    else:
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if not isinstance(value, date):
            return value
        day, provisional = value, is_provisional(value)
    text = dateformat.format(day, fmt)
    if provisional:
        return format_html('<span class="zt-date">{}</span>' + PROVISIONAL_MARK, text)
    return format_html('<span class="zt-date">{}</span>', text)
