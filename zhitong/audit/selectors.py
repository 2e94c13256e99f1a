from django.db.models import QuerySet

from zhitong.core.errors import Forbidden
from zhitong.core.scope import filter_given
from zhitong.organizations.capabilities import can_read_audit

from .models import AuditEvent

__all__ = ["audit_events_for_user", "can_read_audit"]


def audit_events_for_user(
    *, user, object_type: str = "", object_id: str = "", actor: str = "", action: str = ""
) -> QuerySet[AuditEvent]:
    """The log for the system administrator and the supervision office (督查室), newest first.
    Filters are exact on the object, a prefix on the action (`appeal.` = every appeal
    action) and the sign-in name for the actor."""
    if not can_read_audit(user):
        raise Forbidden("仅系统管理员和督查人员可查看审计日志。")
    return filter_given(
        AuditEvent.objects.select_related("actor_unit").order_by("-id"),
        object_type=object_type,
        object_id=object_id,
        actor_name=actor,
        action__startswith=action,
    )
