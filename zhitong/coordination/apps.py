from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"

    def ready(self):
        from . import deadlines

        # Stored deadlines were counted on the calendar: re-time them when it changes.
        deadlines.register()
