from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhitong.supervision"
    label = "supervision"
    verbose_name = _("督查督办")

    def ready(self):
        from . import deadlines, machines, notices, services  # noqa: F401  (the moves' services)

        # The order's working-day deadline is re-timed when the calendar changes.
        deadlines.register()
        # The message hub's labels and which of these notices nobody may mute.
        notices.register_notice_kinds()
