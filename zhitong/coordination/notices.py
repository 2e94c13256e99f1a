"""The kinds of notice the coordination app sends, declared to the message hub (labels,
and which ones nobody may mute: a task assigned to one's unit, an escalation to oneself,
and what seeds/001 says must be given)."""

from django.utils.translation import gettext_lazy as _

from zhitong.notifications.kinds import Section, kind, register_kinds
from zhitong.organizations.choices import Role

_UNIT = (Role.HANDLER, Role.UNIT_HEAD)

NOTICE_KINDS = (
    kind(
        "coordination_task",
        _("交办任务"),
        Section.COORDINATION,
        roles=_UNIT,
        mandatory=True,
        basis=_("seeds/001 四(六)：转有关部门依职能办理"),
    ),
    kind(
        "coordination_task_reported", _("任务办结待确认"), Section.COORDINATION, roles=(Role.HUB, Role.LEADER)
    ),
    kind("coordination_task_rejected", _("任务办结未获确认"), Section.COORDINATION, roles=_UNIT),
    kind(
        "escalation_batch",
        _("提请市领导协调批次"),
        Section.COORDINATION,
        roles=(Role.LEADER,),
        mandatory=True,
        basis=_("seeds/000 二：报市政府分管副市长、市长协调解决"),
    ),
    kind("escalation_returned", _("协调申报被退回"), Section.COORDINATION, roles=_UNIT),
    kind(
        "event_verify",
        _("活动问题待核实"),
        Section.EVENTS,
        roles=_UNIT,
        mandatory=True,
        basis=_("seeds/001 四(二)：联合相关职能部门核实企业问题"),
    ),
    kind("event_review", _("活动问题目录待审核"), Section.EVENTS, roles=(Role.LEADER, Role.HUB)),
    kind("event_approve", _("活动问题清单待审定"), Section.EVENTS, roles=(Role.LEADER,)),
    kind(
        "event_notice",
        _("活动通知"),
        Section.EVENTS,
        roles=(*_UNIT, Role.ENTERPRISE),
        mandatory=True,
        basis=_("seeds/001 四(四)：通知有关部门负责人和企业主要负责人参加活动"),
    ),
    kind("event_document_review", _("处理意见待审核"), Section.EVENTS, roles=(Role.LEADER, Role.HUB)),
    kind("event_document_approve", _("处理意见待审定"), Section.EVENTS, roles=(Role.LEADER,)),
    kind("event_document_returned", _("处理意见退回修改"), Section.EVENTS, roles=(Role.HUB,)),
    kind("event_document_approved", _("处理意见已审定待交办"), Section.EVENTS, roles=(Role.HUB,)),
    kind(
        "event_supervise",
        _("活动交办任务督办"),
        Section.EVENTS,
        roles=(Role.SUPERVISOR,),
        mandatory=True,
        basis=_("seeds/001 四(六)：同时转市政府督查室跟踪督办"),
    ),
    kind(
        "event_rate",
        _("活动诉求评价邀请"),
        Section.EVENTS,
        roles=(Role.ENTERPRISE,),
        mandatory=True,
        basis=_("seeds/001 四(八)：及时提醒企业进行满意度评价"),
    ),
)


def register_notice_kinds() -> None:
    """Called in CoordinationConfig.ready."""
    register_kinds(*NOTICE_KINDS)
