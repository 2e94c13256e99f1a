from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who a scoring scheme ranks: the counties and parks (seeds/000 五(一)) or the city's
    departments (SPEC "Monthly scorecards rank counties/parks and departments")."""

    COUNTIES = "counties", _("县(市)区、园区")
    DEPARTMENTS = "departments", _("市直部门")


class MonthStatus(models.TextChoices):
    OPEN = "open", _("未结账")
    CLOSED = "closed", _("已结账公布")


class Warning(models.TextChoices):
    """seeds/004 (毕节): ranked last and below target in 2, 3, 4 consecutive periods."""

    NONE = "", _("无")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警（约谈）")
    ORGANISATIONAL = "organisational", _("提出组织处理建议")
