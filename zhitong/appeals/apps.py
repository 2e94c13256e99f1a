from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhitong.appeals"
    label = "appeals"

    def ready(self):
        from zhitong.workdays.signals import calendar_changed

        from .clock import on_calendar_changed

        # Stored deadlines were counted on the old calendar: re-time them after it changes.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="appeals.clock.on_calendar_changed")
