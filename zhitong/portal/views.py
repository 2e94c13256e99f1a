from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhitong.organizations.choices import Role


class ZhitongAuthenticationForm(AuthenticationForm):
    """Says so when the account is locked, instead of the generic wrong-password text."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            until = getattr(self.request, "zt_locked_until", None)
            if until is not None:
                local = timezone.localtime(until).strftime("%H:%M")
                raise forms.ValidationError(
                    f"连续输错密码次数过多，账号已锁定至 {local}（15分钟），请稍后再试。", code="locked"
                )
            raise forms.ValidationError("用户名或密码错误。", code="invalid_login")


class ZhitongLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = ZhitongAuthenticationForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


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
}


@login_required
def home(request):
    user = request.user
    role = Role.ADMIN if user.is_superuser and user.role not in HOME_TEMPLATES else user.role
    return TemplateResponse(request, HOME_TEMPLATES[role], {"role": role, "role_label": Role(role).label})
