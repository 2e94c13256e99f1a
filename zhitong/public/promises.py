"""The government-commitment ledger (政府承诺台账, seeds/002): writes, reads in scope, the
light, and the calendar registration of deadlines counted in working days."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhitong.appeals.deadlines import YELLOW_WORKDAYS, light_for
from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, Forbidden, ServiceError
from zhitong.organizations.capabilities import is_enterprise_user, is_hub, is_unit_staff
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import user_scope_unit_ids

from .choices import OPEN_PROMISE_STATUSES, PromiseKind, PromiseStatus
from .machine import PROMISE
from .models import GovernmentPromise

LIGHTS = ("red", "yellow", "green")


# -- deadlines -----------------------------------------------------------------------------------


def _workdays():
    from zhitong.workdays import services as workdays

    return workdays


def set_due(promise: GovernmentPromise) -> None:
    """due_on from the working days when it is counted in them (else the date as given);
    yellow from YELLOW_WORKDAYS working days before it, the appeals' light rule."""
    w = _workdays()
    if promise.due_workdays:
        promise.due_on = w.add_workdays(promise.recorded_on, promise.due_workdays).date
    promise.yellow_from = w.subtract_workdays(promise.due_on, YELLOW_WORKDAYS).date
    promise.due_provisional = bool(promise.due_workdays) and w.is_provisional(promise.due_on)


def recompute(promises: list) -> None:
    for p in promises:
        set_due(p)


def register_deadlines() -> None:
    """A deadline counted in working days moves with the calendar (workdays/deadlines.py);
    one given as a date stays (set_due only re-derives its yellow day)."""
    from zhitong.workdays import deadlines

    deadlines.register(
        "public.GovernmentPromise",
        title="政府承诺",
        dates=("due_on",),
        provisional="due_provisional",
        derived=("yellow_from",),
        recompute=recompute,
        active=Q(status__in=OPEN_PROMISE_STATUSES, due_workdays__isnull=False),
        select_related=("enterprise",),
        describe=lambda p: f"{p.enterprise.name}：{p.content[:30]}",
    )


def light_of(promise: GovernmentPromise, today: date) -> str:
    """Lit like an appeal (appeals.deadlines.light_for); a written-off promise has none."""
    if promise.status not in OPEN_PROMISE_STATUSES:
        return "none"
    return str(light_for(promise.due_on, promise.yellow_from, today))


def light_q(light: str, today: date) -> Q:
    open_ = Q(status__in=OPEN_PROMISE_STATUSES)
    if light == "red":
        return open_ & Q(due_on__lt=today)
    if light == "yellow":
        return open_ & Q(due_on__gte=today, yellow_from__lte=today)
    return open_ & Q(due_on__gte=today) & (Q(yellow_from__gt=today) | Q(yellow_from__isnull=True))


# -- reads -----------------------------------------------------------------------------------------


def keeps_promises(user) -> bool:
    return is_hub(user) or (is_unit_staff(user) and bool(user.unit_id))


def promises_for_user(*, user, status: str = "", light: str = "", today: date | None = None) -> QuerySet:
    """The hub every promise; unit staff their units' (as responsible unit); an enterprise's
    contact its own enterprise's; anyone else none."""
    qs = GovernmentPromise.objects.select_related("enterprise", "responsible_unit")
    if is_hub(user):
        pass
    elif is_unit_staff(user):
        qs = qs.filter(responsible_unit_id__in=user_scope_unit_ids(user) or [])
    elif is_enterprise_user(user) and user.enterprise_id:
        qs = qs.filter(enterprise_id=user.enterprise_id)
    else:
        return qs.none()
    if status in PromiseStatus.values:
        qs = qs.filter(status=status)
    if light in LIGHTS:
        qs = qs.filter(light_q(light, today or timezone.localdate()))
    return qs.order_by("due_on", "id")


def promise_get_for_user(*, user, promise_id: int) -> GovernmentPromise:
    p = promises_for_user(user=user).filter(pk=promise_id).first()
    if p is None:
        raise AccessDenied()
    return p


def promise_units_for_user(user) -> QuerySet[Unit]:
    qs = Unit.objects.filter(is_active=True).order_by("sort_order", "code")
    if is_hub(user):
        return qs
    return qs.filter(pk__in=user_scope_unit_ids(user) or [])


# -- writes ----------------------------------------------------------------------------------------


def promise_create(
    *,
    actor,
    credit_code: str,
    kind: str,
    content: str,
    responsible_unit_id: int,
    due_workdays: int | None = None,
    due_on: date | None = None,
    basis: str = "",
    now: datetime | None = None,
) -> GovernmentPromise:
    """Record a promise: the hub for any unit, unit staff for their own. Exactly one of
    working days (counted from today) and a date."""
    from zhitong.enterprises.models import Enterprise

    now = now or timezone.now()
    today = timezone.localdate(now)
    if not keeps_promises(actor):
        raise Forbidden("只有统筹协调专员和责任单位可以登记政府承诺")
    unit = promise_units_for_user(actor).filter(pk=responsible_unit_id).first()
    if unit is None:
        raise ServiceError("责任单位不存在或不在您的范围内", field="responsible_unit_id")
    enterprise = Enterprise.objects.filter(
        credit_code=(credit_code or "").strip().upper(), is_active=True
    ).first()
    if enterprise is None:
        raise ServiceError("未找到该统一社会信用代码的企业", field="credit_code")
    if kind not in PromiseKind.values:
        raise ServiceError("请选择承诺类型", field="kind")
    if not (content or "").strip():
        raise ServiceError("请填写承诺内容", field="content")
    if bool(due_workdays) == bool(due_on):
        raise ServiceError("请填写办理时限（工作日）或办理期限（日期），二者选一", field="due_workdays")
    if due_workdays is not None and not 1 <= due_workdays <= 1000:
        raise ServiceError("办理时限须为1至1000个工作日", field="due_workdays")
    if due_on and due_on < today:
        raise ServiceError("办理期限不得早于今天", field="due_on")
    promise = GovernmentPromise(
        enterprise=enterprise,
        kind=kind,
        content=content.strip(),
        basis=(basis or "").strip(),
        responsible_unit=unit,
        recorded_on=today,
        due_workdays=due_workdays or None,
        due_on=due_on or today,
        created_by=actor,
    )
    set_due(promise)
    with transaction.atomic():
        promise.save()
        audit_record(
            action="government_promise.create",
            obj=promise,
            actor=actor,
            before={},
            after={"due_on": promise.due_on.isoformat(), "responsible_unit_id": unit.pk},
            now=now,
        )
    return promise


@PROMISE.service("start")
def promise_start(*, promise_id: int, actor, expected_version=None, now=None):
    return PROMISE.perform(
        pk=promise_id, move="start", actor=actor, expected_version=expected_version, now=now
    )


@PROMISE.service("submit_write_off")
def promise_submit_write_off(
    *, promise_id: int, actor, evidence: str, evidence_file=None, expected_version=None, now=None
):
    if not (evidence or "").strip():
        raise ServiceError("请写明兑现情况（销号证明）", field="evidence")

    def apply(step):
        step.obj.evidence = evidence.strip()
        fields = ["evidence"]
        if evidence_file:
            step.obj.evidence_file = evidence_file
            fields.append("evidence_file")
        return fields

    return PROMISE.perform(
        pk=promise_id,
        move="submit_write_off",
        actor=actor,
        expected_version=expected_version,
        now=now,
        apply=apply,
    )


@PROMISE.service("verify_write_off")
def promise_verify_write_off(*, promise_id: int, actor, expected_version=None, now=None):
    def apply(step):
        step.obj.written_off_on = timezone.localdate(step.now)
        return ["written_off_on"]

    return PROMISE.perform(
        pk=promise_id,
        move="verify_write_off",
        actor=actor,
        expected_version=expected_version,
        now=now,
        apply=apply,
    )


@PROMISE.service("return_write_off")
def promise_return_write_off(*, promise_id: int, actor, reason: str, expected_version=None, now=None):
    if not (reason or "").strip():
        raise ServiceError("请说明退回理由", field="reason")
    return PROMISE.perform(
        pk=promise_id,
        move="return_write_off",
        actor=actor,
        expected_version=expected_version,
        now=now,
        note=reason,
    )
