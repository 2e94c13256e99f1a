"""System check: the audit log is kept at least six months (GB/T 22239-2019 8.1.4.3 c)."""

from django.conf import settings
from django.core.checks import Error, register

MIN_RETENTION_DAYS = 183


@register()
def audit_retention_check(app_configs=None, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"ZHITONG_AUDIT_RETENTION_DAYS is {days!r}: audit records must be kept at least "
                f"{MIN_RETENTION_DAYS} days (six months, GB/T 22239-2019 8.1.4.3 c)",
                id="zhitong.audit.E001",
            )
        ]
    return []
