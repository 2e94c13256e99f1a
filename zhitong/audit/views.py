"""The audit log's page and its .xlsx export: the same filters, the same rows in words
(readable.py), the same readers (selectors.audit_events_for_user)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from zhitong.core.downloads import XLSX, download, file_name
from zhitong.core.errors import Forbidden
from zhitong.core.spreadsheets import Book, Column

from .forms import AuditFilterForm, flat_choices
from .readable import audit_rows
from .selectors import audit_events_for_user, can_read_audit

PER_PAGE = 50
# Rows in one export, as the workbench's: a longer list is narrowed by its filters first (each
# row's height is measured from its text, some 2 ms a row).
EXPORT_LIMIT = 5000
EXPORT_CHUNK = 1000  # events put into words at a time: a few queries per thousand rows


def _events(request):
    if not can_read_audit(request.user):  # before the form's queries; the selector asks again
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    try:
        events = audit_events_for_user(user=request.user, **form.filters())
    except Forbidden as exc:
        raise PermissionDenied(exc.message)
    return form, events


@login_required
def audit_list(request):
    form, events = _events(request)
    if request.GET.get("export") == "xlsx":
        # A ledger in Chinese whatever the page's language, like every workbook the project
        # hands out (core/spreadsheets.py).
        with translation.override(settings.LANGUAGE_CODE):
            return _export(request, form, events)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "audit/list.html",
        {"form": form, "page": page, "rows": audit_rows(page.object_list, user=request.user)},
    )


# The log as it prints: A4 landscape, the changes wide enough to read.
EXPORT_COLUMNS = [
    Column("序号", 8, center=True),
    Column("时间", 17, center=True),
    Column("操作人", 10),
    Column("单位", 18),
    Column("操作", 16),
    Column("对象类型", 10),
    Column("对象", 26),
    Column("变更内容", 48),
    Column("结果", 7, center=True),
    Column("客户端地址", 14),
]


def _filter_summary(form) -> str:
    """The filters the list was made with, in words (the export's subtitle)."""
    if not form.is_bound:
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if name in form.errors or value in (None, ""):
            continue
        field = form.fields[name]
        shown = dict(flat_choices(field.choices)).get(value, value) if hasattr(field, "choices") else value
        parts.append(f"{field.label}：{shown}")
    return "；".join(str(p) for p in parts)


def _export(request, form, events) -> HttpResponse:
    today = timezone.localdate()
    total = events.count()
    rows = []
    for start in range(0, min(total, EXPORT_LIMIT), EXPORT_CHUNK):
        chunk = events[start : min(start + EXPORT_CHUNK, EXPORT_LIMIT)]
        for r in audit_rows(chunk, user=request.user, links=False):
            e = r.event
            rows.append(
                [
                    e.pk,
                    f"{r.at:%Y-%m-%d %H:%M:%S}",
                    r.who,
                    r.unit,
                    r.action,
                    r.type_label,
                    r.object_label,
                    r.changes_text(),
                    r.outcome,
                    e.client_addr,
                ]
            )
    day = f"{today.year}年{today.month}月{today.day}日"
    count = f"共{total}条"
    if total > EXPORT_LIMIT:
        count = f"共{total}条，导出最新的{EXPORT_LIMIT}条，请缩小筛选范围"
    summary = _filter_summary(form)
    book = Book()
    sheet = book.sheet(
        "审计日志",
        EXPORT_COLUMNS,
        title="审计日志",
        subtitle="　".join(
            (f"筛选：{summary}" if summary else "全部记录", f"导出日期：{day}", count, "时间为北京时间")
        ),
    )
    sheet.rows(rows)
    sheet.autofilter()
    return download(
        book.close(),
        name=file_name("审计日志", day, ext="xlsx"),
        fallback=f"audit-log-{today:%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )
