"""`{% load workdays %}` … `{{ deadline|workday_date }}`: a date, marked （预测） when it was
counted over a year whose official schedule is not published (imported) yet, so a
provisional deadline is never shown as certain."""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def prediction_note(year: int) -> str:
    """The sentence that says a year's calendar is a prediction (tooltips, banners)."""
    return gettext("预测：%(year)s年官方放假安排尚未发布，按《全国年节及纪念日放假办法》推算") % {
        "year": year
    }


@register.simple_tag
def prediction_mark(year: int):
    """The （预测） mark with its explanation, for a date already shown."""
    return format_html(
        '<span class="provisional" title="{}">{}</span>', prediction_note(year), gettext("（预测）")
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
        # Counted over a provisional year: the date's own, or (a count that crossed into
        # it) the next one.
        year = day.year if is_provisional(day) else day.year + 1
        return format_html('<span class="zt-date">{}</span>{}', text, prediction_mark(year))
    return format_html('<span class="zt-date">{}</span>', text)
