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
    OPERATING = "operating", "投产"


class ProjectLevel(models.TextChoices):
    CITY_MAJOR = "city_major", "市重大项目"
    KEY = "key", "市重点项目"
    COUNTY = "county", "县级项目"


class Project(TimeStampedModel):
    """A major project, followed from reserve to operation (SPEC "Project"). This is the
    core record appeals and meetings refer to; the roadmap, stage history and progress
    reports arrive with the projects issue."""

    code = models.CharField("项目编码", max_length=32, unique=True)
    name = models.CharField("项目名称", max_length=200, db_index=True)
    owner = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="业主企业", on_delete=models.PROTECT, related_name="projects"
    )
    level = models.CharField(
        "项目层级", max_length=20, choices=ProjectLevel.choices, default=ProjectLevel.KEY
    )
    stage = models.CharField(
        "所处阶段", max_length=20, choices=ProjectStage.choices, default=ProjectStage.RESERVE
    )
    location = models.ForeignKey(
        "organizations.Unit",
        verbose_name="落地县区/园区",
        on_delete=models.PROTECT,
        related_name="located_projects",
    )
    lead_unit = models.ForeignKey(
        "organizations.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_projects"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包挂领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    total_investment = models.DecimalField("总投资(万元)", max_digits=14, decimal_places=2, default=0)
    annual_investment = models.DecimalField("年度计划投资(万元)", max_digits=14, decimal_places=2, default=0)
    summary = models.TextField("基本情况", blank=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
