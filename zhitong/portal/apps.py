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
