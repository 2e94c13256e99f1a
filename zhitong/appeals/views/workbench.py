"""The handler's workbench (诉求工作台): the appeals in my scope by light and status."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from zhitong.core.downloads import XLSX, download, file_name
from zhitong.core.spreadsheets import Book, Column
from zhitong.organizations.capabilities import is_city_leader, is_enterprise_user, sees_whole_city
from zhitong.organizations.selectors import scope_root

from .. import counters, deadlines, selectors
from ..choices import Light, Status
from ..forms import STATUS_ALL, STATUS_OPEN, WorkbenchFilterForm
from . import helpers
from .enterprise import enterprise_appeal_list

LIGHT_TABS = [
    (Light.RED, gettext_lazy("红灯 超期")),
    (Light.YELLOW, gettext_lazy("黄灯 临期")),
    (Light.GREEN, gettext_lazy("绿灯 正常")),
]
EXPORT_LIMIT = 5000


def _status_args(status: str) -> dict:
    if status == STATUS_OPEN:
        return {"open_only": True}
    if status == STATUS_ALL or status not in Status.values:
        return {}
    return {"status": status}


def _sees_across_units(user) -> bool:
    # Units other than one's own only mean something to those who see across units.
    return sees_whole_city(user) or is_city_leader(user)


def _filter_choices(user) -> dict:
    wide = _sees_across_units(user)
    return {
        "categories": helpers.category_list(),
        "units": helpers.lead_unit_filter_choices() if wide else (),
        "receiving_units": helpers.receiving_unit_choices() if wide else (),
        "show_lead_unit": wide,
    }


def workbench_filters(user, data, *, choices: dict | None = None) -> tuple[WorkbenchFilterForm, dict]:
    """The workbench's filter form for `data` (a query dict) and its cleaned filters."""
    form = WorkbenchFilterForm(data, **(choices or _filter_choices(user)))
    return form, form.filters()


def workbench_list(user, f: dict, *, today, with_status=True, with_light=True):
    """The workbench's list for the cleaned filters `f` — the one query behind the page and
    behind every home-page count that links to it (`WorkbenchLists`)."""
    return selectors.appeal_list_for_user(
        user=user,
        q=f.get("q") or "",
        light=f.get("light") if with_light else None,
        lead_unit_id=f.get("lead_unit"),
        received_unit_id=f.get("received_unit"),
        led=bool(f.get("led")),
        stage=f.get("stage") or None,
        category_id=f.get("category"),
        channel=f.get("channel") or None,
        is_problem=True if f.get("problem") else None,
        exempt=True if f.get("exempt") else None,
        late=bool(f.get("late")),
        received_from=f.get("date_from"),
        received_to=f.get("date_to"),
        pending=f.get("pending") or None,
        order=f.get("order") or "due",
        today=today,
        **(_status_args(f["status"]) if with_status else {}),
    )


def workbench_url(params: dict | None = None) -> str:
    """The workbench's address with `params` as its query string."""
    base = reverse("appeals:workbench")
    return f"{base}?{urlencode(params)}" if params else base


class WorkbenchLists:
    """The workbench's lists for `user` by query parameters, for pages that count them (the
    home pages): `count(params)` is how many rows `url(params)` lists, by the page's own form
    and query, so a figure and the list it links to cannot drift apart; `queryset(params)`
    is that list, for a breakdown (per unit) whose cells link to narrower lists. The form's
    choice lists are read once for all the counts."""

    def __init__(self, user, *, today):
        self.user, self.today = user, today
        self._choices = _filter_choices(user)

    def queryset(self, params: dict):
        data = QueryDict(mutable=True)
        data.update(params)
        _, f = workbench_filters(self.user, data, choices=self._choices)
        return workbench_list(self.user, f, today=self.today)

    def count(self, params: dict) -> int:
        """The list's length by its own query, cached under counters.py's freshness rule."""
        return counters.cached_count(
            self.user, "workbench", params, lambda: self.queryset(params).order_by().count(), today=self.today
        )

    @staticmethod
    def url(params: dict | None = None) -> str:
        return workbench_url(params)


# Filters that do not change which rows a list holds (only their order or the page).
_NOT_FILTERS = ("page", "per_page", "order")


def tab_counts(user, f: dict, *, today) -> tuple[dict[str, int], dict[str, int]]:
    """The workbench tabs' counts for the cleaned filters `f`: per light (without the light
    filter) and per status (without the status filter), each one GROUP BY, cached under
    counters.py's freshness rule."""
    key = {k: v for k, v in f.items() if k not in _NOT_FILTERS}
    lights = counters.cached_count(
        user,
        "workbench_lights",
        key,
        lambda: selectors.appeal_light_counts(workbench_list(user, f, today=today, with_light=False), today),
        today=today,
    )
    statuses = counters.cached_count(
        user,
        "workbench_statuses",
        key,
        lambda: selectors.appeal_status_counts(workbench_list(user, f, today=today, with_status=False)),
        today=today,
    )
    return lights, statuses


@login_required
def workbench(request):
    user = request.user
    if is_enterprise_user(user):
        # 我的诉求: the enterprise's own list, in its public wording (no lights, internal
        # flags, staff filters or export).
        return enterprise_appeal_list(request)
    today = timezone.localdate()
    wide = _sees_across_units(user)
    form, f = workbench_filters(user, request.GET)
    qs = workbench_list(user, f, today=today)
    if request.GET.get("export") == "xlsx":
        # The workbook is in Chinese whatever the page language, as the city's lists are.
        with translation.override(settings.LANGUAGE_CODE):
            return _export(qs[:EXPORT_LIMIT], today=today, user=user)

    light_counts, status_counts = tab_counts(user, f, today=today)
    # The list's length from the tabs' counts (no count of its own): the lights partition it.
    total = light_counts.get(f["light"], 0) if f.get("light") else sum(light_counts.values())
    page = helpers.CountedPaginator(qs, f["per_page"], count=total).get_page(request.GET.get("page"))
    # The page's rows: a narrow query for its ids, then the rows for those ids only.
    ids = selectors.appeal_page_ids(qs, offset=(page.number - 1) * f["per_page"], limit=f["per_page"])
    page.object_list = selectors.appeal_rows(ids, today=today)
    meanings = deadlines.light_meanings()
    context = {
        "form": form,
        "f": f,
        "page_obj": page,
        "appeals": page.object_list,
        "light_tabs": [
            (value, label, light_counts.get(value, 0), meanings[value]) for value, label in LIGHT_TABS
        ],
        "light_meanings": meanings,
        "light_total": sum(light_counts.values()),
        "status_tabs": [
            (s.value, s.label, status_counts[s.value]) for s in Status if status_counts.get(s.value)
        ],
        "open_total": sum(
            n for s, n in status_counts.items() if s not in (Status.CLOSED, Status.MERGED, Status.WITHDRAWN)
        ),
        "all_total": sum(status_counts.values()),
        "show_lead_unit": wide,
        "today": today,
        **helpers.page_links(user),
    }
    if request.htmx and not request.htmx.boosted:
        response = TemplateResponse(request, "appeals/_workbench_results.html", context)
        # The address bar gets the filter without its empty fields (a link to share).
        clean = {k: v for k, v in request.GET.items() if v}
        response["HX-Push-Url"] = f"{request.path}?{urlencode(clean)}" if clean else request.path
        return response
    return TemplateResponse(request, "appeals/workbench.html", context)


# The list as it prints: A4 landscape, the long columns wide enough to read.
EXPORT_COLUMNS = [
    Column("编号", 15),
    Column("企业", 22),
    Column("标题", 30),
    Column("类别", 10),
    Column("来源渠道", 10, center=True),
    Column("牵头单位", 16),
    Column("状态", 10, center=True),
    Column("受理时间", 16, center=True),
    Column("当前期限", 11, center=True),
    Column("灯", 5, center=True),
    Column("问题诉求", 8, center=True),
    Column("不纳入考核", 8, center=True),
]


def _export_label(user) -> str:
    """Whose list it is, for the file name and the subtitle."""
    if sees_whole_city(user) or is_city_leader(user):
        return "全市"
    return scope_root(user.unit).display_name if user.unit_id else ""


def _export(qs, *, today, user) -> HttpResponse:
    """The current filter as an .xlsx, for staff who keep their own lists in Excel."""
    lights = dict(Light.choices)
    rows = [
        [
            a.code,
            a.enterprise.name,
            a.title,
            a.category.name,
            a.get_channel_display(),
            a.lead_unit.name if a.lead_unit_id else "",
            a.get_status_display(),
            timezone.localtime(a.received_at).strftime("%Y-%m-%d %H:%M"),
            a.clock_due.isoformat() if a.clock_due else "",
            lights.get(getattr(a, "light", ""), ""),
            "是" if a.is_problem else "",
            "是" if a.is_exempt else "",
        ]
        for a in qs
    ]
    label = _export_label(user)
    day = f"{today.year}年{today.month}月{today.day}日"
    book = Book()
    sheet = book.sheet(
        "诉求清单",
        EXPORT_COLUMNS,
        title="诉求清单",
        subtitle="　".join(
            p for p in (f"单位：{label}" if label else "", f"导出日期：{day}", f"共{len(rows)}件") if p
        ),
    )
    sheet.rows(rows)
    sheet.autofilter()
    return download(
        book.close(),
        name=file_name("诉求清单", label, day, ext="xlsx"),
        fallback=f"appeals-{today:%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )
