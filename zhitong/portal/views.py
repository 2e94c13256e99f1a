from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhitong.appeals import home as appeals_home
from zhitong.common.forms import HardenedMixin
from zhitong.common.middleware import IdleTimeoutMiddleware, signed_out_json
from zhitong.common.panels import HomeHook, HomePanel
from zhitong.coordination import home as coordination_home
from zhitong.enterprises import home as enterprises_home
from zhitong.eportal import home as eportal_home
from zhitong.organizations import signin_steps
from zhitong.organizations.choices import Role
from zhitong.outbox import home as outbox_home
from zhitong.public import home as public_home
from zhitong.supervision import home as supervision_home
from zhitong.workdays import home as workdays_home

from . import selectors


class ZhitongAuthenticationForm(HardenedMixin, AuthenticationForm):
    """One message for an unknown user and a wrong password; a throttled attempt
    (organizations/signin_throttle.py) is told how long to wait, in words that are the same
    whether or not the account exists."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            refusal = getattr(self.request, "zt_signin_refusal", None)
            if refusal is not None:
                raise forms.ValidationError(
                    _("登录尝试过于频繁，请%(minutes)s分钟后再试。") % {"minutes": refusal.minutes},
                    code="throttled",
                )
            raise forms.ValidationError(_("用户名或密码错误。"), code="invalid_login")


class ZhitongLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = ZhitongAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """The password was right. An account with a second step (its TOTP code or first
        enrolment, a forced password change) is not signed in yet: organizations.signin_steps
        keeps it pending and runs the steps, then signs in."""
        step = signin_steps.begin(self.request, form.get_user(), redirect_to=self.get_success_url())
        return step or super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["absolute_hours"] = settings.ZHITONG_SESSION_ABSOLUTE_SECONDS // 3600
        context["max_sessions"] = settings.ZHITONG_MAX_SESSIONS_PER_USER
        context["idle_minutes"] = settings.ZHITONG_IDLE_TIMEOUT_MINUTES
        context["lockout_failures"] = settings.ZHITONG_LOCKOUT_FAILURES
        context["lockout_minutes"] = settings.ZHITONG_LOCKOUT_MINUTES
        return context


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


# The idle warning's two endpoints (issue 9; common/middleware.py IdleTimeoutMiddleware keeps
# the rule: ZHITONG_IDLE_TIMEOUT_MINUTES without a request signs out). A signed-out request
# gets JSON 401 from both, and nothing is written into its session.


@never_cache
@require_GET
def session_status(request):
    """How long until the idle sign-out. Asking does not count as activity (the middleware
    leaves the clock alone for this path), so an open page cannot keep itself signed in."""
    if not request.user.is_authenticated:
        return signed_out_json()
    return JsonResponse({"signed_in": True, "remaining": IdleTimeoutMiddleware.remaining_seconds(request)})


@never_cache
@require_POST
def session_keep_alive(request):
    """ "继续工作" on the idle warning: the user is at the page, the clock starts again now.
    A POST with the CSRF token, so another site cannot keep someone's session open."""
    if not request.user.is_authenticated:
        return signed_out_json()
    IdleTimeoutMiddleware.touch(request)
    return JsonResponse({"signed_in": True, "remaining": IdleTimeoutMiddleware.limit_seconds()})


HOME_TEMPLATES = {
    Role.ENTERPRISE: "portal/home_enterprise.html",
    Role.CLERK: "portal/home_clerk.html",
    Role.HANDLER: "portal/home_handler.html",
    Role.UNIT_HEAD: "portal/home_unit_head.html",
    Role.HUB: "portal/home_hub.html",
    Role.LEADER: "portal/home_leader.html",
    Role.SUPERVISOR: "portal/home_supervisor.html",
    Role.OVERSEER: "portal/home_overseer.html",
    Role.ADMIN: "portal/home_admin.html",
    Role.SECURITY_ADMIN: "portal/home_security_admin.html",
    Role.AUDIT_ADMIN: "portal/home_audit_admin.html",
}

# The home pages that this app fills itself; the other roles' pages are filled by the
# apps that own them, through their `home.py` hooks (HOME_HOOKS below).
OWN_HOME_CONTEXT = {
    Role.ENTERPRISE: selectors.enterprise_home,
    Role.SUPERVISOR: selectors.supervisor_home,
    Role.OVERSEER: selectors.overseer_home,
    Role.ADMIN: selectors.admin_home,
    Role.SECURITY_ADMIN: selectors.security_admin_home,
    Role.AUDIT_ADMIN: selectors.audit_admin_home,
}


# Every app's home hook (common.panels), by app label. The portal is the top floor: it imports
# the apps it shows; a new app's panels are one line here.
HOME_HOOKS: tuple[tuple[str, HomeHook], ...] = (
    ("workdays", workdays_home.home_panels),
    ("enterprises", enterprises_home.home_panels),
    ("appeals", appeals_home.home_panels),
    ("coordination", coordination_home.home_panels),
    ("supervision", supervision_home.home_panels),
    ("eportal", eportal_home.home_panels),
    ("outbox", outbox_home.home_panels),
    ("public", public_home.home_panels),
)


def home_panels(user, *, today: date) -> list[tuple[str, HomePanel]]:
    """(app label, panel) of every app for `user`, in panel order (then HOME_HOOKS order)."""
    panels = [(label, panel) for label, hook in HOME_HOOKS for panel in hook(user, today=today)]
    return sorted(panels, key=lambda lp: lp[1].order)


def home_context(request, *, role: str) -> dict:
    today = timezone.localdate()
    context: dict = {}
    own = OWN_HOME_CONTEXT.get(role)
    if own is not None:
        context.update(own(user=request.user, today=today))
    owners: dict[str, str] = {}
    panels = home_panels(request.user, today=today)
    for label, panel in panels:
        for key in panel.context:
            if key in context or key in owners or key == "home_panels":
                raise ImproperlyConfigured(
                    f"home panel of {label!r} sets {key!r}, already set by {owners.get(key, 'portal')!r}; "
                    "prefix home keys with the app label"
                )
            owners[key] = label
        context.update(panel.context)
    # The panels with a template, for the page's panel area ({% include panel.template %}).
    context["home_panels"] = [panel for _, panel in panels if panel.template]
    return context


@login_required
def home(request):
    user = request.user
    role = Role.ADMIN if user.is_superuser and user.role not in HOME_TEMPLATES else user.role
    # `home_role` marks the page (body[data-home]) for the browser journey tests.
    context = {"role": role, "role_label": Role(role).label, "home_role": role}
    context.update(home_context(request, role=role))
    return TemplateResponse(request, HOME_TEMPLATES[role], context)
