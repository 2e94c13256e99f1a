"""The records of dispatch, consultation and inspection (see the package's docstring)."""

from django.conf import settings
from django.db import models

from zhitong.core.models import TimeStampedModel


class DispatchLevel(models.TextChoices):
    """seeds/002: 市旗两级分别实行政企沟通“季调度”和“月调度”机制."""

    CITY = "city", "市级季调度"
    COUNTY = "county", "县级月调度"


class DispatchSession(TimeStampedModel):
    """One dispatch session (调度会): the city's quarterly one, convened by a city leader, or
    a county's (or park's) monthly one. `period_start` is the first day of the quarter
    (city) or month (county) the session belongs to, derived from the day it was held; the
    coverage check reads it (index)."""

    level = models.CharField("调度层级", max_length=10, choices=DispatchLevel.choices)
    held_on = models.DateField("调度日期")
    period_start = models.DateField("所属期间")
    title = models.CharField("会议名称", max_length=200)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主持领导",
        on_delete=models.PROTECT,
        related_name="convened_dispatch_sessions",
    )
    county = models.ForeignKey(
        "organizations.Unit",
        verbose_name="县(市)区/园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_sessions",
        help_text="县级月调度所属的县(市)区或园区",
    )
    place = models.CharField("地点", max_length=200, blank=True)
    summary = models.TextField("总体情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "项目调度会"
        verbose_name_plural = "项目调度会"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["level", "period_start"], name="dispatch_level_period")]

    def __str__(self) -> str:
        return self.title


class DispatchEntry(TimeStampedModel):
    """One project dispatched at a session and what was decided for it."""

    session = models.ForeignKey(DispatchSession, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="dispatch_entries"
    )
    progress = models.TextField("项目进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    decisions = models.TextField("调度意见")
    responsible_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("完成时限", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "调度项目"
        verbose_name_plural = "调度项目"
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "project"], name="dispatch_entry_unique_project")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.project_id}"


class ConsultationConclusion(models.TextChoices):
    AGREE = "agree", "同意"
    DEFER = "defer", "暂缓"
    REJECT = "reject", "不同意"


class AdmissionConsultation(TimeStampedModel):
    """准入落地会商 (seeds/002): before a key project is signed, the units concerned judge
    whether it fits the city's development plan, the park's industrial positioning and the
    industrial policy; only a consultation concluded 同意 lets the project be signed."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="admission_consultations",
    )
    held_on = models.DateField("会商日期")
    participants = models.TextField("参加会商单位")
    fits_city_plan = models.BooleanField("符合城市发展规划", default=False)
    fits_park_positioning = models.BooleanField("符合园区产业定位", default=False)
    fits_industry_policy = models.BooleanField("符合产业政策", default=False)
    conclusion = models.CharField("会商结论", max_length=10, choices=ConsultationConclusion.choices)
    opinion = models.TextField("会商意见")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "准入落地会商"
        verbose_name_plural = "准入落地会商"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.held_on} {self.get_conclusion_display()}"


class InspectionDraw(TimeStampedModel):
    """The quarter's random draw of 10% of the signed projects (seeds/003 九(四)): the seed,
    the population (the eligible projects' codes, sorted) and the codes drawn, in the order
    drawn, are stored as they were, so anyone can run the draw again (draw.py)."""

    quarter = models.DateField("抽查季度", unique=True, help_text="季度第一天")
    seed = models.CharField("随机种子", max_length=100)
    seed_source = models.CharField("种子来源", max_length=200)
    population = models.JSONField("抽取范围（项目编码，升序）", default=list)
    sample_size = models.PositiveIntegerField("抽取数量")
    drawn = models.JSONField("抽中的项目编码（按抽取顺序）", default=list)
    python_version = models.CharField("Python 版本", max_length=20)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间")

    class Meta:
        verbose_name = "签约项目季度抽查"
        verbose_name_plural = "签约项目季度抽查"
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return f"{self.quarter.year}年第{'一二三四'[(self.quarter.month - 1) // 3]}季度"


class InspectionResult(models.TextChoices):
    NORMAL = "normal", "推进正常"
    ISSUES = "issues", "存在问题"


class InspectionItem(TimeStampedModel):
    """One drawn project and its inspection (seeds/003 九(四): 查看施工经营现场、查验各项
    手续的办理批文). The finding fields stay empty until the inspection is recorded."""

    draw = models.ForeignKey(InspectionDraw, on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="inspection_items"
    )
    position = models.PositiveSmallIntegerField("抽取顺序")
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    site_checked = models.BooleanField("已查看施工经营现场", default=False)
    permits_checked = models.BooleanField("已查验手续批文", default=False)
    result = models.CharField("检查结论", max_length=10, choices=InspectionResult.choices, blank=True)
    finding = models.TextField("检查情况", blank=True)
    rectification = models.TextField("整改要求", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查项目"
        verbose_name_plural = "抽查项目"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "project"], name="inspection_item_unique_project")
        ]

    def __str__(self) -> str:
        return f"{self.draw} {self.project_id}"
