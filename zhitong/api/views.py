"""The token page (/tokens/): administrators create, list and revoke API clients' tokens.
A new token's secret is shown once, on the answer to the form that created it; only its
hash is stored (models.ApiToken)."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhitong.common.forms import page_message
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import can_manage_api_tokens

from . import ratelimit, selectors, services
from .forms import TokenCreateForm
from .scopes import scope_choices


def _require(user) -> None:
    if not can_manage_api_tokens(user):
        raise PermissionDenied(_("仅系统管理员可管理接口令牌。"))


def _page(request, *, form=None, secret=None, created=None, status=200):
    now = timezone.now()
    labels = dict(scope_choices())
    rows = [
        {
            "token": t,
            "state": t.state(now),
            "scopes": _("、").join(labels.get(s, s) for s in t.scopes or []),
            "limit": ratelimit.limit_of(t),
        }
        for t in selectors.tokens_for_user(request.user)
    ]
    form = form or TokenCreateForm(owners=selectors.token_owner_choices())
    response = TemplateResponse(
        request,
        "api/tokens.html",
        {"rows": rows, "form": form, "secret": secret, "created": created},
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the secret is on this answer once
    return response


@login_required
@never_cache
def token_list(request):
    _require(request.user)
    return _page(request)


@login_required
@require_POST
def token_create(request):
    _require(request.user)
    form = TokenCreateForm(request.POST, owners=selectors.token_owner_choices())
    if not form.is_valid():
        return _page(request, form=form, status=400)
    data = form.cleaned_data
    expires_at = None
    if data["expires_on"]:
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
    try:
        tok, raw = services.token_create(
            actor=request.user,
            owner_id=data["owner"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=expires_at,
            rate_limit=data["rate_limit"],
        )
    except ServiceError as exc:
        field = exc.field if exc.field in form.fields else None
        if exc.field == "expires_at":
            field = "expires_on"
        form.add_error(field, page_message(exc.message))
        return _page(request, form=form, status=400)
    return _page(request, secret=raw, created=tok)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    _require(request.user)
    try:
        tok = services.token_revoke(actor=request.user, token_id=token_id)
    except ServiceError as exc:
        messages.error(request, page_message(exc.message))
        return redirect("tokens:list")
    messages.success(request, _("令牌“%(name)s”已吊销，使用它的请求将被拒绝。") % {"name": tok.name})
    return redirect("tokens:list")
