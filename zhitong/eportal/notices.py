"""The kinds of notice the enterprise portal sends (the message hub's labels)."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.organizations.choices import Role

NOTICE_KINDS = (
    kind(
        "eportal.contact_pending",
        _("企业联系人待审核"),
        Section.APPEALS,
        roles=(Role.ENTERPRISE, Role.HUB),
        mandatory=True,
        basis=_("新联系人须经企业负责人或平台确认后才能查看企业诉求"),
    ),
    kind("eportal.contact_decided", _("企业联系人审核结果"), Section.APPEALS, roles=(Role.ENTERPRISE,)),
)


def register_notice_kinds() -> None:
    register_kinds(*NOTICE_KINDS)
