from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"
    verbose_name = _("协调调度")

    def ready(self):
        from zhitong.appeals.signals import appeal_escalated

        from . import deadlines, notices
        from .services.batches import on_appeal_escalated

        # The appeals app's `escalate` move files its Annex 2 request here, in its transaction.
        appeal_escalated.connect(on_appeal_escalated, dispatch_uid="coordination.on_appeal_escalated")
        # Stored deadlines were counted on the calendar: re-time them when it changes.
        deadlines.register()
        # The message hub's labels and the preferences page's kinds (mandatory or not).
        notices.register_notice_kinds()
