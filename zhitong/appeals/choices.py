from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """Appeal states (SPEC "The appeal lifecycle"). Moves between them are declared once,
    in appeals/machine.py."""

    MATERIALS_PENDING = "materials_pending", _("待补正材料")
    SUBMITTED = "submitted", _("待分办")
    ASSIGNED = "assigned", _("待签收")
    TRANSFER_REQUESTED = "transfer_requested", _("退回待改派")
    IN_PROGRESS = "in_progress", _("办理中")
    ESCALATED = "escalated", _("提请市领导协调")
    RESOLVED = "resolved", _("已办结待核验")
    VERIFIED = "verified", _("待企业评价")
    CLOSED = "closed", _("已关闭")
    MERGED = "merged", _("已合并")
    # The enterprise withdrew it with a reason (issue 12); the hub calls back (撤单质检)
    # and reopens it when the withdrawal was not voluntary. Never 办结: not counted as resolved.
    WITHDRAWN = "withdrawn", _("企业已撤回")


OPEN_STATUSES = (
    Status.MATERIALS_PENDING,
    Status.SUBMITTED,
    Status.ASSIGNED,
    Status.TRANSFER_REQUESTED,
    Status.IN_PROGRESS,
    Status.ESCALATED,
    Status.RESOLVED,
    Status.VERIFIED,
)


# seeds/001 四(八) 企业诉求事项办结: resolved by the lead unit AND verified by the hub or the
# supervision office — waiting for the enterprise's rating (verified) or closed after it
# (rated, or not rated in time). Only these are rated: `verify` asks for the rating, the
# clock job reminds only verified appeals. Not "resolved" (the verification may send it
# back), not a merged duplicate (its master is the one handled and rated), not an appeal
# still open under an exemption (不纳入考核 is not 办结).
CONCLUDED_STATUSES = (Status.VERIFIED, Status.CLOSED)


class WithdrawalCheck(models.TextChoices):
    """The hub's call-back after an enterprise withdrew an appeal (撤单质检, issue 12)."""

    NONE = "", _("无")
    PENDING = "pending", _("待回访")
    VOLUNTARY = "voluntary", _("确认自愿撤回")
    PRESSURED = "pressured", _("非自愿撤回，已恢复办理")


class Channel(models.TextChoices):
    WEB = "web", _("网上申报")
    HOTLINE = "hotline", _("12345热线")
    MAYOR_MAILBOX = "mayor_mailbox", _("市长信箱")
    FACE_TO_FACE = "face_to_face", _("面对面活动")
    VISIT = "visit", _("走访调研")
    PHONE = "phone", _("电话")
    BREAKFAST = "breakfast", _("早餐会/晚餐会")
    CHAMBER = "chamber", _("商协会")
    NPC_CPPCC = "npc_cppcc", _("人大代表/政协委员")
    WINDOW = "window", _("部门窗口")
    PLATFORM = "platform", _("政务平台(粤商通等)")
    API = "api", _("系统接口")
    # A problem named in a project's monthly progress report (projects.progress; seeds/003
    # 九(三) 签约项目的推进情况由牵头单位上报): registered by the reporter, linked to the project.
    PROJECT_REPORT = "project_report", _("项目月报")


class Tier(models.TextChoices):
    UNIT = "unit", _("部门层面")
    COUNTY = "county", _("县区层面")
    MUNICIPAL = "municipal", _("市直层面")
    CITY_LEADER = "city_leader", _("市领导协调")
    ABOVE_CITY = "above_city", _("需上级协调")


class Light(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")
    NONE = "none", _("不计时")


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    UNSATISFIED = 2, _("不满意")
    VERY_UNSATISFIED = 1, _("非常不满意")


class CloseReason(models.TextChoices):
    RATED = "rated", _("企业已评价")
    NOT_RATED = "not_rated", _("企业未评价")
    MERGED = "merged", _("合并至其他诉求")


class ExemptionStatus(models.TextChoices):
    NONE = "none", _("无")
    REQUESTED = "requested", pgettext_lazy("status", "申请不纳入考核")
    APPROVED = "approved", _("已批准不纳入考核")
    REJECTED = "rejected", _("不予批准")


class EscalationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申报待审核")
    # A state, where the same words are also a move's button (machines/batches.py "accept").
    ACCEPTED = "accepted", pgettext_lazy("status", "审核通过")
    RETURNED = "returned", pgettext_lazy("status", "退回")
    SENT_TO_LEADER = "sent_to_leader", _("已报送市领导")
    COORDINATED = "coordinated", _("已召开协调会")
    WITHDRAWN = "withdrawn", _("已撤回")
