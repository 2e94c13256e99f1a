from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BatchStatus(models.TextChoices):
    """The monthly escalation batch (seeds/000 二: requests by the 10th, reviewed by the hub,
    reported to the leader in charge)."""

    OPEN = "open", _("收集中")
    UNDER_REVIEW = "under_review", _("审核中")
    SUBMITTED = "submitted", _("已报送市领导")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("拟召开")
    HELD = "held", _("已召开")


class TaskStatus(models.TextChoices):
    """A task given to a unit by a coordination opinion, followed to done: the unit reports
    progress and then completion; the hub or the supervision office confirms it."""

    ASSIGNED = "assigned", _("待办理")
    IN_PROGRESS = "in_progress", _("办理中")
    REPORTED = "reported", _("已报办结待确认")
    DONE = "done", _("已办结")


OPEN_TASK_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)


class TaskReportKind(models.TextChoices):
    """What a report on a task says; the words of some are also a move's button."""

    PROGRESS = "progress", pgettext_lazy("report", "进展")
    DONE = "done", pgettext_lazy("report", "报办结")
    CONFIRM = "confirm", pgettext_lazy("report", "确认办结")
    REJECT = "reject", pgettext_lazy("report", "退回继续办理")


class EventKind(models.TextChoices):
    """seeds/001 二(一) quarterly events; 二(二) the regular (常态化) kinds."""

    QUARTERLY = "quarterly", _("季度面对面活动")
    PHONE = "phone", _("电话沟通")
    BREAKFAST = "breakfast", _("早餐会")
    DINNER = "dinner", _("晚餐会")
    VISIT = "visit", _("走访调研")
    PLATFORM = "platform", _("平台收集(粤商通等)")


class EventLevel(models.TextChoices):
    """seeds/001 二(三): the counties run their own events the same way."""

    CITY = "city", _("市级")
    COUNTY = "county", _("县(区)级")


class EventStatus(models.TextChoices):
    """The workflow of seeds/001 四, one state per step (the step number is in EVENT_STEPS)."""

    COLLECTING = "collecting", _("收集汇总问题")
    VERIFYING = "verifying", _("核实企业问题")
    CATALOG_SUBMITTED = "catalog_submitted", _("目录已报市府办")
    REVIEWED = "reviewed", _("副组长已提出处理建议")
    APPROVED = "approved", _("市领导已审定问题清单")
    NOTIFIED = "notified", _("已印发活动通知")
    HELD = "held", _("活动已召开")
    DOCUMENT_DRAFTED = "document_drafted", _("处理意见已形成待审核")
    DOCUMENT_REVIEWED = "document_reviewed", _("处理意见已审核待审定")
    DOCUMENT_APPROVED = "document_approved", _("处理意见已审定待交办")
    ASSIGNED = "assigned", _("已交办督办中")
    CLOSED = "closed", _("已办结评价")


# seeds/001 四 (一)…(八): which step each state belongs to, for the step bar.
EVENT_STEPS: list[tuple[int, str, tuple[str, ...]]] = [
    (1, _("收集汇总企业困难问题"), (EventStatus.COLLECTING,)),
    (2, _("核实企业问题并报目录"), (EventStatus.VERIFYING, EventStatus.CATALOG_SUBMITTED)),
    (3, _("确定问题目录"), (EventStatus.REVIEWED, EventStatus.APPROVED)),
    (4, _("印发活动通知"), (EventStatus.NOTIFIED,)),
    (5, _("活动组织安排"), (EventStatus.HELD,)),
    (
        6,
        _("意见整理和交办"),
        (EventStatus.DOCUMENT_DRAFTED, EventStatus.DOCUMENT_REVIEWED, EventStatus.DOCUMENT_APPROVED),
    ),
    (7, _("意见办理和督办"), (EventStatus.ASSIGNED,)),
    (8, _("办结和评价"), (EventStatus.CLOSED,)),
]


class EventItemSource(models.TextChoices):
    PICKED = "picked", _("从在办诉求选取")
    REGISTERED = "registered", _("活动新收集")


class Verification(models.TextChoices):
    PENDING = "pending", _("待核实")
    CONFIRMED = "confirmed", _("情况属实")
    NOT_CONFIRMED = "not_confirmed", _("情况不符/已解决")


class NoticeKind(models.TextChoices):
    DEPARTMENT = "department", _("部门负责人")
    ENTERPRISE = "enterprise", _("企业主要负责人")


class CertificationStatus(models.TextChoices):
    """seeds/000 五(二)1: the hub's (市发改委) certification of one unit's coordinated problems
    of one month (认定每个月协调问题的数量)."""

    PENDING = "pending", _("待认定")
    CERTIFIED = "certified", _("已认定")


class FactStanding(models.TextChoices):
    """Where a counting fact stands (derived, never stored): a fact of a county principal's
    meeting counts only with the meeting's minutes or plan filed and after the hub's
    certification of its month (seeds/000 五(二)1); other facts count as evaluated."""

    COUNTED = "counted", _("已计入")
    AWAITING_EVIDENCE = "awaiting_evidence", _("待上传会议纪要/方案")
    AWAITING_CERTIFICATION = "awaiting_certification", _("待市发改委认定")


class CountedAs(models.TextChoices):
    """seeds/000 五(二)2: what one coordination fact counts as in the scorecard."""

    PROJECT_PROBLEM = "project_problem", _("项目问题")
    ENTERPRISE_PROBLEM = "enterprise_problem", _("企业问题")
