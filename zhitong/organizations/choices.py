from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY_GOVERNMENT = "city_gov", _("市政府")
    DEPARTMENT = "department", _("市直部门")
    COUNTY = "county", _("县市区")
    PARK = "park", _("园区/高新区")
    ASSOCIATION = "association", _("工商联/商协会")
    SUPERVISION = "supervision", _("督查室")
    CONGRESS = "congress", _("人大")
    SECTION = "section", _("科室")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    """The roles of SPEC.md "Users and roles". One account, one role; a person who
    plays two roles (rare) gets two accounts, so every action is attributable to the
    capacity in which it was taken."""

    ENTERPRISE = "enterprise", _("企业用户")
    CLERK = "clerk", _("受理登记员")
    HANDLER = "handler", _("承办人")
    UNIT_HEAD = "unit_head", _("单位负责人")
    HUB = "hub", _("统筹协调专员")
    LEADER = "leader", _("市领导")
    SUPERVISOR = "supervisor", _("督查人员")
    OVERSEER = "overseer", _("人大监督")
    ADMIN = "admin", _("系统管理员")
    # 三员分立 (GB/T 22239-2019 8.1.4.2 访问控制 c/d: 授予管理用户所需的最小权限，实现管理用户的
    # 权限分离): the security administrator assigns roles and resets second factors; the audit
    # administrator reads and exports the audit log and nothing else. `admin` stays the system
    # administrator.
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


class LeaderLevel(models.TextChoices):
    COUNTY_PRINCIPAL = "county_principal", _("县区主要领导")
    VICE_MAYOR = "vice_mayor", _("副市长")
    EXECUTIVE_VICE_MAYOR = "exec_vice_mayor", _("常务副市长")
    MAYOR = "mayor", _("市长")
