"""The notice kinds this app sends (the message hub's labels)."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds

WARNING = "assessment.warning"
CLOSED = "assessment.month_closed"


def register_notice_kinds() -> None:
    register_kinds(
        kind(
            WARNING,
            _("考核预警"),
            Section.OTHER,
            mandatory=True,
            basis=_(
                "seeds/004：连续两次、三次、四次排名倒数第一且未完成当期目标任务的，分别黄色预警、红色预警（约谈）、提出组织处理建议"
            ),
        ),
        kind(CLOSED, _("月度成绩单已公布"), Section.OTHER),
    )
