"""The enterprise portal's pages (/e/, issue 12), phone first: sign-up with the mobile's
one-time code, the contact's status, the principal's approvals, the hub's queues (first
contacts to confirm, withdrawals to call back), and the web submission of an appeal. The
list and detail of the enterprise's appeals stay the appeals app's (appeals/enterprise/)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.appeals.views.helpers import category_list
from zhitong.common.pages import move_forms, move_view
from zhitong.core.context import client_addr_from_meta
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import is_enterprise_user, is_hub, submits_own_appeals

from . import selectors, services
from .forms import CodeForm, SignupForm, SubmitForm
from .machine import CONTACT, is_principal_of
from .models import Signup
from .otp import RESEND_SECONDS, TooMany, throttle_post

SESSION_KEY = "eportal_signup"


def _addr(request) -> str:
    return client_addr_from_meta(request.META)


def _refused(request, template, context, exc: ServiceError):
    context = {**context, "refusal": exc.message}
    return TemplateResponse(request, template, context, status=exc.status)


def signup(request):
    """Step 1: the credit code, the contact's name and mobile, a password; sends the code."""
    if request.user.is_authenticated:
        return redirect("eportal:status")
    form = SignupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        try:
            throttle_post(_addr(request), kind="signup")
        except TooMany as exc:
            return _refused(request, "eportal/signup.html", context, exc)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                pending = services.signup_start(
                    credit_code=cd["credit_code"],
                    name=cd["name"],
                    phone=cd["phone"],
                    password=cd["password"],
                    address=_addr(request),
                )
            except ServiceError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                    return TemplateResponse(request, "eportal/signup.html", context, status=400)
                return _refused(request, "eportal/signup.html", context, exc)
            request.session[SESSION_KEY] = pending.pk
            return redirect("eportal:signup_verify")
        return TemplateResponse(request, "eportal/signup.html", context, status=400)
    return TemplateResponse(request, "eportal/signup.html", context)


def _pending_signup(request) -> Signup | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return Signup.objects.select_related("enterprise").filter(pk=pk, completed_at__isnull=True).first()


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone


def signup_verify(request):
    """Step 2: the code from the SMS. Right: the account exists and is signed in, waiting
    for its approval (status page)."""
    pending = _pending_signup(request)
    if pending is None:
        return redirect("eportal:signup")
    form = CodeForm(request.POST or None)
    context = {"form": form, "phone": _masked(pending.phone), "resend_seconds": RESEND_SECONDS}
    if request.method == "POST":
        try:
            throttle_post(_addr(request), kind="code")
        except TooMany as exc:
            return _refused(request, "eportal/verify.html", context, exc)
        if form.is_valid():
            try:
                user = services.signup_verify(signup=pending, code=form.cleaned_data["code"])
            except ServiceError as exc:
                form.add_error("code", exc.message)
                return TemplateResponse(request, "eportal/verify.html", context, status=400)
            request.session.pop(SESSION_KEY, None)
            login(request, user, backend="zhitong.organizations.auth_backends.LockoutModelBackend")
            return redirect("eportal:status")
        return TemplateResponse(request, "eportal/verify.html", context, status=400)
    return TemplateResponse(request, "eportal/verify.html", context)


@require_POST
def signup_resend(request):
    pending = _pending_signup(request)
    if pending is None:
        return redirect("eportal:signup")
    try:
        throttle_post(_addr(request), kind="code")
        services.signup_resend(signup=pending, address=_addr(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("验证码已重新发送"))
    return redirect("eportal:signup_verify")


@login_required
def status(request):
    """The contact's own access: pending (and who decides), approved, or not; the hub's
    and the principal's work lists."""
    user = request.user
    if not (is_enterprise_user(user) or is_hub(user)):
        # Issue 15 (F3): the page is the contact's own access and the hub's work list; any
        # other government account has nothing here and goes to its own home page.
        return redirect("home")
    access = selectors.access_of(user)
    context = {
        "access": access,
        "is_enterprise": is_enterprise_user(user),
        "can_submit": submits_own_appeals(user),
        "is_principal": bool(user.enterprise_id) and is_principal_of(user, user.enterprise_id),
        "is_hub": is_hub(user),
    }
    if context["is_principal"]:
        context["pending_count"] = len(selectors.enterprise_contacts(user)["pending"])
    if context["is_hub"]:
        context["hub_contacts_count"] = selectors.hub_pending_principals(user).count()
        context["hub_withdrawals_count"] = selectors.withdrawals_awaiting_callback(user).count()
    return TemplateResponse(request, "eportal/status.html", context)


def _require_principal(user):
    if not (user.enterprise_id and is_principal_of(user, user.enterprise_id)):
        raise PermissionDenied(_("只有企业负责联系人可以审核本企业的联系人"))


@login_required
def contacts(request):
    """The principal's page: approve or refuse new contacts of the enterprise, stop others."""
    user = request.user
    _require_principal(user)
    rows = selectors.enterprise_contacts(user)
    forms = {
        r.pk: move_forms(CONTACT, user, r, url="eportal:contact_move", arg=r.pk)
        for r in (*rows["pending"], *rows["others"])
    }
    for r in (*rows["pending"], *rows["others"]):
        r.forms = forms[r.pk]
    return TemplateResponse(request, "eportal/contacts.html", {**rows, "enterprise": user.enterprise})


@login_required
def hub_contacts(request):
    """The hub's queue: the first contacts of enterprises, to confirm as principal."""
    user = request.user
    if not is_hub(user):
        raise PermissionDenied(_("只有统筹协调专员可以确认企业负责联系人"))
    rows = list(selectors.hub_pending_principals(user))
    for r in rows:
        r.forms = move_forms(CONTACT, user, r, url="eportal:contact_move", arg=r.pk)
    return TemplateResponse(request, "eportal/hub_contacts.html", {"rows": rows})


@login_required
@require_POST
def contact_move(request, access_id: int, name: str):
    access = selectors.accesses_for_user(request.user).filter(pk=access_id).first()
    if access is None:
        raise Http404(_("联系人不存在或您无权处理"))
    back = "eportal:hub_contacts" if is_hub(request.user) else "eportal:contacts"
    return move_view(request, CONTACT, pk=access.pk, name=name, back=back)


@login_required
def hub_withdrawals(request):
    """撤单质检: the withdrawn appeals the hub has still to call back; each opens the appeal,
    where the hub records the call's outcome (the appeal's moves)."""
    user = request.user
    if not is_hub(user):
        raise PermissionDenied(_("只有统筹协调专员可以进行撤单回访"))
    rows = list(selectors.withdrawals_awaiting_callback(user))
    return TemplateResponse(request, "eportal/hub_withdrawals.html", {"rows": rows, "count": len(rows)})


@login_required
def submit(request):
    """The enterprise submits an appeal (channel web): it enters the hub's triage."""
    user = request.user
    if not submits_own_appeals(user):
        access = selectors.access_of(user)
        if is_enterprise_user(user) and access is not None:
            return redirect("eportal:status")  # pending: told where it stands
        raise PermissionDenied(_("只有已开通的企业联系人可以网上提交诉求"))
    categories = category_list()
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                appeal, _created = services.enterprise_submit(
                    actor=user,
                    title=cd["title"],
                    description=cd["description"],
                    category_id=cd["category_id"],
                    contact_name=cd["contact_name"],
                    contact_phone=cd["contact_phone"],
                    attachments=cd["attachments"],
                    idempotency_key=f"web:{cd['key']}",
                )
            except ServiceError as exc:
                if exc.field == "evidence_files":
                    form.add_error("attachments", exc.message)
                elif exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    form.add_error(None, exc.message)
                return TemplateResponse(request, "eportal/submit.html", {"form": form}, status=exc.status)
            messages.success(request, _("诉求已提交，受理编号 %(code)s。") % {"code": appeal.code})
            return redirect("appeals:detail", appeal_id=appeal.pk)
        return TemplateResponse(request, "eportal/submit.html", {"form": form}, status=400)
    initial = {"key": uuid.uuid4().hex, "contact_name": user.display_name, "contact_phone": user.phone}
    form = SubmitForm(initial=initial, categories=categories)
    return TemplateResponse(request, "eportal/submit.html", {"form": form})
