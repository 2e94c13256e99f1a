"""The notice kinds this app sends (the message hub's labels and preferences)."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.organizations.choices import Role

ANNEX1_FORWARDED = "reports_annex1_forwarded"  # to the hub (市发改委): last month's ledgers
ANNEX1_COPIED = "reports_annex1_copied"  # to each unit head: your ledger was forwarded
MAILBOX_SUMMARY = "reports_mailbox_summary"  # to the principal leaders, each working day


def register_notice_kinds() -> None:
    register_kinds(
        kind(
            ANNEX1_FORWARDED,
            _("“一企一议”问题台账月末抄送"),
            Section.COORDINATION,
            mandatory=True,
            roles=[Role.HUB],
            basis=_("seeds/000 二：每月底梳理汇总问题协调解决情况并抄送市发改委"),
        ),
        kind(
            ANNEX1_COPIED,
            _("本单位问题台账已抄送市发改委"),
            Section.COORDINATION,
            roles=[Role.UNIT_HEAD],
        ),
        kind(
            MAILBOX_SUMMARY,
            _("市长信箱每日汇总"),
            Section.APPEALS,
            mandatory=True,
            roles=[Role.LEADER],
            basis=_("seeds/003 七：“市长信箱”负责将企业诉求、办理情况及反馈意见每天汇总上报至市政府主要领导"),
        ),
    )
