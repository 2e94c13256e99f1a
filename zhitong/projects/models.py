"""Major projects, followed from reserve to operation with one leader, one lead unit, one
team and one roadmap (issue 10; seeds/002 项目管家 and 1+1+N, seeds/003 一、二、八、九,
seeds/004).

This module holds the records every part of the domain shares:

- `Project`: the project library's row (seeds/003 八 在谈项目信息库, shared across units),
  its stage (moved only through `projects.machines.STAGE`, with a dated history in
  `ProjectStageChange`), its lead unit (computed by the rules of seeds/003 二 with the
  explanation stored, or overridden with a reason) and the facts those rules read;
- `ProjectMember`: the people and units of the project's team (1+1+N, seeds/002);
- `Milestone`: the roadmap (推进路径图), planned by reverse scheduling in working days.

Progress reports, dispatch sessions, inspections and digests keep their own models in this
app, next to the parts that use them.
"""

from django.conf import settings
from django.db import models

from zhitong.core.models import TimeStampedModel


class ProjectStage(models.TextChoices):
    RESERVE = "reserve", "储备"
    NEGOTIATION = "negotiation", "洽谈"
    SIGNED = "signed", "签约"
    APPROVAL = "approval", "审批"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产运营"


# The order of the stages, for "at or after signing" rules and the board.
STAGE_ORDER = {value: i for i, value in enumerate(ProjectStage.values)}


class ProjectLevel(models.TextChoices):
    CITY_MAJOR = "city_major", "市重大项目"
    KEY = "key", "市重点项目"
    COUNTY = "county", "县级重点项目"


class ProjectCategory(models.TextChoices):
    INDUSTRY = "industry", "工业"
    SERVICE = "service", "现代服务业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    AGRICULTURE = "agriculture", "农业"
    SOCIAL = "social", "社会民生"
    OTHER = "other", "其他"


class ApprovalAuthority(models.TextChoices):
    """Where the project's approvals are decided: it sets who helps (帮办), supervises
    (督办) and cooperates (协办), seeds/003 二(二)4."""

    COUNTY = "county", "县(市)区、园区"
    CITY = "city", "市级"
    ABOVE_CITY = "above_city", "市级以上"


class Project(TimeStampedModel):
    """A major project (SPEC "Project"): one row of the shared project library."""

    code = models.CharField("项目编码", max_length=32, unique=True)
    name = models.CharField("项目名称", max_length=200, db_index=True)
    owner = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="业主企业", on_delete=models.PROTECT, related_name="projects"
    )
    category = models.CharField(
        "项目类别", max_length=20, choices=ProjectCategory.choices, default=ProjectCategory.INDUSTRY
    )
    industry = models.CharField("所属行业", max_length=60, blank=True)
    level = models.CharField(
        "项目层级", max_length=20, choices=ProjectLevel.choices, default=ProjectLevel.KEY
    )
    stage = models.CharField(
        "所处阶段", max_length=20, choices=ProjectStage.choices, default=ProjectStage.RESERVE
    )
    stage_since = models.DateField("进入本阶段日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    location = models.ForeignKey(
        "organizations.Unit",
        verbose_name="落地县区/园区",
        on_delete=models.PROTECT,
        related_name="located_projects",
    )
    address = models.CharField("建设地点", max_length=200, blank=True)

    # -- the facts the lead-unit rules of seeds/003 二 read ---------------------------------
    first_contact_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="首谈单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_contact_projects",
    )
    introducing_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="引进单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introduced_projects",
    )
    designated_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="市政府指定牵头部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designated_projects",
        help_text="市招商局引进的项目签约后，由市政府按行业对口指定（seeds/003 二(二)3）",
    )
    industry_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="行业主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="industry_projects",
    )
    approval_authority = models.CharField(
        "审批权限", max_length=20, choices=ApprovalAuthority.choices, default=ApprovalAuthority.CITY
    )

    # -- one lead unit at a time, with the explanation of why -------------------------------
    lead_unit = models.ForeignKey(
        "organizations.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_projects"
    )
    lead_basis = models.TextField("牵头单位确定依据", blank=True)
    lead_override_reason = models.TextField("人工调整牵头单位的理由", blank=True)

    # -- people (seeds/003 一: a city leader for each city major project) -------------------
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包挂领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )

    # -- size and plan ------------------------------------------------------------------------
    total_investment = models.DecimalField("总投资(万元)", max_digits=14, decimal_places=2, default=0)
    annual_investment = models.DecimalField("年度计划投资(万元)", max_digits=14, decimal_places=2, default=0)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    summary = models.TextField("建设内容及规模", blank=True)

    # -- fast tracks (seeds/004 绿色通道) -----------------------------------------------------
    green_channel = models.BooleanField("绿色通道", default=False)
    green_channel_note = models.CharField("绿色通道依据", max_length=200, blank=True)

    # -- the public progress board (挂牌展示) shows only projects marked public ------------
    public = models.BooleanField("可公开展示", default=False)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["code"]
        indexes = [models.Index(fields=["stage", "level"], name="project_stage_level")]

    def __str__(self) -> str:
        return self.name


class ProjectStageChange(models.Model):
    """One dated move of a project's stage (储备 → … → 投产运营): written by the stage
    machine's history hook. `on` is the day the stage was reached (e.g. the signing day),
    which may be earlier than the day it was recorded (`at`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    action = models.CharField(max_length=40)
    from_stage = models.CharField("原阶段", max_length=20, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=ProjectStage.choices)
    on = models.DateField("发生日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("登记时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "项目阶段变更"
        verbose_name_plural = "项目阶段变更"
        ordering = ["project", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_stage}→{self.to_stage} {self.on}"


class MemberRole(models.TextChoices):
    """The project's team (seeds/002 1+1+N; seeds/003 一、二; seeds/004 枣阳 首席服务人、项目秘书).

    People: the responsible leader (包挂领导, seeds/003 一), the chief service person and the
    project secretary (seeds/004 枣阳), the butler and the enterprise's contact (the "1+1" of
    seeds/002), the agents of the roadmap (代办员, seeds/002 代办帮办) and the vice mayor a
    major project was escalated to (seeds/003 二(二)5). Units: the lead unit (one at a time,
    mirrored from `Project.lead_unit` for its dated history), the units that help, supervise
    and cooperate by the approval authority (seeds/003 二(二)4) and the team's other units
    (the "N" of seeds/002; the 配合 units of seeds/003 二)."""

    LEADER = "leader", "包挂领导"
    CHIEF_SERVICE = "chief_service", "首席服务员"
    BUTLER = "butler", "项目管家"
    SECRETARY = "secretary", "项目秘书"
    ENTERPRISE_CONTACT = "enterprise_contact", "企业联系人"
    AGENT = "agent", "代办员"
    LEADER_SUPERVISOR = "leader_supervisor", "分管市领导督办"
    LEAD_UNIT = "lead_unit", "牵头单位"
    TEAM_UNIT = "team_unit", "服务团队成员单位"
    HELPER_UNIT = "helper_unit", "帮办单位"
    SUPERVISOR_UNIT = "supervisor_unit", "督办单位"
    COOPERATOR_UNIT = "cooperator_unit", "协办单位"


# Roles held by one member at a time (a partial unique index: one row without `until`).
SINGLE_ROLES = (
    MemberRole.LEADER,
    MemberRole.CHIEF_SERVICE,
    MemberRole.BUTLER,
    MemberRole.SECRETARY,
    MemberRole.ENTERPRISE_CONTACT,
    MemberRole.LEADER_SUPERVISOR,
    MemberRole.LEAD_UNIT,
)


class ProjectMember(TimeStampedModel):
    """A person (`user`), a unit (`unit`) or the enterprise's contact (`contact`) on the
    project's team in one role, from `since` until `until` (None = still serving; a row
    once ended is kept as history). `by_rule` rows are kept by the lead-unit rules
    (projects/lead.py, seeds/003 二) and change with the stage and the project's facts;
    the others are assigned, replaced and ended by people (services/team.py)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("角色", max_length=20, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    contact = models.ForeignKey(
        "enterprises.Contact",
        verbose_name="企业联系人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    since = models.DateField("起始日期")
    until = models.DateField("结束日期", null=True, blank=True)
    basis = models.TextField("依据", blank=True)
    by_rule = models.BooleanField("按牵头单位规则确定", default=False)

    class Meta:
        verbose_name = "项目服务团队成员"
        verbose_name_plural = "项目服务团队成员"
        ordering = ["project", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False)
                | models.Q(unit__isnull=False)
                | models.Q(contact__isnull=False),
                name="projectmember_user_unit_or_contact",
            ),
            # One lead unit, one leader, one butler … at a time (seeds/003 二: 一个项目只对应一个牵头单位).
            models.UniqueConstraint(
                fields=["project", "role"],
                condition=models.Q(until__isnull=True, role__in=SINGLE_ROLES),
                name="projectmember_one_current_per_single_role",
            ),
        ]
        indexes = [
            # The data scope's "projects whose team this unit / this person is on".
            models.Index(fields=["unit", "until"], name="projectmember_unit_until"),
            models.Index(fields=["user", "until"], name="projectmember_user_until"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.user or self.unit or self.contact}"


class MilestoneKind(models.TextChoices):
    """The standard approval milestones of the roadmap (推进路径图), in their usual order;
    `custom` for any other."""

    PROJECT_APPROVAL = "project_approval", "立项"
    SITE_SELECTION = "site_selection", "选址"
    LAND = "land", "用地"
    PLANNING = "planning", "规划"
    DESIGN_REVIEW = "design_review", "方案审查"
    CONSTRUCTION_DRAWINGS = "construction_drawings", "施工图"
    QUALITY_SAFETY = "quality_safety", "质量安全监督"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可"
    COMPLETION_ACCEPTANCE = "completion_acceptance", "竣工验收"
    CUSTOM = "custom", "自定义节点"


class MilestoneStatus(models.TextChoices):
    """A roadmap node's state (`projects.roadmap.machine.MILESTONE`)."""

    OPEN = "open", "未完成"
    DONE = "done", "已完成"


class PlanRule(models.TextChoices):
    """How a node's planned dates are counted from its stored inputs (`plan_anchor`,
    `plan_offset`, `workdays`; projects/roadmap/rules.py), so that a calendar change
    re-times it by the same rule."""

    REVERSE = "reverse", "倒排"  # back from the target date (倒排工期, seeds/004 聊城)
    FORWARD = "forward", "顺排"  # on from the start date
    FIXED = "fixed", "指定完成日期"  # a due date set by hand on the node


class Milestone(TimeStampedModel):
    """One node of the project's roadmap: planned by reverse scheduling (倒排工期,
    seeds/004 聊城) from the target date in working days, with its agent (代办员,
    seeds/002 代办帮办) and its actual date.

    The planned dates are stored (indexed: the clock job and the lights are range
    queries) and registered with the calendar (projects/roadmap/retiming.py); they are
    recomputed from `plan_rule`, `plan_anchor`, `plan_offset` and `workdays`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("节点", max_length=30, choices=MilestoneKind.choices)
    name = models.CharField("节点名称", max_length=100)
    sequence = models.PositiveSmallIntegerField("顺序")
    workdays = models.PositiveSmallIntegerField("办理时限(工作日)", default=0)
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_due = models.DateField("计划完成")
    planned_provisional = models.BooleanField("按预测日历计算", default=False)
    actual_on = models.DateField("实际完成", null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代办员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_milestones",
    )
    responsible_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_milestones",
    )
    note = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    standard_workdays = models.PositiveSmallIntegerField(
        "标准办理时限(工作日)", null=True, blank=True, help_text="绿色通道压缩前的时限"
    )
    plan_rule = models.CharField("计划方式", max_length=10, choices=PlanRule.choices, default=PlanRule.FIXED)
    plan_anchor = models.DateField("计划基准日", null=True, blank=True)
    plan_offset = models.PositiveIntegerField("距基准日(工作日)", default=0)
    # Two working days before planned_due (projects/roadmap/rules.py YELLOW_WORKDAYS).
    yellow_from = models.DateField("临期起始日", null=True, blank=True)

    class Meta:
        verbose_name = "推进路径节点"
        verbose_name_plural = "推进路径节点"
        ordering = ["project", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="milestone_unique_sequence"),
        ]
        indexes = [
            # The clock job and the lights: open nodes by due date / yellow-from date.
            models.Index(fields=["status", "planned_due"], name="milestone_status_due"),
            models.Index(fields=["status", "yellow_from"], name="milestone_status_yellow"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.name}"


# -- progress: monthly reports, the secretaries' daily reports, agreement commitments ------
# (the progress part of issue 10; the rules are in docs/projects.md "月度进展" and
# zhitong/projects/progress/)


class ProgressReport(TimeStampedModel):
    """One month's progress report of a project (项目月度进展报告): one per project and month,
    filed by the project secretary or the lead unit (seeds/003 九(二)(三): 由服务项目的牵头单位
    上报，每月通报一次; seeds/004 枣阳 项目秘书). Investment in 万元. The year-to-date
    investment is the sum of the year's reports up to this month (progress.ytd_investment),
    never typed twice. `annual_plan` is the project's 年度计划投资 the report was filed
    against (copied from the project on every save), so an earlier month keeps its plan
    when the plan is adjusted later. Each problem becomes an appeal (`ReportProblem`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    month = models.DateField("月份")  # the first day of the month
    month_investment = models.DecimalField("本月完成投资(万元)", max_digits=14, decimal_places=2, default=0)
    annual_plan = models.DecimalField("年度计划投资(万元)", max_digits=14, decimal_places=2, default=0)
    image_progress = models.TextField("形象进度")
    workers = models.PositiveIntegerField("用工人数", default=0)
    machinery = models.PositiveIntegerField("机械台套", default=0)
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "项目月度进展报告"
        verbose_name_plural = "项目月度进展报告"
        ordering = ["project", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="progressreport_one_per_month"),
        ]
        # The summaries read a year of reports of many projects at once.
        indexes = [models.Index(fields=["month", "project"], name="progressreport_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class ReportProblem(models.Model):
    """A problem named in a monthly report. It is registered as an appeal of the project
    (channel 项目月报) through the appeals app's intake, via the hook in
    `progress.problems`; `appeal_id`/`appeal_code` point to it (projects sits below appeals,
    so no foreign key)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="problems")
    text = models.TextField("问题")
    appeal_id = models.BigIntegerField("诉求ID", null=True, blank=True, db_index=True)
    appeal_code = models.CharField("诉求编号", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "月报反映的问题"
        verbose_name_plural = "月报反映的问题"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def report_photo_upload_to(instance, filename: str) -> str:
    # The stored name is the content hash, never the user's file name.
    return f"projects/progress/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class ReportPhoto(models.Model):
    """A photo of the image progress (形象进度照片): JPEG or PNG by content, size-limited
    (settings.ZHITONG_PROGRESS_PHOTO_MAX_BYTES), served only to those who see the project."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=report_photo_upload_to, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)  # jpg, png
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "形象进度照片"
        verbose_name_plural = "形象进度照片"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name


class DailyReport(TimeStampedModel):
    """The project secretary's daily report (项目秘书日报, seeds/004 枣阳: 项目秘书每天必须将
    服务情况、工地工人数、出动机械数报"帮你办"): one per project and day."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="daily_reports")
    day = models.DateField("日期")
    service = models.TextField("服务情况")
    workers = models.PositiveIntegerField("工地工人数", default=0)
    machinery = models.PositiveIntegerField("出动机械数", default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "项目秘书日报"
        verbose_name_plural = "项目秘书日报"
        ordering = ["project", "-day"]
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="dailyreport_one_per_day")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day}"


class CommitmentParty(models.TextChoices):
    """Who promised: the enterprise (投资协议: investment, start, output — seeds/004 枣阳 定期
    清理投资协议和履约情况，防止围而不动、圈而不建) or the government side (招商政策承诺、
    审批手续、要素保障 — seeds/002 政府招商政策承诺100%兑现，限期办理销号)."""

    ENTERPRISE = "enterprise", "企业承诺"
    GOVERNMENT = "government", "政府承诺"


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", "待履约"
    FULFILLED = "fulfilled", "已履约"
    CANCELLED = "cancelled", "已撤销"


class Commitment(TimeStampedModel):
    """One commitment of a project's agreement (履约承诺), with its due date and its
    fulfilment records (`CommitmentRecord`, written by the table
    `progress.commitment_machine.COMMITMENT`). Overdue = still pending after `due_on`:
    read from the date, never marked by hand. `due_on` is the agreement's own date, not a
    count of working days, so it is not registered with the calendar."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="commitments")
    party = models.CharField("承诺方", max_length=20, choices=CommitmentParty.choices)
    content = models.TextField("承诺内容")
    basis = models.CharField("依据(协议条款)", max_length=200, blank=True)
    due_on = models.DateField("承诺期限")
    responsible_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_commitments",
    )
    status = models.CharField(
        "状态", max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    fulfilled_on = models.DateField("履约日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "履约承诺"
        verbose_name_plural = "履约承诺"
        ordering = ["project", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="commitment_status_due")]

    def __str__(self) -> str:
        return self.content[:40]


class CommitmentRecord(models.Model):
    """A fulfilment record of a commitment (履约记录): progress noted, fulfilment confirmed,
    a correction or a cancellation — the history of the commitment table, dated by `on`
    (the day it happened) and `at` (when it was recorded)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="records")
    action = models.CharField(max_length=40)
    from_status = models.CharField("原状态", max_length=20, choices=CommitmentStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=CommitmentStatus.choices)
    on = models.DateField("日期")
    note = models.TextField("情况说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "履约记录"
        verbose_name_plural = "履约记录"
        ordering = ["commitment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.action} {self.on}"


# Dispatch sessions, admission consultations and quarterly inspections (dispatch/models.py),
# registered with this app's models and migrations.
from .dispatch.models import (  # noqa: E402, F401
    AdmissionConsultation,
    DispatchEntry,
    DispatchSession,
    InspectionDraw,
    InspectionItem,
)
