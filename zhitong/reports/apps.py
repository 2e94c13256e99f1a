from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "zhitong.reports"
    label = "reports"
    verbose_name = _("报表与简报")

    def ready(self):
        from . import notices

        # The message hub's labels for the ledger forwarding and the mailbox summary.
        notices.register_notice_kinds()
