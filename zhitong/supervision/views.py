"""Pages of the supervision office (seeds/000 三) and of the People's Congress view (四):
the three lists, rectification orders (the ORDER table's moves through one endpoint) and
findings. Every read goes through selectors (scope in the query); a page a user may not
open answers 403, an object outside the user's scope 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.appeals.models import Appeal
from zhitong.common.pages import get_or_404, history_rows, month_param, move_forms, move_view
from zhitong.common.transitions import state_changes
from zhitong.coordination.selectors import overdue_workdays
from zhitong.core.downloads import file_download, file_name
from zhitong.core.errors import AccessDenied, ServiceError
from zhitong.organizations import capabilities as can

from . import selectors, services
from .choices import FindingSource, OrderStatus
from .forms import FindingForm, OrderForm, split_codes, split_ids
from .home import supervision_counts
from .machines import ORDER
from .scope import supervised_county

PER_PAGE = 50


def _reader(request) -> None:
    if not can.reads_supervision(request.user):
        raise PermissionDenied


def _today():
    return timezone.localdate()


@login_required
def index(request):
    """The supervision office's overview: its three lists and its orders, counted."""
    _reader(request)
    today = _today()
    return TemplateResponse(
        request,
        "supervision/index.html",
        {
            "counts": supervision_counts(request.user, today=today),
            "county": supervised_county(request.user),
            "stalled_workdays": selectors.stalled_workdays(),
        },
    )


@login_required
def supervision_list(request, key):
    _reader(request)
    if key not in selectors.LISTS:
        raise Http404
    today = _today()
    lst = selectors.supervision_list(user=request.user, key=key, today=today)
    appeals = Paginator(lst.appeals, PER_PAGE).get_page(request.GET.get("ap"))
    tasks = Paginator(lst.tasks, PER_PAGE).get_page(request.GET.get("tp"))
    for t in tasks:
        t.overdue = overdue_workdays(t, today)
    titles = {
        "overdue": _("超期未办结（解决不及时）"),
        "unreported": _("问题不上报（超期未分办、未签收）"),
        "stalled": _("久拖不动（%(n)s个工作日无办理动作）") % {"n": selectors.stalled_workdays()},
    }
    return TemplateResponse(
        request,
        "supervision/list.html",
        {
            "key": key,
            "title": titles[key],
            "appeals": appeals,
            "tasks": tasks,
            "total": appeals.paginator.count + tasks.paginator.count,
            "county": supervised_county(request.user),
            "can_issue": can.issues_rectification_orders(request.user),
            "today": today,
        },
    )


# -- rectification orders ------------------------------------------------------------------------


def _orders_reader(request) -> None:
    if not (can.reads_supervision(request.user) or can.is_unit_staff(request.user)):
        raise PermissionDenied


@login_required
def order_list(request):
    _orders_reader(request)
    today = _today()
    status = request.GET.get("status", "")
    status = status if status in selectors.ORDER_FILTERS else ""
    base = selectors.orders_for_user(request.user)
    page = Paginator(selectors.order_filter(base, status=status, today=today), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for o in page:
        o.light = selectors.order_light(o, today)
    return TemplateResponse(
        request,
        "supervision/order_list.html",
        {
            "page": page,
            "status": status,
            "filters": [
                ("", _("全部")),
                ("open", _("待整改")),
                ("red", _("超期未整改")),
                ("reported", _("待核验")),
                ("closed", _("已结束")),
            ],
            "can_issue": can.issues_rectification_orders(request.user),
        },
    )


def _initial_objects(request) -> dict:
    """Prefill from a list's link: ?appeal=<id>&task=<id>&unit=<id> (ids in the user's scope)."""
    initial = {}
    appeal_ids = split_ids(",".join(request.GET.getlist("appeal")))
    task_ids = split_ids(",".join(request.GET.getlist("task")))
    appeals = list(selectors._appeals(request.user).filter(pk__in=appeal_ids[:50]))
    tasks = list(selectors._tasks(request.user).filter(pk__in=task_ids[:50]))
    if appeals:
        initial["appeals"] = ", ".join(a.code for a in appeals)
        initial["title"] = _("诉求超期未办结：%(title)s") % {"title": appeals[0].title[:150]}
        unit = appeals[0].lead_unit_id or appeals[0].received_unit_id
        initial["unit"] = unit
    if tasks:
        initial["tasks"] = ", ".join(str(t.pk) for t in tasks)
        initial.setdefault("unit", tasks[0].unit_id)
        initial.setdefault("title", _("交办任务超期未办结：%(text)s") % {"text": tasks[0].content[:150]})
    return initial


@login_required
def order_new(request):
    if not can.issues_rectification_orders(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = OrderForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            codes = split_codes(d["appeals"])
            appeal_ids = list(Appeal.objects.filter(code__in=codes).values_list("pk", flat=True))
            try:
                if len(appeal_ids) != len(set(codes)):
                    raise ServiceError(_("诉求编号不存在或不在督查范围内"), field="appeals")
                order = services.order_issue(
                    actor=request.user,
                    unit_id=d["unit"].pk,
                    title=d["title"],
                    requirement=d["requirement"],
                    workdays=d["workdays"],
                    appeal_ids=appeal_ids,
                    task_ids=split_ids(d["tasks"]),
                    meeting_ids=split_ids(d["meetings"]),
                )
            except AccessDenied:
                form.add_error(None, _("所涉诉求、任务或协调会不存在或不在督查范围内"))
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                from django.contrib import messages

                messages.success(request, _("已下发督促整改通知"))
                return redirect("supervision:order_detail", order.pk)
    else:
        form = OrderForm(initial=_initial_objects(request), user=request.user)
    return TemplateResponse(request, "supervision/order_form.html", {"form": form})


@login_required
def order_detail(request, pk):
    _orders_reader(request)
    order = get_or_404(selectors.order_get_for_user, user=request.user, order_id=pk)
    today = _today()
    history = history_rows(ORDER, state_changes(order))
    for row in history:
        if row.action == "issue":  # the creation, not a move of the table (services.order_issue)
            row.label = _("下发督促整改通知")
    return TemplateResponse(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "light": selectors.order_light(order, today),
            "overdue": selectors.order_overdue_workdays(order, today),
            "history": history,
            "moves": move_forms(
                ORDER, request.user, order, url="supervision:order_move", arg=order.pk, today=today
            ),
        },
    )


@login_required
@require_POST
def order_move(request, pk, name):
    _orders_reader(request)
    order = get_or_404(selectors.order_get_for_user, user=request.user, order_id=pk)
    return move_view(
        request, ORDER, pk=order.pk, name=name, back=reverse("supervision:order_detail", args=[order.pk])
    )


@login_required
def order_evidence(request, pk):
    _orders_reader(request)
    order = get_or_404(selectors.order_get_for_user, user=request.user, order_id=pk)
    if not order.evidence:
        raise Http404
    ext = (order.evidence_name or order.evidence.name).rpartition(".")[2].lower()
    return file_download(
        order.evidence.open("rb"),
        name=file_name("整改佐证材料", order.code or str(order.pk), ext=ext),
        fallback=f"rectification-{order.pk}.{ext}",
    )


# -- findings -------------------------------------------------------------------------------------


@login_required
def finding_list(request):
    _reader(request)
    month = month_param(request.GET.get("month"), None)
    source = request.GET.get("source", "")
    source = source if source in FindingSource.values else ""
    qs = selectors.findings_for_user(request.user)
    if month is not None:
        qs = qs.filter(month=month)
    if source:
        qs = qs.filter(source=source)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "supervision/finding_list.html",
        {
            "page": page,
            "month": month,
            "source": source,
            "sources": FindingSource.choices,
            "can_record": can.records_findings(request.user),
        },
    )


@login_required
def finding_new(request):
    if not can.records_findings(request.user):
        raise PermissionDenied
    clause = _("榕政办〔2019〕75号 四") if can.is_overseer(request.user) else _("榕政办〔2019〕75号 三")
    if request.method == "POST":
        form = FindingForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                appeal_id = None
                if d["appeal"]:
                    appeal_id = (
                        Appeal.objects.filter(code=d["appeal"].strip()).values_list("pk", flat=True).first()
                    )
                    if appeal_id is None:
                        raise AccessDenied()
                finding = services.finding_record(
                    actor=request.user,
                    unit_id=d["unit"].pk,
                    month=d["month"],
                    points=d["points"],
                    clause=d["clause"],
                    basis=d["basis"],
                    appeal_id=appeal_id,
                    task_id=d["task"],
                )
            except AccessDenied:
                form.add_error(None, _("所涉诉求或任务不存在或不在督查范围内"))
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                from django.contrib import messages

                messages.success(request, _("已记录督查监督发现"))
                return redirect("supervision:finding_detail", finding.pk)
    else:
        form = FindingForm(initial={"clause": clause, "month": _today()}, user=request.user)
    return TemplateResponse(request, "supervision/finding_form.html", {"form": form})


@login_required
def finding_detail(request, pk):
    _reader(request)
    finding = get_or_404(selectors.finding_get_for_user, user=request.user, finding_id=pk)
    return TemplateResponse(request, "supervision/finding_detail.html", {"finding": finding})


# -- the People's Congress view (seeds/000 四) ------------------------------------------------------


def _next_month(month):
    return month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)


@login_required
def congress(request):
    """人大专询，全面监督 (seeds/000 四): late and unreported problems, Annex 3 and the counting
    facts of a month (the coordination app's pages), the findings — read-only; the overseer
    may record a finding. Also what the monthly forwarding links to (services.forward_results)."""
    _reader(request)
    today = _today()
    month = month_param(request.GET.get("month"), today.replace(day=1))
    findings = selectors.findings_for_user(request.user).filter(month=month)
    return TemplateResponse(
        request,
        "supervision/congress.html",
        {
            "month": month,
            "previous": services.previous_month(month),
            "following": _next_month(month) if _next_month(month) <= today else None,
            "counts": supervision_counts(request.user, today=today, for_congress=True, month=month),
            "findings": findings,
            "findings_total": findings.count(),
            "can_record": can.records_findings(request.user),
            "order_statuses": OrderStatus,
        },
    )
