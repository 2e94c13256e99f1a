"""Pages of the monthly escalation batch: the hub's review, the leader's batch, Annex 2."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from zhitong.common.transitions import state_changes
from zhitong.core.downloads import XLSX, download, file_name, month_cn
from zhitong.organizations.selectors import scope_root

from .. import permissions, selectors, services
from ..documents.annex import annex2_xlsx
from ..machines.batches import BATCH, ESCALATION
from ._common import get_or_404, histories_of, history_rows, move_forms, move_view, parse_month, today


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
    user, now_day, arg = request.user, today(), f"{month:%Y-%m}"
    history = histories_of(requests)
    for req in requests:
        req.suggested_leader = req.leader or services.default_leader_for(req)
        req.batch_status = batch.status  # read by the table's guards
        req.moves = move_forms(
            ESCALATION, user, req, url="coordination:request_move", arg=req.pk, today=now_day
        )
        req.history = history_rows(ESCALATION, history.get(req.pk, []))
    return TemplateResponse(
        request,
        "coordination/batch_detail.html",
        {
            "batch": batch,
            "requests": requests,
            "today": now_day,
            "moves": move_forms(BATCH, user, batch, url="coordination:batch_move", arg=arg, today=now_day),
            "history": history_rows(BATCH, state_changes(batch)) if batch.pk else [],
            "choices": {"user": selectors.leaders()},
        },
    )


def _back(month) -> str:
    return reverse("coordination:batch_detail", args=[f"{month:%Y-%m}"])


@login_required
@require_POST
def batch_move(request, month, name):
    _require_hub(request.user)
    month = parse_month(month)
    return move_view(request, BATCH, pk=month, name=name, back=_back(month))


@login_required
@require_POST
def request_move(request, pk, name):
    req = get_or_404(selectors.escalation_get_for_user, user=request.user, request_id=pk)
    back = _back(req.batch_month) + f"#req-{req.pk}"
    return move_view(request, ESCALATION, pk=req.pk, name=name, back=back)


@login_required
def batch_annex2(request, month):
    _require_hub(request.user)
    month = parse_month(month)
    # The hub collects every unit's requests (seeds/000 二): its own unit signs the table.
    unit = scope_root(request.user.unit) if request.user.unit_id else None
    # The city's form (seeds/000 附件2): in Chinese whatever the page language.
    with translation.override(settings.LANGUAGE_CODE):
        content = annex2_xlsx(
            month=month, rows=selectors.annex2_rows(month=month), unit_name=unit.name if unit else ""
        )
    return download(
        content,
        name=file_name("附件2", unit.display_name if unit else "全市汇总", month_cn(month), ext="xlsx"),
        fallback=f"annex2-{unit.code if unit else 'all'}-{month:%Y-%m}.xlsx",
        content_type=XLSX,
    )


@login_required
def my_batch(request):
    """The leader's view of the requests reported to them, by batch."""
    if not permissions.can_read_leader_batch(request.user):
        raise PermissionDenied
    pending = request.GET.get("pending") == "1"
    groups = selectors.leader_batch(user=request.user, pending=pending)
    return TemplateResponse(
        request,
        "coordination/my_batch.html",
        {"groups": groups, "pending": pending, "total": sum(len(reqs) for _, reqs in groups)},
    )
