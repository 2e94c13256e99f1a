"""The kinds of notice the supervision app sends, declared to the message hub."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.organizations.choices import Role

_UNIT = (Role.HANDLER, Role.UNIT_HEAD)

NOTICE_KINDS = (
    kind(
        "rectification_order",
        _("督促整改通知"),
        Section.OTHER,
        roles=_UNIT,
        mandatory=True,
        basis=_("seeds/000 三：对工作不到位、未及时协调或报送企业困难问题的行为，予以督促整改"),
    ),
    kind("rectification_reported", _("整改情况待核验"), Section.OTHER, roles=(Role.SUPERVISOR,)),
    kind("rectification_closed", _("督促整改核验结果"), Section.OTHER, roles=_UNIT),
    kind(
        "congress_forwarding",
        _("每月转报市人大常委会"),
        Section.OTHER,
        roles=(Role.OVERSEER,),
        mandatory=True,
        basis=_("seeds/000 三：由市发改委转报市人大常委会"),
    ),
)


def register_notice_kinds() -> None:
    register_kinds(*NOTICE_KINDS)
