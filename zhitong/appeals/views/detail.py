"""Appeal detail: header facts, the whole timeline, and only the moves this user may make,
each a form posting to the move endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhitong.common.forms import page_message, refusal_message
from zhitong.common.transitions import VersionRequired
from zhitong.core.downloads import file_download
from zhitong.core.errors import AccessDenied, Forbidden, ServiceError
from zhitong.organizations.capabilities import is_enterprise_user

from .. import selectors, services
from ..choices import Status
from ..forms import MoveChoices, MoveForm, move_form
from ..machine import MOVES, Move, available_moves, check_move, extension_lapsed
from ..services.contact import appeal_reveal_contact_phone as appeal_reveal_contact_phone_service
from ..services.contact import may_reveal_contact_phone
from .enterprise import enterprise_detail_context

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class FailedMove:
    """A move the user tried that was refused: re-shown with what they typed."""

    move: Move
    form: MoveForm
    message: str
    code: str = ""


def get_appeal_or_404(user, appeal_id):
    try:
        return selectors.appeal_get_for_user(user=user, appeal_id=appeal_id)
    except AccessDenied:
        raise Http404("对象不存在或您无权访问")


def _move_forms(user, appeal, today, failed: FailedMove | None):
    """The forms of the moves `user` may make now — the main next step ("primary") first —
    and a refused move no longer available (the appeal moved on), still shown so the user's
    text is not lost."""
    moves = sorted(available_moves(user, appeal, today=today), key=lambda m: m.style != "primary")
    choices = MoveChoices(appeal=appeal, user=user)
    move_forms = []
    for move in moves:
        if failed is not None and failed.move.name == move.name:
            move_forms.append((move, failed.form, failed))
        else:
            move_forms.append((move, move_form(move, appeal=appeal, user=user, choices=choices), None))
    orphan = failed if failed is not None and failed.move not in moves else None
    return move_forms, orphan


def detail_context(request, appeal, *, failed: FailedMove | None = None, revealed_phone: str = "") -> dict:
    user = request.user
    today = timezone.localdate()
    move_forms, failed_orphan = _move_forms(user, appeal, today, failed)
    timeline = selectors.appeal_timeline(appeal)
    evidence = [ev for entry in timeline for ev in entry.evidence]
    # thin: the Annex 2 requests of this appeal and the duplicates merged into it (those the
    # user may see: a twin registered by another unit stays theirs).
    escalations = list(appeal.escalations.select_related("leader", "reporting_unit").order_by("received_at"))
    duplicates = selectors.appeal_merged_duplicates(user=user, appeal=appeal)
    # The appeal this one was merged into: named, but shown and linked only if visible.
    master_visible = bool(appeal.merged_into_id) and bool(
        selectors.appeal_visible_ids(user=user, appeal_ids=[appeal.merged_into_id])
    )
    return {
        "appeal": appeal,
        "light": selectors.appeal_light(appeal, today),
        "move_forms": move_forms,
        "failed_orphan": failed_orphan,
        "timeline": timeline,
        "evidence": evidence,
        "escalations": escalations,
        "duplicates": duplicates,
        "master_visible": master_visible,
        "cooperations": list(appeal.cooperations.all()),
        "today": today,
        "clock_label": CLOCK_LABELS.get(appeal.status, gettext_lazy("当前期限")),
        # seeds/003 六.3: a request past the deadline can no longer be decided; say why.
        "extension_lapsed": extension_lapsed(appeal, today),
        "can_reveal_contact": may_reveal_contact_phone(user, appeal),
        "revealed_phone": revealed_phone,
    }


def render_detail(request, appeal, *, failed: FailedMove | None = None, status: int = 200):
    """The detail page for this user's audience: an enterprise reads its own page (public
    stages, deadline and timeline: views/enterprise.py), staff the full record."""
    if is_enterprise_user(request.user):
        move_forms, failed_orphan = _move_forms(request.user, appeal, timezone.localdate(), failed)
        context = enterprise_detail_context(
            request, appeal, move_forms=move_forms, failed_orphan=failed_orphan
        )
        return TemplateResponse(request, "appeals/enterprise/detail.html", context, status=status)
    return TemplateResponse(
        request, "appeals/detail.html", detail_context(request, appeal, failed=failed), status=status
    )


CLOCK_LABELS = {
    Status.SUBMITTED: gettext_lazy("分办/告知期限"),
    Status.ASSIGNED: gettext_lazy("签收期限"),
    Status.TRANSFER_REQUESTED: gettext_lazy("改派期限"),
    Status.IN_PROGRESS: gettext_lazy("办理期限"),
    Status.ESCALATED: gettext_lazy("办理期限"),
    Status.RESOLVED: gettext_lazy("核验期限"),
    Status.VERIFIED: gettext_lazy("评价期限"),
}


@login_required
def appeal_detail(request, appeal_id: int):
    appeal = get_appeal_or_404(request.user, appeal_id)
    return render_detail(request, appeal)


@login_required
@require_POST
def appeal_reveal_contact_phone(request, appeal_id: int):
    """The contact's full number (audited): htmx swaps it in; without JS the detail page is
    rendered again with the number shown."""
    try:
        phone = appeal_reveal_contact_phone_service(user=request.user, appeal_id=appeal_id)
    except AccessDenied:
        raise Http404("对象不存在或您无权访问")
    except Forbidden as exc:
        raise PermissionDenied(page_message(exc.message))
    if request.htmx:
        return TemplateResponse(request, "enterprises/_phone_revealed.html", {"phone": phone})
    appeal = get_appeal_or_404(request.user, appeal_id)
    return TemplateResponse(
        request, "appeals/detail.html", detail_context(request, appeal, revealed_phone=phone)
    )


@login_required
@require_POST
def appeal_move_view(request, appeal_id: int, name: str):
    """POST one move. A refusal (stale version, illegal move, no right, bad data) re-renders
    the detail page with the user's input kept and the reason in Chinese, with the HTTP
    status of the error (409 / 403 / 400)."""
    user = request.user
    appeal = get_appeal_or_404(user, appeal_id)
    move = MOVES.get(name)
    if move is None:
        raise Http404("未知的操作")
    form = move_form(
        move,
        appeal=appeal,
        user=user,
        choices=MoveChoices(appeal=appeal, user=user),
        data=request.POST,
        files=request.FILES,
    )
    try:
        if not form.is_valid():
            # Say first why the move cannot be made at all, if so (a refusal beats a
            # list of empty fields); otherwise point at the fields.
            check_move(user, appeal, move.name, today=timezone.localdate())
            if "expected_version" in form.errors:
                # No version: the page it came from is unknown, so nothing is applied.
                message, code, status = form.errors["expected_version"][0], VersionRequired.code, 422
            else:
                message, code, status = _("请检查下面标红的内容后重新提交。"), "invalid", 400
            return render_detail(request, appeal, failed=FailedMove(move, form, message, code), status=status)
        services.appeal_move(
            appeal_id=appeal.pk,
            move=move.name,
            actor=user,
            expected_version=form.cleaned_data.get("expected_version"),
            **form.service_data(),
        )
    except AccessDenied:
        raise Http404("对象不存在或您无权访问")
    except ServiceError as exc:
        fresh = get_appeal_or_404(user, appeal_id)
        message = refusal_message(
            form, exc, fresh.version, version_field="expected_version", kept=_("您填写的内容已保留，")
        )
        if form.has_files and request.FILES:
            message += _("（出于安全原因，已选择的文件需要重新选择。）")
        return render_detail(
            request, fresh, failed=FailedMove(move, form, message, exc.code), status=exc.status
        )
    messages.success(request, _("已完成“%(move)s”。") % {"move": move.label})
    nxt = request.POST.get("next", "")
    # Only a path of this site (redirect() would take "abc" for a view name).
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return redirect("appeals:detail", appeal_id=appeal.pk)


@login_required
def evidence_download(request, evidence_id: int):
    try:
        ev = selectors.appeal_evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    except AccessDenied:
        raise Http404("文件不存在或您无权访问")
    try:
        handle = ev.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件已不存在")
    return file_download(
        handle,
        name=ev.original_name,
        fallback=f"evidence-{ev.pk}.{ev.kind}",
        content_type=CONTENT_TYPES.get(ev.kind, "application/octet-stream"),
        inline=ev.kind in ("pdf", "jpeg", "png"),
    )
