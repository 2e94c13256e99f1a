"""The handler's workbench (诉求工作台): the appeals in my scope by light and status."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode

from zhitong.organizations.capabilities import is_city_leader, is_enterprise_user, sees_whole_city

from .. import selectors
from ..choices import Light, Status
from ..forms import STATUS_ALL, STATUS_OPEN, WorkbenchFilterForm
from . import helpers

LIGHT_TABS = [
    (Light.RED, "红灯 超期"),
    (Light.YELLOW, "黄灯 临期"),
    (Light.GREEN, "绿灯 正常"),
]
EXPORT_LIMIT = 5000


def _status_args(status: str) -> dict:
    if status == STATUS_OPEN:
        return {"open_only": True}
    if status == STATUS_ALL or status not in Status.values:
        return {}
    return {"status": status}


def _list(user, f: dict, *, today, with_status=True, with_light=True):
    return selectors.appeal_list_for_user(
        user=user,
        q=f.get("q") or "",
        light=f.get("light") if with_light else None,
        lead_unit_id=f.get("lead_unit"),
        category_id=f.get("category"),
        channel=f.get("channel") or None,
        is_problem=True if f.get("problem") else None,
        exempt=True if f.get("exempt") else None,
        received_from=f.get("date_from"),
        received_to=f.get("date_to"),
        pending=f.get("pending") or None,
        order=f.get("order") or "due",
        today=today,
        **(_status_args(f["status"]) if with_status else {}),
    )


@login_required
def workbench(request):
    user = request.user
    today = timezone.localdate()
    # Units other than one's own only mean something to those who see across units.
    wide = sees_whole_city(user) or is_city_leader(user)
    form = WorkbenchFilterForm(
        request.GET,
        categories=helpers.category_list(),
        units=helpers.unit_choices() if wide else (),
        show_lead_unit=wide,
    )
    f = form.filters()
    qs = _list(user, f, today=today)
    if request.GET.get("export") == "xlsx":
        return _export(qs[:EXPORT_LIMIT], today=today)

    light_counts = selectors.appeal_light_counts(_list(user, f, today=today, with_light=False), today)
    status_counts = selectors.appeal_status_counts(_list(user, f, today=today, with_status=False))
    page = Paginator(qs, f["per_page"]).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "f": f,
        "page_obj": page,
        "appeals": page.object_list,
        "light_tabs": [(value, label, light_counts.get(value, 0)) for value, label in LIGHT_TABS],
        "light_total": sum(light_counts.values()),
        "status_tabs": [
            (s.value, s.label, status_counts[s.value]) for s in Status if status_counts.get(s.value)
        ],
        "open_total": sum(n for s, n in status_counts.items() if s not in (Status.CLOSED, Status.MERGED)),
        "all_total": sum(status_counts.values()),
        "show_lead_unit": wide,
        "today": today,
        "is_enterprise": is_enterprise_user(user),
        **helpers.page_links(user),
    }
    if request.htmx and not request.htmx.boosted:
        response = TemplateResponse(request, "appeals/_workbench_results.html", context)
        # The address bar gets the filter without its empty fields (a link to share).
        clean = {k: v for k, v in request.GET.items() if v}
        response["HX-Push-Url"] = f"{request.path}?{urlencode(clean)}" if clean else request.path
        return response
    return TemplateResponse(request, "appeals/workbench.html", context)


def _export(qs, *, today) -> HttpResponse:
    """The current filter as an .xlsx, for staff who keep their own lists in Excel."""
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("诉求清单")
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    columns = [
        ("编号", 16),
        ("企业", 28),
        ("标题", 36),
        ("类别", 12),
        ("来源渠道", 12),
        ("牵头单位", 22),
        ("状态", 12),
        ("受理时间", 17),
        ("当前期限", 12),
        ("灯", 8),
        ("问题诉求", 9),
        ("不纳入考核", 10),
    ]
    for i, (title, width) in enumerate(columns):
        ws.write(0, i, title, head)
        ws.set_column(i, i, width)
    lights = dict(Light.choices)
    for r, a in enumerate(qs, start=1):
        row = [
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
        for c, value in enumerate(row):
            ws.write(r, c, value, cell)
    ws.freeze_panes(1, 0)
    wb.close()
    name = f"诉求清单-{today:%Y%m%d}.xlsx"
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
