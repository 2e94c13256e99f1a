from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"

    def ready(self):
        from zhitong.appeals.signals import appeal_escalated

        from . import deadlines, project_meetings
        from .services.batches import on_appeal_escalated

        # The appeals app's `escalate` move files its Annex 2 request here, in its transaction.
        appeal_escalated.connect(on_appeal_escalated, dispatch_uid="coordination.on_appeal_escalated")
        # The project page shows the meetings and tasks about the project (projects sits below).
        project_meetings.install()
        # Stored deadlines were counted on the calendar: re-time them when it changes.
        deadlines.register()
