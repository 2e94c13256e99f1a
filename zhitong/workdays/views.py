import calendar as pycal
from datetime import date

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from zhitong.common.forms import page_message
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import can_manage_calendar, can_view_calendar

from . import deadlines, services
from .forms import CLEAR, DayForm, ImportForm
from .models import CalendarChange, CalendarYear

# The calendar's column heads, Monday first (one letter each in English).
WEEKDAYS = [
    pgettext_lazy("weekday", "一"),
    pgettext_lazy("weekday", "二"),
    pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"),
    pgettext_lazy("weekday", "五"),
    pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
]


# The months' headings ("1 月" in Chinese, the month's name in English).
MONTHS = [
    pgettext_lazy("month", "1 月"),
    pgettext_lazy("month", "2 月"),
    pgettext_lazy("month", "3 月"),
    pgettext_lazy("month", "4 月"),
    pgettext_lazy("month", "5 月"),
    pgettext_lazy("month", "6 月"),
    pgettext_lazy("month", "7 月"),
    pgettext_lazy("month", "8 月"),
    pgettext_lazy("month", "9 月"),
    pgettext_lazy("month", "10 月"),
    pgettext_lazy("month", "11 月"),
    pgettext_lazy("month", "12 月"),
]


def _can_view(user) -> bool:
    return can_view_calendar(user)


def _can_edit(user) -> bool:
    return can_manage_calendar(user)


def _year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default)
    except ValueError:
        return default
    return year if 1900 <= year <= 2200 else default


def _months(year: int):
    days = services.year_days(year)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([(d, days[d]) if d.month == month else (d, None) for d in week])
        months.append({"month": month, "name": MONTHS[month - 1], "weeks": weeks})
    return months


SHIFT_LIST_LIMIT = 200


def _last_change():
    """The latest calendar change, with the deadlines it re-timed: counts per object type
    and the list (the first SHIFT_LIST_LIMIT), for the admin who just made it."""
    change = CalendarChange.objects.select_related("actor").first()
    if change is None:
        return None
    shifts = list(change.shifts.select_related("content_type")[: SHIFT_LIST_LIMIT + 1])
    per_type: dict[str, dict] = {}
    rows = []
    for shift in shifts[:SHIFT_LIST_LIMIT]:
        model = shift.content_type.model_class()
        type_name = deadlines.title_for(model) if model else shift.content_type.model
        try:
            field_name = model._meta.get_field(shift.field).verbose_name if model else shift.field
        except FieldDoesNotExist:
            field_name = shift.field
        rows.append({"type": type_name, "field": field_name, "shift": shift})
    for key, counts in (
        ("moved", change.summary.get("moved", {})),
        ("confirmed", change.summary.get("confirmed", {})),
    ):
        for label, n in counts.items():
            try:
                name = deadlines.title_for(apps.get_model(label))
            except LookupError:
                name = label
            per_type.setdefault(name, {"type": name, "moved": 0, "confirmed": 0})[key] += n
    return {
        "change": change,
        "per_type": sorted(per_type.values(), key=lambda r: r["type"]),
        "rows": rows,
        "truncated": len(shifts) > SHIFT_LIST_LIMIT,
    }


def _page(request, *, year: int, day_form=None, import_form=None, import_result=None, status=200):
    today = timezone.localdate()
    years = {y.year: y for y in CalendarYear.objects.all()}
    context = {
        "year": year,
        "official": years.get(year),
        "months": _months(year),
        "weekdays": WEEKDAYS,
        "missing": services.missing_years(today),
        "official_years": sorted(years),
        "can_edit": _can_edit(request.user),
        "day_form": day_form or DayForm(initial={"date": request.GET.get("day") or None}),
        "import_form": import_form or ImportForm(),
        "import_result": import_result,
        "prev_year": year - 1,
        "next_year": year + 1,
        "today": today,
        "last_change": _last_change() if _can_edit(request.user) else None,
    }
    return TemplateResponse(request, "workdays/calendar.html", context, status=status)


@login_required
def calendar_view(request):
    if not _can_view(request.user):
        raise PermissionDenied(_("仅系统管理员和统筹协调专员可查看工作日历。"))
    return _page(request, year=_year_param(request, timezone.localdate().year))


@login_required
@require_POST
def day_edit(request):
    if not _can_edit(request.user):
        raise PermissionDenied(_("仅系统管理员可修改工作日历。"))
    form = DayForm(request.POST)
    year = _year_param(request, timezone.localdate().year)
    if not form.is_valid():
        return _page(request, year=year, day_form=form, status=400)
    day: date = form.cleaned_data["date"]
    try:
        if form.cleaned_data["kind"] == CLEAR:
            if services.calendar_day_clear(actor=request.user, day=day):
                messages.success(request, _("%(day)s 已恢复为普通日。") % {"day": f"{day:%Y-%m-%d}"})
            else:
                messages.info(request, _("%(day)s 本来就没有设置。") % {"day": f"{day:%Y-%m-%d}"})
        else:
            obj = services.calendar_day_set(
                actor=request.user, day=day, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"]
            )
            messages.success(
                request,
                _("%(day)s 已设置为%(kind)s。") % {"day": f"{day:%Y-%m-%d}", "kind": obj.get_kind_display()},
            )
    except ServiceError as exc:
        form.add_error("kind", page_message(exc.message))
        return _page(request, year=day.year, day_form=form, status=400)
    return redirect(f"{reverse('workdays:calendar')}?year={day.year}")


@login_required
@require_POST
def import_csv(request):
    if not _can_edit(request.user):
        raise PermissionDenied(_("仅系统管理员可导入工作日历。"))
    form = ImportForm(request.POST, request.FILES)
    year = _year_param(request, timezone.localdate().year)
    if not form.is_valid():
        return _page(request, year=year, import_form=form, status=400)
    try:
        result = services.calendar_import_csv(
            fileobj=form.cleaned_data["file"], actor=request.user, replace_year=not form.cleaned_data["merge"]
        )
    except ServiceError as exc:
        form.add_error("file", page_message(exc.message))
        return _page(request, year=year, import_form=form, status=400)
    if not result.ok:
        return _page(request, year=year, import_form=form, import_result=result, status=400)
    years = _("、").join(map(str, result.years))
    messages.success(
        request,
        ngettext(
            "已导入 %(years)s 年度官方安排，共 %(days)s 天。",
            "已导入 %(years)s 年度官方安排，共 %(days)s 天。",
            result.days,
        )
        % {"years": years, "days": result.days},
    )
    return redirect(f"{reverse('workdays:calendar')}?year={result.years[0]}")
