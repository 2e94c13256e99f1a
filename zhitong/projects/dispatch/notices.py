"""The kinds of notice the projects' dispatch part sends, declared to the message hub."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.organizations.choices import Role

from .digest import NOTICE_KIND

NOTICE_KINDS = (
    kind(
        NOTICE_KIND,
        _("市领导联系重点项目月报"),
        Section.COORDINATION,
        roles=(Role.LEADER,),
        mandatory=True,
        basis=_("seeds/004 江山：每月初将重点项目推进情况分别发送到挂联市领导"),
    ),
)


def register_notice_kinds() -> None:
    """Called in ProjectsConfig.ready."""
    register_kinds(*NOTICE_KINDS)
