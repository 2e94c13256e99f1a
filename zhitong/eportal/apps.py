from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EportalConfig(AppConfig):
    name = "zhitong.eportal"
    label = "eportal"
    verbose_name = _("企业直通门户")

    def ready(self):
        from . import notices

        notices.register_notice_kinds()
