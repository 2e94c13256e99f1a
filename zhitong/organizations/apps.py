from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "zhitong.organizations"
    label = "organizations"
    verbose_name = _("组织机构与用户")

    def ready(self):
        from . import sessions

        sessions.connect()
