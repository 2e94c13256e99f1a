from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhitong.audit"
    label = "audit"
