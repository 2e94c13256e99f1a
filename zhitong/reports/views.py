"""The reports pages: Annex 1 ledgers, the dashboard, the mayor's mailbox summary, the monthly
briefing. Who reads what is decided by the selectors' predicates (annex1.reads_ledgers,
dashboard.reads_dashboard, mailbox.reads_mailbox_summary, briefing.reads_briefing)."""

from __future__ import annotations

import tempfile
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation

from zhitong.common.pages import month_param, today
from zhitong.core.downloads import DOCX, XLSX, download, file_download, file_name, month_cn

from . import annex1, briefing, dashboard, mailbox


def _month(request) -> date:
    return month_param(request.GET.get("month"), today().replace(day=1))


@login_required
def annex1_ledger(request):
    if not annex1.reads_ledgers(request.user):
        raise PermissionDenied
    units = annex1.ledger_units_for_user(request.user)
    unit = annex1.ledger_unit_for_user(request.user, request.GET.get("unit"), units=units)
    if unit is None:
        raise Http404
    month = _month(request)
    start, end = annex1.month_bounds(month)
    if request.GET.get("format") == "xlsx":
        # The city's form (seeds/000 附件1): in Chinese whatever the page language. Written
        # row by row as the rows stream from the database into a temporary file (deleted
        # when the response closes it), served as a file: a long ledger is never held whole.
        content = tempfile.TemporaryFile()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                rows = annex1.iter_ledger_rows(unit=unit, month_start=start, month_end=end)
                annex1.write_annex1_xlsx(content, unit=unit, month=month, rows=rows)
            content.seek(0)
        except BaseException:
            content.close()
            raise
        return file_download(
            content,
            name=file_name("附件1", unit.display_name, month_cn(month), ext="xlsx"),
            fallback=f"annex1-{unit.code}-{month:%Y-%m}.xlsx",
            content_type=XLSX,
        )
    rows = annex1.ledger_rows(unit=unit, month_start=start, month_end=end)
    return TemplateResponse(
        request, "reports/annex1.html", {"units": units, "unit": unit, "month": month, "rows": rows}
    )


@login_required
def annex1_month(request):
    """Every ledger the user may read for one month, with its number of problems (the hub's
    page of the month-end forwarding)."""
    if not annex1.reads_ledgers(request.user):
        raise PermissionDenied
    units = annex1.ledger_units_for_user(request.user)
    month = _month(request)
    start, end = annex1.month_bounds(month)
    counts = dict(
        annex1.ledger_appeals(units=units, month_start=start, month_end=end)
        .order_by()
        .values_list("lead_unit_id")
        .annotate(n=Count("id"))
    )
    rows = [(u, counts.get(u.pk, 0)) for u in units]
    return TemplateResponse(
        request,
        "reports/annex1_month.html",
        {"month": month, "rows": rows, "total": sum(n for _u, n in rows)},
    )


@login_required
def dashboard_page(request):
    if not dashboard.reads_dashboard(request.user):
        raise PermissionDenied
    d = dashboard.dashboard_for_user(user=request.user)
    return TemplateResponse(
        request,
        "reports/dashboard.html",
        {
            "d": d,
            "chart_data": d.chart_data(),
            "can_brief": briefing.reads_briefing(request.user),
            "last_month": dashboard.add_months(today().replace(day=1), -1),
        },
    )


@login_required
def mailbox_page(request):
    if not mailbox.reads_mailbox_summary(request.user):
        raise PermissionDenied
    from zhitong.common.forms import DATE_FLOOR

    day = today()
    raw = request.GET.get("day")
    if raw:
        try:
            asked = date.fromisoformat(raw.strip())
        except (TypeError, ValueError):
            asked = None
        if asked is not None and DATE_FLOOR <= asked <= day:
            day = asked
    s = mailbox.mailbox_summary(day=day)
    return TemplateResponse(request, "reports/mailbox.html", {"s": s})


@login_required
def briefing_download(request):
    if not briefing.reads_briefing(request.user):
        raise PermissionDenied
    month = _month(request)
    with translation.override(settings.LANGUAGE_CODE):
        content = briefing.briefing_docx(month=month)
    return download(
        content,
        name=file_name("企业诉求办理工作简报", month_cn(month), ext="docx"),
        fallback=f"briefing-{month:%Y-%m}.docx",
        content_type=DOCX,
    )
