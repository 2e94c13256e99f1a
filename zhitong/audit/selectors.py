from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhitong.core.errors import Forbidden
from zhitong.core.scope import filter_given
from zhitong.organizations.capabilities import can_read_audit

from .models import AuditEvent

__all__ = ["SIGNIN_REFUSALS", "audit_events_for_user", "can_read_audit", "signin_refusals_q"]

# Sign-in refusals (organizations/signin_throttle.py): nobody is locked out for good, but the
# administrator sees when someone is guessing — the admin home's figure and its list.
SIGNIN_REFUSALS = "signin_refusals"
SIGNIN_REFUSAL_ACTIONS = ("auth.login_throttled", "auth.signin_flood", "auth.account_under_attack")
SIGNIN_REFUSAL_HOURS = 24


def signin_refusals_q(now: datetime) -> Q:
    """Sign-in refusals of the last 24 hours."""
    return Q(at__gte=now - timedelta(hours=SIGNIN_REFUSAL_HOURS), action__in=SIGNIN_REFUSAL_ACTIONS)


def audit_events_for_user(
    *,
    user,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str = "",
    kind: str = "",
    now: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The log for the system administrator and the supervision office (督查室), newest first.
    Filters are exact on the object, a prefix on the action (`appeal.` = every appeal
    action) and the sign-in name for the actor; `kind` SIGNIN_REFUSALS: the last 24 hours'
    sign-in refusals."""
    if not can_read_audit(user):
        raise Forbidden("仅系统管理员和督查人员可查看审计日志。")
    qs = AuditEvent.objects.select_related("actor_unit").order_by("-id")
    if kind == SIGNIN_REFUSALS:
        qs = qs.filter(signin_refusals_q(now or timezone.now()))
    return filter_given(
        qs,
        object_type=object_type,
        object_id=object_id,
        actor_name=actor,
        action__startswith=action,
    )
