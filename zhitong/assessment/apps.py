from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zhitong.assessment"
    label = "assessment"
    verbose_name = _("考核与成绩单")

    def ready(self):
        from . import notices

        notices.register_notice_kinds()
