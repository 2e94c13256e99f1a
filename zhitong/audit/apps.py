from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhitong.audit"
    label = "audit"
    verbose_name = "审计日志"
