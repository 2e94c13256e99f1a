"""The steps of signing in after the password: the TOTP code (or its first enrolment) and a
forced password change. Until every step is done the session is NOT signed in.

GB/T 22239-2019 8.1.4.1 身份鉴别 a (口令复杂度、定期更换) and d (两种或两种以上组合的鉴别技术).

The password page (portal.views.ZhitongLoginView) checks the password; when the account has
more to do it does not call `login()` but leaves a *pending* record in the session
(PENDING_KEY: the account, when the password was checked, what is left) and sends the browser
to the first step. A pending session is an anonymous session as far as every page and the API
are concerned (request.user is AnonymousUser: nothing but these steps can be reached), and it
lapses after ZHITONG_SIGNIN_PENDING_SECONDS. Wrong codes count with the password throttle
(signin_throttle.py: the same per account and address limit), so a stolen password gives
ZHITONG_LOCKOUT_FAILURES guesses at a code per window, not a million.

`client.force_login` and `client.login` (tests) call `login()` directly and skip the steps.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth import password_validation as pv
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from zhitong.common.forms import Form as HardenedForm
from zhitong.core import context

from . import password_policy, totp
from .signin_throttle import SignInThrottle

PENDING_KEY = "zt_signin_pending"
STEP_TOTP, STEP_ENROL, STEP_PASSWORD = "totp", "enrol", "password"
STEP_URLS = {STEP_TOTP: "signin_code", STEP_ENROL: "signin_enrol", STEP_PASSWORD: "signin_password"}


def steps_for(user) -> list[str]:
    """What the account must do after its password, in order."""
    steps = []
    if totp.requires_totp(user):
        steps.append(STEP_TOTP if totp.confirmed_device(user) else STEP_ENROL)
    if password_policy.must_change(user):
        steps.append(STEP_PASSWORD)
    return steps


def begin(request, user, *, redirect_to: str) -> HttpResponseRedirect | None:
    """After a right password: None when nothing is left (the caller signs in), else the
    redirect to the first step, with the pending record in a fresh session."""
    steps = steps_for(user)
    if not steps:
        return None
    request.session.cycle_key()  # no fixation: the pending record lives under a new key
    request.session[PENDING_KEY] = {
        "uid": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": int(time.time()),
        "steps": steps,
        "next": redirect_to,
        "reason": password_policy.change_reason(user) if STEP_PASSWORD in steps else "",
    }
    return redirect(STEP_URLS[steps[0]])


def _pending(request):
    """(record, user) of a live pending sign-in, or (None, None)."""
    if request.user.is_authenticated:
        return None, None
    record = request.session.get(PENDING_KEY)
    if not record:
        return None, None
    if time.time() - record["at"] > settings.ZHITONG_SIGNIN_PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None, None
    user = get_user_model()._default_manager.filter(pk=record["uid"], is_active=True).first()
    return (record, user) if user is not None else (None, None)


def _advance(request, record, user, done: str):
    """Step `done` passed: the next step, or sign in and go where the user was going."""
    record["steps"] = [s for s in record["steps"] if s != done]
    if record["steps"]:
        request.session[PENDING_KEY] = record
        return redirect(STEP_URLS[record["steps"][0]])
    request.session.pop(PENDING_KEY, None)
    user.backend = record["backend"]
    login(request, user)  # cycles the session key again
    target = record.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


def _start_over(request):
    if request.user.is_authenticated:  # signed in already: nothing to do here
        return redirect(settings.LOGIN_REDIRECT_URL)
    request.session.pop(PENDING_KEY, None)
    return redirect(f"{reverse('login')}?restart=1")


def _throttle(request, user) -> SignInThrottle:
    return SignInThrottle(context.client_addr_from_meta(request.META), user.get_username())


class CodeForm(HardenedForm):
    code = forms.CharField(label=gettext_lazy("验证码"), max_length=32, strip=True)


def _check_code(request, user, form, *, device, allow_recovery: bool) -> str | None:
    """None when the code passes, else the message (a refusal counts as a failure)."""
    throttle = _throttle(request, user)
    refusal = throttle.refusal()
    if refusal is not None:
        return _("验证码错误次数过多，请%(minutes)s分钟后再试。") % {"minutes": refusal.minutes}
    code = form.cleaned_data["code"]
    if totp.verify_code(device, code) or (allow_recovery and totp.use_recovery_code(device, code)):
        throttle.succeeded(user)
        return None
    refusal = throttle.failed(user)
    if refusal is not None:
        return _("验证码错误次数过多，请%(minutes)s分钟后再试。") % {"minutes": refusal.minutes}
    return _("验证码错误或已使用过，请输入验证器上显示的新验证码。")


@never_cache
@sensitive_post_parameters("code")
def code_step(request):
    """Step 2 for an enrolled account: the code from the app, or a recovery code."""
    record, user = _pending(request)
    if record is None or STEP_TOTP not in record["steps"]:
        return _start_over(request)
    device = totp.confirmed_device(user)
    if device is None:  # reset meanwhile: enrol instead
        record["steps"] = [STEP_ENROL if s == STEP_TOTP else s for s in record["steps"]]
        request.session[PENDING_KEY] = record
        return redirect(STEP_URLS[STEP_ENROL])
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        error = _check_code(request, user, form, device=device, allow_recovery=True)
        if error is None:
            return _advance(request, record, user, STEP_TOTP)
    return TemplateResponse(
        request, "registration/signin_code.html", {"form": form, "error": error, "pending_user": user}
    )


@never_cache
@sensitive_post_parameters("code")
def enrol_step(request):
    """The forced enrolment at the first sign-in of a role that needs a second factor: the
    QR code and the secret as text, confirmed with a code; then the recovery codes, once."""
    record, user = _pending(request)
    if record is None:
        return _start_over(request)
    shown = record.get("recovery_codes")
    if shown is not None:  # enrolled: the recovery codes page, then on
        if request.method == "POST":
            record.pop("recovery_codes", None)
            return _advance(request, record, user, STEP_ENROL)
        return TemplateResponse(request, "registration/signin_recovery_codes.html", {"codes": shown})
    if STEP_ENROL not in record["steps"]:
        return _start_over(request)
    device = totp.enrolment_device(user)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        throttle = _throttle(request, user)
        refusal = throttle.refusal()
        codes = None if refusal else totp.confirm_enrolment(user, device, form.cleaned_data["code"])
        if codes is not None:
            throttle.succeeded(user)
            record["recovery_codes"] = codes
            request.session[PENDING_KEY] = record
            return redirect(STEP_URLS[STEP_ENROL])
        refusal = refusal or throttle.failed(user)
        error = (
            _("验证码错误次数过多，请%(minutes)s分钟后再试。") % {"minutes": refusal.minutes}
            if refusal
            else _("验证码不正确，请核对验证器中的时间和密钥后重试。")
        )
    return TemplateResponse(
        request, "registration/signin_enrol.html", _enrol_context(user, device, form, error)
    )


def _enrol_context(user, device, form, error) -> dict:
    secret = totp.open_secret(device.secret_sealed)
    return {
        "form": form,
        "error": error,
        "pending_user": user,
        "qr_svg": totp.qr_svg(totp.provisioning_uri(user, device)),
        "secret": totp.grouped(secret),
    }


class ForcedPasswordForm(HardenedForm):
    new_password1 = forms.CharField(label=gettext_lazy("新密码"), strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(
        label=gettext_lazy("再次输入新密码"), strip=False, widget=forms.PasswordInput
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("两次输入的密码不一致。"))
        if p1:
            pv.validate_password(p1, self.user)
            password_policy.check_not_reused(self.user, p1)
        return data


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def password_step(request):
    """The forced change: an administrator-set password at first sign-in, or an expired one."""
    record, user = _pending(request)
    if record is None or STEP_PASSWORD not in record["steps"] or STEP_PASSWORD != record["steps"][0]:
        return _start_over(request)
    form = ForcedPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_policy.password_change(user=user, actor=user, raw=form.cleaned_data["new_password1"])
        return _advance(request, record, user, STEP_PASSWORD)
    return TemplateResponse(
        request,
        "registration/signin_password.html",
        {"form": form, "pending_user": user, "reason": record.get("reason", "")},
    )
