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
        # The findings of the supervision office and of the People's Congress are deductions on
        # the monthly scorecard (seeds/000 五(一): 以及市人大、市政府督查室监督督查的结果).
        register_findings_as_deductions()


def register_findings_as_deductions() -> None:
    from zhitong.assessment.sources import Deduction, register_deduction_source

    from .selectors import findings_deductions

    def deductions(*, units, month_start, month_end):
        return [
            Deduction(**row)
            for row in findings_deductions(units=units, month_start=month_start, month_end=month_end)
        ]

    register_deduction_source(
        "supervision",
        label=_("督查室和人大监督发现的问题"),
        clause="seeds/000 五(一)",
        func=deductions,
    )
