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
    """The project's team (seeds/002 1+1+N; seeds/004 枣阳 项目秘书)."""

    CHIEF_SERVICE = "chief_service", "首席服务员"
    BUTLER = "butler", "项目管家"
    SECRETARY = "secretary", "项目秘书"
    AGENT = "agent", "代办员"
    TEAM_UNIT = "team_unit", "服务团队成员单位"
    HELPER_UNIT = "helper_unit", "帮办单位"
    SUPERVISOR_UNIT = "supervisor_unit", "督办单位"
    COOPERATOR_UNIT = "cooperator_unit", "协办单位"


class ProjectMember(TimeStampedModel):
    """A person (`user`) or a unit (`unit`) on the project's team in one role, from
    `since` until `until` (None = still serving)."""

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
    since = models.DateField("起始日期")
    until = models.DateField("结束日期", null=True, blank=True)
    basis = models.TextField("依据", blank=True)

    class Meta:
        verbose_name = "项目服务团队成员"
        verbose_name_plural = "项目服务团队成员"
        ordering = ["project", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(unit__isnull=False),
                name="projectmember_user_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.user or self.unit}"


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


class Milestone(TimeStampedModel):
    """One node of the project's roadmap: planned by reverse scheduling (倒排工期,
    seeds/004 聊城) from the target date in working days, with its agent (代办员,
    seeds/002 代办帮办) and its actual date."""

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

    class Meta:
        verbose_name = "推进路径节点"
        verbose_name_plural = "推进路径节点"
        ordering = ["project", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="milestone_unique_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.name}"


# Dispatch sessions, admission consultations and quarterly inspections (dispatch/models.py),
# registered with this app's models and migrations.
from .dispatch.models import (  # noqa: E402, F401
    AdmissionConsultation,
    DispatchEntry,
    DispatchSession,
    InspectionDraw,
    InspectionItem,
)
