from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"

    def ready(self):
        from zhitong.appeals.signals import appeal_escalated

        from . import deadlines, notices, project_coverage
        from .services.batches import on_appeal_escalated

        # The appeals app's `escalate` move files its Annex 2 request here, in its transaction.
        appeal_escalated.connect(on_appeal_escalated, dispatch_uid="coordination.on_appeal_escalated")
        # Stored deadlines were counted on the calendar: re-time them when it changes.
        deadlines.register()
        # The message hub's labels and the preferences page's kinds (mandatory or not).
        notices.register_notice_kinds()
        # The project page's section on the monthly coordination of projects in construction.
        project_coverage.register()
