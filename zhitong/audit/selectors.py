from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhitong.core.errors import Forbidden
from zhitong.organizations.capabilities import can_read_audit

from . import catalog, kinds
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
    person: str = "",
    unit=None,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str = "",
    now: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The log, newest first, for the system administrator and the supervision office (督查室),
    who read all of it (SPEC roles: supervisor, admin); anyone else gets Forbidden.

    Filters, each applied when given: `person` — part of the actor's name, or their sign-in
    name; `unit` — events by people of that unit or of its sub-units (as the unit was when
    they acted); `object_type` and `object_id` — the object by id, or by the code people know
    it by (an appeal's ZT-2026-000123, kinds.Kind.code_field); `action` — one action, or a
    whole group by its prefix ("appeal."); `date_from`/`date_to` — local dates, inclusive;
    `kind` SIGNIN_REFUSALS — the last 24 hours' sign-in refusals (the admin home's figure)."""
    if not can_read_audit(user):
        raise Forbidden("仅系统管理员和督查人员可查看审计日志。")
    qs = AuditEvent.objects.select_related("actor", "actor__enterprise", "actor_unit").order_by("-id")
    if kind == SIGNIN_REFUSALS:
        qs = qs.filter(signin_refusals_q(now or timezone.now()))
    if person:
        qs = qs.filter(Q(actor__full_name__icontains=person) | Q(actor_name__iexact=person))
    if unit is not None:
        from zhitong.organizations.models import Unit

        qs = qs.filter(actor_unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(_object_q(object_type, object_id))
    if action:
        qs = qs.filter(action__startswith=action) if catalog.is_prefix(action) else qs.filter(action=action)
    if date_from:
        qs = qs.filter(at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(at__lt=_local_midnight(date_to + timedelta(days=1)))
    return qs


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _object_q(object_type: str, ref: str) -> Q:
    """The events of the object `ref` names: by its id, or by its code (one query per type
    that has a code, only when this filter is used)."""
    q = Q(object_id=ref)
    for key, kind in kinds.object_kinds().items():
        if not kind.code_field or (object_type and key != object_type):
            continue
        model = kinds.model(kind.model)
        rows = model._default_manager.filter(**{f"{kind.code_field}__iexact": ref})
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)[:20]]
        if ids:
            q |= Q(object_type=key, object_id__in=ids)
    return q
