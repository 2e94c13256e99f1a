from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhitong.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self):
        from django.contrib import admin

        # The Django admin is where administrators keep master data (units, users,
        # enterprises, calendar); give it the product's name instead of "Django 管理".
        admin.site.site_header = _("直通 · 后台管理")
        admin.site.site_title = _("直通后台管理")
        admin.site.index_title = _("基础数据管理")
        admin.site.site_url = "/"
        # The Django admin's own sign-in form would sign in with a password alone: it sends to
        # the platform's sign-in instead, which runs the second factor (organizations.signin_steps).
        admin.site.login = _admin_login


def _admin_login(request, extra_context=None):
    from django.contrib.auth import REDIRECT_FIELD_NAME
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme, urlencode

    target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
