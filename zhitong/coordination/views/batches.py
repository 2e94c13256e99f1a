"""Pages of the monthly escalation batch: the hub's review, the leader's batch, Annex 2."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..documents.annex import annex2_xlsx
from ..forms import AcceptForm, ReasonForm
from ._common import get_or_404, invalid, parse_month, perform, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_hub(user):
    if not permissions.can_review_batch(user):
        raise PermissionDenied


@login_required
def batch_list(request):
    _require_hub(request.user)
    rows = selectors.batch_list(today=today())
    return TemplateResponse(request, "coordination/batch_list.html", {"rows": rows})


@login_required
def batch_detail(request, month):
    _require_hub(request.user)
    month = parse_month(month)
    batch = selectors.batch_for_month(month)
    requests = list(selectors.batch_requests(month=month))
    for req in requests:
        req.suggested_leader = req.leader or services.default_leader_for(req)
    return TemplateResponse(
        request,
        "coordination/batch_detail.html",
        {
            "batch": batch,
            "requests": requests,
            "today": today(),
            "accept_form": AcceptForm(),
            "return_form": ReasonForm(),
            "leaders": selectors.leaders(),
        },
    )


def _back(month) -> str:
    return reverse("coordination:batch_detail", args=[f"{month:%Y-%m}"])


@login_required
@require_POST
def batch_start_review(request, month):
    month = parse_month(month)
    return perform(
        request,
        _back(month),
        lambda: services.batch_start_review(actor=request.user, month=month),
        "已开始审核本批次",
    )


@login_required
@require_POST
def batch_submit(request, month):
    month = parse_month(month)
    return perform(
        request,
        _back(month),
        lambda: services.batch_submit(actor=request.user, month=month),
        "已报送分管市领导",
    )


@login_required
@require_POST
def request_accept(request, pk):
    req = get_or_404(selectors.escalation_get_for_user, user=request.user, request_id=pk)
    form = AcceptForm(request.POST)
    back = _back(req.batch_month) + f"#req-{req.pk}"
    if not form.is_valid():
        return invalid(request, back, form)
    return perform(
        request,
        back,
        lambda: services.escalation_accept(
            actor=request.user,
            request_id=req.pk,
            leader=form.cleaned_data["leader"],
            note=form.cleaned_data["note"],
        ),
        "已审核通过",
    )


@login_required
@require_POST
def request_return(request, pk):
    req = get_or_404(selectors.escalation_get_for_user, user=request.user, request_id=pk)
    form = ReasonForm(request.POST)
    back = _back(req.batch_month) + f"#req-{req.pk}"
    if not form.is_valid():
        return invalid(request, back, form)
    return perform(
        request,
        back,
        lambda: services.escalation_return(
            actor=request.user, request_id=req.pk, reason=form.cleaned_data["reason"]
        ),
        "已退回申报单位",
    )


@login_required
def batch_annex2(request, month):
    _require_hub(request.user)
    month = parse_month(month)
    content = annex2_xlsx(month=month, rows=selectors.annex2_rows(month=month))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=annex2-{month:%Y-%m}.xlsx"
    return response


@login_required
def my_batch(request):
    """The leader's view of the requests reported to them, by batch."""
    if not permissions.can_read_leader_batch(request.user):
        raise PermissionDenied
    groups = selectors.leader_batch(user=request.user)
    return TemplateResponse(request, "coordination/my_batch.html", {"groups": groups})
