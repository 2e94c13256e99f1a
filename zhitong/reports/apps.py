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
        # seeds/000 二: the month close freezes every unit's Annex 1 ledger with the scorecard.
        from zhitong.assessment.close import register_close_part

        from .annex1 import all_ledger_rows

        register_close_part("annex1", label="附件1“一企一议”问题台账", func=all_ledger_rows)
        # The briefing's last section ranks the units by the month's scorecard.
        from .briefing import register_section
        from .briefing_ranking import section_ranking

        register_section("ranking", section_ranking)
