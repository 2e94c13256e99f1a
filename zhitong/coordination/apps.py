from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"
    verbose_name = _("协调调度")

    def ready(self):
        from zhitong.appeals.signals import appeal_escalated, appeal_exemption_approved

        from . import deadlines, notices, project_coverage, project_meetings
        from .services.batches import on_appeal_escalated
        from .services.facts import facts_on_exemption_approved

        # The appeals app's `escalate` move files its Annex 2 request here, in its transaction.
        appeal_escalated.connect(on_appeal_escalated, dispatch_uid="coordination.on_appeal_escalated")
        # seeds/000 五(二)3: an approved exemption leaves the counted facts in its own transaction.
        appeal_exemption_approved.connect(
            facts_on_exemption_approved, dispatch_uid="coordination.facts_on_exemption_approved"
        )
        # The project page shows the meetings and tasks about the project (projects sits below).
        project_meetings.install()
        # Stored deadlines were counted on the calendar: re-time them when it changes.
        deadlines.register()
        # The message hub's labels and the preferences page's kinds (mandatory or not).
        notices.register_notice_kinds()
        # The project page's section on the monthly coordination of projects in construction.
        project_coverage.register()
