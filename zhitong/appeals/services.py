"""Writes for appeals: intake, every move of the state machine, evidence, timeline notes.

Every move follows one recipe (STYLE habit 2), in `_moving` + `_commit`:
`transaction.atomic` → `select_for_update` the appeal row → re-check the move against the
locked row (machine.check_move) and the caller's `expected_version` (a stale form is a
409) → change the fields → recompute the stored clock → `save(update_fields=…)` bumping
`version` → a Transition row (the timeline) → an audit event with before/after →
notifications after commit.

Callers: `appeal_move(appeal_id=…, move="sign", actor=user, expected_version=3, **data)`
dispatches by the move's name (the pages and the API use it), or call the specific
function (`appeal_sign(...)`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from zhitong.audit.services import audit_record
from zhitong.common.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.common.transitions import Step
from zhitong.notifications.services import notify, notify_on_commit
from zhitong.organizations import capabilities
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User

from . import clock
from .choices import OPEN_STATUSES, Channel, CloseReason, ExemptionStatus, Light, Rating, Status, Tier
from .machine import APPEAL
from .models import (
    Appeal,
    AppealCounter,
    AppealEvidence,
    AppealExtension,
    Category,
    Cooperation,
    ExtensionStatus,
    Transition,
)
from .routing import suggest_lead_unit
from .signals import appeal_escalated

STALE_MESSAGE = "该诉求已被他人处理，请刷新后重试"
PROBLEM_UNITS = 3  # issue 3: passed through 3 or more units → problem appeal (提级督办)
PROBLEM_REOPENS = 3  # … or reopened 3 or more times
INTAKE_CLOCK_SKEW = timedelta(minutes=10)
# The issue lists the administrator among those who register (the intake form).
INTAKE_ROLES = capabilities.APPEAL_REGISTRAR_ROLES


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


@functools.cache
def _appeal_url_template() -> str:
    try:
        return reverse("appeals:detail", kwargs={"appeal_id": 987654321}).replace("987654321", "{}")
    except NoReverseMatch:
        return "/appeals/{}/"


def appeal_url(appeal_id: int) -> str:
    """The appeal's page, for notification links (reverse() once, not per notification)."""
    return _appeal_url_template().format(appeal_id)


# ---------------------------------------------------------------------------------------
# Recipients (evaluated after commit)
# ---------------------------------------------------------------------------------------


def unit_staff_ids(unit_id: int | None, roles: Iterable[str] = (Role.HANDLER, Role.UNIT_HEAD)) -> list[int]:
    """Active users with `roles` in the unit or its sections (their path holds its id)."""
    if not unit_id:
        return []
    return list(
        User.objects.filter(
            is_active=True, role__in=list(roles), unit__path__contains=f"/{unit_id}/"
        ).values_list("pk", flat=True)
    )


def hub_ids() -> list[int]:
    return list(User.objects.filter(is_active=True, role=Role.HUB).values_list("pk", flat=True))


def enterprise_user_ids(enterprise_id: int) -> list[int]:
    return list(
        User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=enterprise_id).values_list(
            "pk", flat=True
        )
    )


def _handler_or_unit(appeal) -> Callable[[], list[int]]:
    handler_id, unit_id = appeal.handler_id, appeal.lead_unit_id
    return lambda: [handler_id] if handler_id else unit_staff_ids(unit_id)


def _tell(recipients, kind: str, appeal, title: str, body: str = "", now=None) -> None:
    notify_on_commit(
        recipients=recipients,
        kind=kind,
        title=f"[{appeal.code}] {title}",
        body=body,
        url=appeal_url(appeal.pk),
        now=now,
    )


# ---------------------------------------------------------------------------------------
# The move recipe
# ---------------------------------------------------------------------------------------


@contextmanager
def _moving(*, appeal_id: int, move: str, actor, expected_version: int | None, now: datetime):
    """The kernel's recipe (zhitong.common.transitions): transaction, row lock, re-read,
    expected version, the gate. Yields (appeal, before)."""
    with APPEAL.moving(
        pk=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now
    ) as step:
        yield step.obj, step.before


def _flag_problem(appeal, *, now) -> list[str]:
    """seeds/000 三 & issue 3: an appeal passed through ≥3 units or reopened ≥3 times is a
    problem appeal, raised to the hub (提级督办)."""
    if appeal.is_problem:
        return []
    if appeal.units_passed >= PROBLEM_UNITS or appeal.reopen_count >= PROBLEM_REOPENS:
        appeal.is_problem = True
        why = (
            f"已流转{appeal.units_passed}个单位"
            if appeal.units_passed >= PROBLEM_UNITS
            else f"已重办{appeal.reopen_count}次"
        )
        _tell(hub_ids, "appeal.problem", appeal, f"问题诉求提级督办：{why}", appeal.title, now=now)
        return ["is_problem"]
    return []


def _recompute(appeal, step) -> list[str]:
    """The kernel's deadline hook: the stored clock, then the problem-appeal flag."""
    return [*clock.recompute(appeal), *_flag_problem(appeal, now=step.now)]


def _history(appeal, *, move, from_status, to_status, actor, now, note, data) -> Transition:
    """The kernel's history hook: the appeal's timeline row."""
    return Transition.objects.create(
        appeal=appeal,
        action=move,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_unit_id=getattr(actor, "unit_id", None),
        at=now,
        note=note,
        data=data,
    )


APPEAL.history = _history
APPEAL.recompute = _recompute


def _commit(
    appeal: Appeal,
    *,
    move: str,
    actor,
    now: datetime,
    before: dict,
    fields: Iterable[str] = (),
    to_status: str | None = None,
    note: str = "",
    data: dict | None = None,
) -> Transition:
    step = Step(APPEAL, appeal, APPEAL.moves[move], actor, now, before)
    return step.commit(fields=fields, to_status=to_status or appeal.status, note=note, data=data)


def _text(value, label: str, field: str, *, required: bool = True, max_len: int = 5000) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ServiceError(f"请填写{label}", code="required", field=field)
    if len(value) > max_len:
        raise ServiceError(f"{label}不能超过{max_len}字", field=field)
    return value


def _date(value, field: str) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value or ""))
    if parsed is None:
        raise ServiceError("请填写正确的日期(YYYY-MM-DD)", code="invalid_date", field=field)
    return parsed


def _ids(value) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str | int):
        value = [v for v in str(value).replace("，", ",").split(",") if v.strip()]
    try:
        return sorted({int(v) for v in value})
    except (TypeError, ValueError):
        raise ServiceError("单位编号格式不正确", code="invalid_ids")


def _units(ids: list[int], field: str) -> list[Unit]:
    units = list(Unit.objects.filter(pk__in=ids, is_active=True))
    if len(units) != len(set(ids)):
        raise ServiceError("所选单位不存在或已停用", code="invalid_unit", field=field)
    return units


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


def _next_code(year: int) -> str:
    """ZT-YYYY-NNNNNN from the year's counter row, locked for the rest of the transaction
    so concurrent intakes queue here and never share a number."""
    counter = AppealCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        # Start after any code already used that year (imported data).
        prefix = f"ZT-{year}-"
        last = Appeal.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
        start = int(last[len(prefix) :]) if last else 0
        try:
            with transaction.atomic():
                AppealCounter.objects.create(year=year, last=start)
        except IntegrityError:
            pass  # another intake created it first
        counter = AppealCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"ZT-{year}-{counter.last:06d}"


def _existing_intake(idempotency_key, source_system, source_id) -> Appeal | None:
    if idempotency_key:
        found = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            return found
    if source_id:
        return Appeal.objects.filter(source_system=source_system, source_id=source_id).first()
    return None


def _replay(existing: Appeal, actor) -> Appeal:
    # A key is the client's own: another unit's key must not reveal that unit's appeal.
    if getattr(actor, "unit_id", None) != existing.received_unit_id:
        raise ConflictError("该幂等键或来源编号已被其他单位使用", code="idempotency_key_reused")
    return existing


def appeal_intake(
    *,
    actor,
    enterprise_id: int,
    title: str,
    description: str,
    category_id: int,
    channel: str,
    project_id: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    materials_missing: list[str] | None = None,
    received_at: datetime | None = None,
    idempotency_key: str | None = None,
    source_system: str = "",
    source_id: str = "",
    duplicate_of_id: int | None = None,
    now: datetime | None = None,
) -> tuple[Appeal, bool]:
    """Register an appeal from any channel; returns (appeal, created).

    The actor becomes the first-inquiry owner (首问负责, seeds/003 四) and their unit the
    receiving unit. Idempotent: the same `idempotency_key`, or the same
    (`source_system`, `source_id`), returns the appeal registered the first time
    (created=False) — the unique constraints settle a race between two posts.
    Missing materials put it in materials_pending with the one-time notice (seeds/003
    六.2); `duplicate_of_id` links it at once to the open appeal it repeats (merge).
    """
    from zhitong.enterprises.models import Enterprise
    from zhitong.projects.models import Project

    now = _now(now)
    idempotency_key = (idempotency_key or "").strip() or None
    source_system, source_id = (source_system or "").strip(), (source_id or "").strip()
    existing = _existing_intake(idempotency_key, source_system, source_id)
    if existing is not None:
        return _replay(existing, actor), False

    if actor is None or not actor.is_active or actor.role not in INTAKE_ROLES:
        raise Forbidden("您无权登记诉求")
    if not actor.unit_id:
        raise ServiceError("登记人未设置所在单位，不能作为首问责任人", code="no_unit")
    title = _text(title, "诉求标题", "title", max_len=200)
    description = _text(description, "诉求内容", "description")
    if channel not in Channel.values:
        raise ServiceError("来源渠道不正确", field="channel")
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ServiceError("企业不存在", field="enterprise_id")
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise ServiceError("诉求类别不存在", field="category_id")
    project = None
    if project_id:
        project = Project.objects.filter(pk=project_id, owner_id=enterprise.pk).first()
        if project is None:
            raise ServiceError("项目不存在或不属于该企业", field="project_id")
    received_at = received_at or now
    # A source system's clock may run a little ahead; anything more is a data error.
    if received_at > now + INTAKE_CLOCK_SKEW:
        raise ServiceError("受理时间不能晚于当前时间", field="received_at")
    received_at = min(received_at, now)
    missing = [m.strip() for m in (materials_missing or []) if m and m.strip()]
    received_on = timezone.localdate(received_at)

    try:
        with transaction.atomic():
            appeal = Appeal(
                code=_next_code(received_on.year),
                enterprise=enterprise,
                project=project,
                title=title,
                description=description,
                category=category,
                channel=channel,
                status=Status.MATERIALS_PENDING if missing else Status.SUBMITTED,
                received_at=received_at,
                received_by=actor,
                received_unit_id=actor.unit_id,
                contact_name=_text(contact_name, "联系人", "contact_name", required=False, max_len=50),
                contact_phone=_text(contact_phone, "联系电话", "contact_phone", required=False, max_len=20),
                materials_complete=not missing,
                materials_completed_on=None if missing else received_on,
                state_since=received_at,
                idempotency_key=idempotency_key,
                source_system=source_system,
                source_id=source_id,
            )
            clock.recompute(appeal)
            appeal.save()
            Transition.objects.create(
                appeal=appeal,
                action="intake",
                from_status="",
                to_status=appeal.status,
                actor=actor,
                actor_unit_id=actor.unit_id,
                at=received_at,
                data={"channel": channel, "source_system": source_system, "source_id": source_id},
            )
            audit_record(
                action="appeal.intake",
                obj=appeal,
                actor=actor,
                after={
                    "code": appeal.code,
                    "enterprise_id": enterprise.pk,
                    "category_id": category.pk,
                    "channel": channel,
                    "status": appeal.status,
                    "materials_missing": missing,
                },
                now=now,
            )
            if missing:
                _materials_notice(appeal, actor=actor, missing=missing, at=received_at, now=now)
    except IntegrityError:
        # A concurrent post with the same key won the race: return its appeal.
        existing = _existing_intake(idempotency_key, source_system, source_id)
        if existing is not None:
            return _replay(existing, actor), False
        raise
    if duplicate_of_id:
        appeal = appeal_merge(
            appeal_id=appeal.pk, actor=actor, into_id=duplicate_of_id, reason="登记时确认为重复诉求", now=now
        )
    return appeal, True


def _materials_notice(appeal, *, actor, missing: list[str], at: datetime, now) -> dict:
    """seeds/003 六.2: ONE notice listing every missing item, due within 2 working days of receipt."""
    notice_due = clock.add_workdays(
        timezone.localdate(appeal.received_at), clock.MATERIALS_NOTICE_WORKDAYS
    ).date
    data = {
        "missing_items": missing,
        "notice_due": notice_due.isoformat(),
        "on_time": timezone.localdate(at) <= notice_due,
    }
    if (
        appeal.status == Status.MATERIALS_PENDING
        and appeal.pk
        and not Transition.objects.filter(appeal=appeal, action="request_materials").exists()
    ):
        Transition.objects.create(
            appeal=appeal,
            action="request_materials",
            from_status=Status.SUBMITTED,
            to_status=Status.MATERIALS_PENDING,
            actor=actor,
            actor_unit_id=getattr(actor, "unit_id", None),
            at=at,
            note="；".join(missing),
            data=data,
        )
    eid = appeal.enterprise_id
    _tell(
        lambda: enterprise_user_ids(eid),
        "appeal.materials",
        appeal,
        "请一次性补齐以下材料",
        "\n".join(f"{i}. {m}" for i, m in enumerate(missing, 1)),
        now=now,
    )
    return data


# ---------------------------------------------------------------------------------------
# Moves
# ---------------------------------------------------------------------------------------


def appeal_request_materials(
    *, appeal_id: int, actor, missing_items, note: str = "", expected_version=None, now=None
) -> Appeal:
    now = _now(now)
    if isinstance(missing_items, str):
        missing_items = missing_items.splitlines()
    missing = [m.strip() for m in (missing_items or []) if m and str(m).strip()]
    if not missing:
        raise ServiceError("请逐项列出需补齐的全部材料", code="required", field="missing_items")
    with _moving(
        appeal_id=appeal_id, move="request_materials", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        appeal.materials_complete = False
        appeal.materials_completed_on = None
        data = _materials_notice(appeal, actor=actor, missing=missing, at=now, now=now)
        _commit(
            appeal,
            move="request_materials",
            actor=actor,
            now=now,
            before=before,
            fields=["materials_complete", "materials_completed_on"],
            to_status=Status.MATERIALS_PENDING,
            note=_text(note, "说明", "note", required=False) or "；".join(missing),
            data=data,
        )
    return appeal


def appeal_complete_materials(
    *, appeal_id: int, actor, note: str = "", expected_version=None, now=None
) -> Appeal:
    """The materials are complete: the time limit counts from today (seeds/003 六.2)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id,
        move="complete_materials",
        actor=actor,
        expected_version=expected_version,
        now=now,
    ) as (appeal, before):
        appeal.materials_complete = True
        appeal.materials_completed_on = timezone.localdate(now)
        _commit(
            appeal,
            move="complete_materials",
            actor=actor,
            now=now,
            before=before,
            fields=["materials_complete", "materials_completed_on"],
            to_status=Status.SUBMITTED,
            note=_text(note, "说明", "note", required=False),
        )
    return appeal


def _tier_for(unit: Unit, appeal) -> str:
    if unit.pk == appeal.received_unit_id:
        return Tier.UNIT
    if unit.kind in (UnitKind.COUNTY, UnitKind.PARK):
        return Tier.COUNTY
    return Tier.MUNICIPAL


def _route(
    appeal,
    *,
    actor,
    now,
    lead_unit_id,
    cooperating_unit_ids,
    handling_days,
    base: date,
    require_override_reason: str | None,
) -> tuple[Unit, list[Unit], dict, list[str]]:
    """Set lead unit, cooperations and deadlines; shared by assign and settle_transfer."""
    from zhitong.enterprises.models import Enterprise

    enterprise = Enterprise.objects.select_related("location").get(pk=appeal.enterprise_id)
    suggestion = suggest_lead_unit(category=appeal.category, enterprise=enterprise)
    if lead_unit_id in (None, ""):
        if suggestion is None:
            raise ServiceError(
                "分办规则未匹配到牵头单位，请选择牵头单位", code="required", field="lead_unit_id"
            )
        lead = suggestion.unit
    else:
        lead = _units([int(lead_unit_id)], "lead_unit_id")[0]
    overridden = suggestion is not None and lead.pk != suggestion.unit.pk
    if overridden and require_override_reason is not None and not require_override_reason.strip():
        raise ServiceError(
            f"分办规则建议由{suggestion.unit.name}牵头，改由其他单位牵头须说明理由",
            code="override_reason_required",
            field="override_reason",
        )
    coop_units = [u for u in _units(_ids(cooperating_unit_ids), "cooperating_unit_ids") if u.pk != lead.pk]
    category = appeal.category
    if handling_days not in (None, ""):
        try:
            handling_days = int(handling_days)
        except (TypeError, ValueError):
            raise ServiceError("办理时限须为正整数", field="handling_days")
        if handling_days < 1:
            raise ServiceError("办理时限须为正整数", field="handling_days")
        if category.legal_limit_days and handling_days > category.legal_limit_days:
            raise ServiceError(
                f"办理时限不得超过法定时限{category.legal_limit_days}个工作日", field="handling_days"
            )
    days = clock.handling_days_for(category=category, channel=appeal.channel, explicit=handling_days or None)
    today = timezone.localdate(now)

    appeal.lead_unit = lead
    appeal.handler = None
    appeal.signed_at = None
    appeal.assigned_at = now
    appeal.tier = _tier_for(lead, appeal)
    appeal.handling_days = days
    # clock.appeal_clock_recompute re-times these with the same functions after a calendar change.
    appeal.sign_due = clock.sign_due_for(today)
    appeal.handling_due, appeal.legal_due = clock.handling_dues_for(base=base, days=days, category=category)
    appeal.extension_requested_due = None
    AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REJECTED, decided_at=now, decision_note="诉求已改派，申请失效"
    )

    # Cooperations: keep answered ones as history; replace the unanswered set.
    Cooperation.objects.filter(appeal=appeal, answered_at__isnull=True).exclude(
        unit_id__in=[u.pk for u in coop_units]
    ).delete()
    coop_due = clock.add_workdays(today, clock.COOPERATION_WORKDAYS).date
    existing = set(Cooperation.objects.filter(appeal=appeal).values_list("unit_id", flat=True))
    Cooperation.objects.bulk_create(
        [Cooperation(appeal=appeal, unit=u, due=coop_due) for u in coop_units if u.pk not in existing]
    )
    data = {
        "lead_unit_id": lead.pk,
        "lead_unit": lead.name,
        "cooperating_unit_ids": [u.pk for u in coop_units],
        "cooperating_units": [u.name for u in coop_units],
        "handling_days": days,
        "handling_due": appeal.handling_due.isoformat(),
        "handling_from": base.isoformat(),
        "suggested_unit_id": suggestion.unit.pk if suggestion else None,
        "rule": suggestion.rule.name if suggestion else "",
        "overridden": overridden,
    }
    fields = [
        "lead_unit",
        "handler",
        "signed_at",
        "assigned_at",
        "tier",
        "handling_days",
        "sign_due",
        "handling_due",
        "legal_due",
        "extension_requested_due",
    ]
    lead_id = lead.pk
    _tell(
        lambda: unit_staff_ids(lead_id),
        "appeal.assigned",
        appeal,
        "新分办诉求，请在1个工作日内签收",
        appeal.title,
        now=now,
    )
    coop_ids = [u.pk for u in coop_units]
    if coop_ids:
        _tell(
            lambda: [uid for cid in coop_ids for uid in unit_staff_ids(cid)],
            "appeal.cooperate",
            appeal,
            f"请于{coop_due:%Y年%m月%d日}前向牵头单位{lead.name}答复配合意见",
            appeal.title,
            now=now,
        )
    return lead, coop_units, data, fields


def appeal_assign(
    *,
    appeal_id: int,
    actor,
    lead_unit_id: int | None = None,
    cooperating_unit_ids: Iterable[int] | None = None,
    handling_days: int | None = None,
    override_reason: str = "",
    expected_version=None,
    now=None,
) -> Appeal:
    """The hub routes: one lead unit (default from the routing rules; another needs a
    reason), cooperating units, the handling limit. The clock counts from the day the
    materials were complete (seeds/003 六.2)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="assign", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        base = appeal.materials_completed_on or timezone.localdate(appeal.received_at)
        lead, _, data, fields = _route(
            appeal,
            actor=actor,
            now=now,
            lead_unit_id=lead_unit_id,
            cooperating_unit_ids=cooperating_unit_ids,
            handling_days=handling_days,
            base=base,
            require_override_reason=override_reason or "",
        )
        appeal.units_passed += 1
        data["override_reason"] = override_reason or ""
        _commit(
            appeal,
            move="assign",
            actor=actor,
            now=now,
            before=before,
            fields=[*fields, "units_passed"],
            to_status=Status.ASSIGNED,
            note=override_reason or "",
            data=data,
        )
    return appeal


def appeal_sign(*, appeal_id: int, actor, expected_version=None, now=None) -> Appeal:
    """The lead unit signs for it (within 1 working day); the signer becomes the handler
    and the first-inquiry owner's follow-up duty ends (seeds/003 四)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="sign", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        appeal.handler = actor
        appeal.signed_at = now
        on_time = appeal.sign_due is None or timezone.localdate(now) <= appeal.sign_due
        _commit(
            appeal,
            move="sign",
            actor=actor,
            now=now,
            before=before,
            fields=["handler", "signed_at"],
            to_status=Status.IN_PROGRESS,
            data={"on_time": on_time},
        )
        _tell(
            [appeal.received_by_id],
            "appeal.signed",
            appeal,
            f"牵头单位已签收（承办人：{actor.display_name}）",
            now=now,
        )
        eid = appeal.enterprise_id
        # seeds/003 七: tell the enterprise who handles it and by when.
        _tell(
            lambda: enterprise_user_ids(eid),
            "appeal.signed",
            appeal,
            "您的诉求已由牵头单位签收办理",
            f"承办人：{actor.display_name}，电话：{actor.phone or '—'}，办理期限：{appeal.handling_due:%Y-%m-%d}",
            now=now,
        )
    return appeal


def appeal_object(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    """The lead unit says it is the wrong unit, with a reason; the hub settles it."""
    now = _now(now)
    reason = _text(reason, "退回理由", "reason")
    with _moving(
        appeal_id=appeal_id, move="object", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        _commit(
            appeal,
            move="object",
            actor=actor,
            now=now,
            before=before,
            to_status=Status.TRANSFER_REQUESTED,
            note=reason,
            data={"lead_unit_id": appeal.lead_unit_id},
        )
        _tell(hub_ids, "appeal.objected", appeal, "牵头单位申请退回改派", reason, now=now)
        _tell([appeal.received_by_id], "appeal.objected", appeal, "牵头单位申请退回改派", reason, now=now)
    return appeal


def appeal_settle_transfer(
    *,
    appeal_id: int,
    actor,
    reason: str,
    lead_unit_id: int | None = None,
    cooperating_unit_ids: Iterable[int] | None = None,
    handling_days: int | None = None,
    expected_version=None,
    now=None,
) -> Appeal:
    """The hub settles an objection: reroutes to another lead unit (which counts one more
    unit passed and gets its full limit from today — it cannot be blamed for another
    unit's days), or confirms the same unit with a reason. The first-inquiry owner stays."""
    now = _now(now)
    reason = _text(reason, "改派理由", "reason")
    with _moving(
        appeal_id=appeal_id, move="settle_transfer", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        old_lead = appeal.lead_unit_id
        lead, _, data, fields = _route(
            appeal,
            actor=actor,
            now=now,
            lead_unit_id=lead_unit_id,
            cooperating_unit_ids=cooperating_unit_ids,
            handling_days=handling_days,
            base=timezone.localdate(now),
            require_override_reason=None,
        )
        if lead.pk != old_lead:
            appeal.units_passed += 1
        data["previous_lead_unit_id"] = old_lead
        _commit(
            appeal,
            move="settle_transfer",
            actor=actor,
            now=now,
            before=before,
            fields=[*fields, "units_passed"],
            to_status=Status.ASSIGNED,
            note=reason,
            data=data,
        )
    return appeal


def _note_move(
    move: str, label: str, *, appeal_id, actor, note, expected_version, now, required=True
) -> Appeal:
    now = _now(now)
    note = _text(note, label, "note", required=required)
    with _moving(appeal_id=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now) as (
        appeal,
        before,
    ):
        _commit(appeal, move=move, actor=actor, now=now, before=before, note=note)
    return appeal


def appeal_follow_up(*, appeal_id: int, actor, note: str, expected_version=None, now=None) -> Appeal:
    """The first-inquiry owner records their follow-up until a lead unit signs (seeds/003 四)."""
    return _note_move(
        "follow_up",
        "跟踪情况",
        appeal_id=appeal_id,
        actor=actor,
        note=note,
        expected_version=expected_version,
        now=now,
    )


def appeal_add_progress(*, appeal_id: int, actor, note: str, expected_version=None, now=None) -> Appeal:
    return _note_move(
        "add_progress",
        "进展情况",
        appeal_id=appeal_id,
        actor=actor,
        note=note,
        expected_version=expected_version,
        now=now,
    )


def appeal_cooperate_answer(*, appeal_id: int, actor, answer: str, expected_version=None, now=None) -> Appeal:
    """A cooperating unit answers the lead unit (due 3 working days after assignment)."""
    now = _now(now)
    answer = _text(answer, "配合意见", "answer")
    with _moving(
        appeal_id=appeal_id, move="cooperate_answer", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        path = actor.unit.path if actor.unit_id else ""
        coop = next(
            (
                c
                for c in appeal.cooperations.select_related("unit").filter(answered_at__isnull=True)
                if f"/{c.unit_id}/" in path
            ),
            None,
        )
        if coop is None:
            raise ConflictError("本单位没有待答复的配合事项")
        coop.answered_at, coop.answer = now, answer
        coop.save(update_fields=["answered_at", "answer"])
        on_time = coop.due is None or timezone.localdate(now) <= coop.due
        _commit(
            appeal,
            move="cooperate_answer",
            actor=actor,
            now=now,
            before=before,
            note=answer,
            data={"unit_id": coop.unit_id, "unit": coop.unit.name, "on_time": on_time},
        )
        _tell(
            _handler_or_unit(appeal),
            "appeal.cooperation",
            appeal,
            f"{coop.unit.name}已答复配合意见",
            answer,
            now=now,
        )
    return appeal


def appeal_request_extension(
    *, appeal_id: int, actor, new_due, reason: str, expected_version=None, now=None
) -> Appeal:
    """Asked before the deadline, with a reason; the new deadline may not pass the legal
    limit (seeds/003 六.3). The lead unit's head decides."""
    now = _now(now)
    reason = _text(reason, "延期理由", "reason")
    new_due = _date(new_due, "new_due")
    with _moving(
        appeal_id=appeal_id, move="request_extension", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        _check_new_due(appeal, new_due)
        AppealExtension.objects.create(
            appeal=appeal,
            requested_by=actor,
            requested_at=now,
            reason=reason,
            old_due=appeal.handling_due,
            requested_due=new_due,
        )
        appeal.extension_requested_due = new_due
        _commit(
            appeal,
            move="request_extension",
            actor=actor,
            now=now,
            before=before,
            fields=["extension_requested_due"],
            note=reason,
            data={"old_due": appeal.handling_due.isoformat(), "requested_due": new_due.isoformat()},
        )
        lead_id = appeal.lead_unit_id
        _tell(
            lambda: unit_staff_ids(lead_id, [Role.UNIT_HEAD]),
            "appeal.extension",
            appeal,
            f"延期申请待审批：申请延期至{new_due:%Y-%m-%d}",
            reason,
            now=now,
        )
    return appeal


def _check_new_due(appeal, new_due: date) -> None:
    if appeal.handling_due and new_due <= appeal.handling_due:
        raise ServiceError(f"延期后的期限须晚于原期限{appeal.handling_due:%Y-%m-%d}", field="new_due")
    if appeal.legal_due and new_due > appeal.legal_due:
        # seeds/003 六.3: 最长不得超过法律、法规规定的时间
        raise ServiceError(
            f"延期后的期限不得超过法定期限{appeal.legal_due:%Y-%m-%d}", code="beyond_legal", field="new_due"
        )


def _pending_extension(appeal) -> AppealExtension:
    ext = (
        AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).order_by("-id").first()
    )
    if ext is None:
        raise ConflictError("没有待审批的延期申请")
    return ext


def appeal_approve_extension(
    *, appeal_id: int, actor, new_due=None, note: str = "", expected_version=None, now=None
) -> Appeal:
    """The unit head approves; the enterprise is told the new deadline (seeds/003 六.3)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="approve_extension", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        ext = _pending_extension(appeal)
        due = _date(new_due, "new_due") if new_due not in (None, "") else ext.requested_due
        _check_new_due(appeal, due)
        ext.status, ext.decided_by, ext.decided_at = ExtensionStatus.APPROVED, actor, now
        ext.decision_note, ext.approved_due = note or "", due
        ext.save()
        old_due = appeal.handling_due
        appeal.handling_due = due
        appeal.extension_requested_due = None
        appeal.extension_count += 1
        _commit(
            appeal,
            move="approve_extension",
            actor=actor,
            now=now,
            before=before,
            fields=["handling_due", "extension_requested_due", "extension_count"],
            note=_text(note, "审批意见", "note", required=False),
            data={
                "old_due": old_due.isoformat() if old_due else None,
                "new_due": due.isoformat(),
                "reason": ext.reason,
            },
        )
        eid = appeal.enterprise_id
        _tell(
            lambda: enterprise_user_ids(eid),
            "appeal.extended",
            appeal,
            f"您的诉求办理期限延长至{due:%Y年%m月%d日}",
            f"延期原因：{ext.reason}",
            now=now,
        )
        _tell(
            [ext.requested_by_id], "appeal.extended", appeal, f"延期申请已批准，新期限{due:%Y-%m-%d}", now=now
        )
    return appeal


def appeal_reject_extension(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    now = _now(now)
    reason = _text(reason, "不批准理由", "reason")
    with _moving(
        appeal_id=appeal_id, move="reject_extension", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        ext = _pending_extension(appeal)
        ext.status, ext.decided_by, ext.decided_at, ext.decision_note = (
            ExtensionStatus.REJECTED,
            actor,
            now,
            reason,
        )
        ext.save()
        appeal.extension_requested_due = None
        _commit(
            appeal,
            move="reject_extension",
            actor=actor,
            now=now,
            before=before,
            fields=["extension_requested_due"],
            note=reason,
        )
        _tell([ext.requested_by_id], "appeal.extension_rejected", appeal, "延期申请未获批准", reason, now=now)
    return appeal


def escalation_batch_month(received: datetime) -> date:
    """The monthly batch an escalation request joins (seeds/000 二: 每月10日前报送).

    One rule for the whole product, deadline arithmetic in the workdays app
    (docs/coordination.md): the cut-off is the 10th, or the next working day when the 10th
    is a rest day, in Asia/Shanghai calendar days. Returns the first day of the batch month."""
    from zhitong.workdays.services import cutoff_month_for

    return cutoff_month_for(received)


def appeal_escalate(
    *,
    appeal_id: int,
    actor,
    project_name: str,
    basic_situation: str,
    problem: str,
    unit_ids_to_coordinate,
    contact_name: str,
    contact_mobile: str,
    leader_id: int | None = None,
    expected_version=None,
    now=None,
) -> Appeal:
    """Ask for city-leader coordination with the Annex 2 form (seeds/000 二). The request
    joins the month's batch for the hub's review: the coordination app files it on the
    `appeal_escalated` signal, in this transaction (signals.py)."""
    now = _now(now)
    fields = dict(
        project_name=_text(project_name, "项目名称", "project_name", max_len=200),
        basic_situation=_text(basic_situation, "基本情况", "basic_situation"),
        problem=_text(problem, "需要提请市里协调解决的问题", "problem"),
        contact_name=_text(contact_name, "联系人", "contact_name", max_len=50),
        contact_mobile=_text(contact_mobile, "手机号码", "contact_mobile", max_len=20),
    )
    units = _units(_ids(unit_ids_to_coordinate), "unit_ids_to_coordinate")
    if not units:
        raise ServiceError(
            "请选择需协调的县(市)区或市直单位", code="required", field="unit_ids_to_coordinate"
        )
    leader = None
    if leader_id not in (None, ""):
        leader = User.objects.filter(pk=leader_id, role=Role.LEADER, is_active=True).first()
        if leader is None:
            raise ServiceError("所选分管市领导不存在", field="leader_id")
    with _moving(
        appeal_id=appeal_id, move="escalate", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        if leader is None:
            from zhitong.organizations.selectors import leaders_for_unit

            leader = leaders_for_unit(appeal.lead_unit).first()
        filed = [
            esc
            for _, esc in appeal_escalated.send(
                sender=Appeal,
                appeal=appeal,
                actor=actor,
                now=now,
                leader=leader,
                units_to_coordinate=units,
                **fields,
            )
            if esc is not None
        ]
        if len(filed) != 1:
            raise RuntimeError("appeal_escalated: exactly one receiver must file the request")
        esc = filed[0]
        appeal.tier = Tier.CITY_LEADER
        _commit(
            appeal,
            move="escalate",
            actor=actor,
            now=now,
            before=before,
            fields=["tier"],
            to_status=Status.ESCALATED,
            note=fields["problem"],
            data={"escalation_id": esc.pk, "batch_month": esc.batch_month.isoformat()},
        )
        _tell(
            hub_ids,
            "appeal.escalation",
            appeal,
            f"新的提请市领导协调申报（{esc.batch_month:%Y年%m月}批次）",
            esc.problem,
            now=now,
        )
    return appeal


def appeal_resume_handling(
    *, appeal_id: int, actor, note: str = "", expected_version=None, now=None
) -> Appeal:
    """Back from escalation to the lead unit (the request was returned, or a meeting gave
    its opinion, which the coordination app records on the timeline)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="resume_handling", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        appeal.tier = _tier_for(appeal.lead_unit, appeal) if appeal.lead_unit_id else appeal.tier
        _commit(
            appeal,
            move="resume_handling",
            actor=actor,
            now=now,
            before=before,
            fields=["tier"],
            to_status=Status.IN_PROGRESS,
            note=_text(note, "说明", "note", required=False),
        )
        _tell(
            _handler_or_unit(appeal),
            "appeal.resumed",
            appeal,
            "诉求退回牵头单位继续办理",
            note or "",
            now=now,
        )
    return appeal


# ---------------------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------------------

MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2 compound file: .doc / .xls of old Office
]
KIND_LABELS = {
    "pdf": "PDF",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "doc": "Word(.doc)",
    "docx": "Word",
    "xlsx": "Excel",
}


def detect_file_kind(data: bytes) -> str | None:
    """The file's type from its content, never its name: PDF, JPEG, PNG, DOC (OLE2), and
    DOCX/XLSX (a zip holding [Content_Types].xml and word/ or xl/). None if not allowed."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def _read(upload) -> tuple[str, bytes]:
    name = getattr(upload, "name", None) or "file"
    limit = settings.ZHITONG_EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ServiceError(
            f"文件“{name}”超过{limit // (1024 * 1024)}MB上限", code="file_too_large", field="evidence_files"
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            f"文件“{name}”超过{limit // (1024 * 1024)}MB上限", code="file_too_large", field="evidence_files"
        )
    return name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200], data


def evidence_check(upload) -> tuple[str, bytes, str]:
    """Read and check one upload: (name, data, kind) or ServiceError in Chinese."""
    name, data = _read(upload)
    if not data:
        raise ServiceError(f"文件“{name}”为空", code="file_empty", field="evidence_files")
    kind = detect_file_kind(data)
    if kind is None:
        raise ServiceError(
            f"文件“{name}”的内容不是允许的类型（PDF、JPEG、PNG、Word、Excel）",
            code="file_type",
            field="evidence_files",
        )
    return name, data, kind


def _store_evidence(appeal, uploads, *, actor, now, description: str = "") -> list[AppealEvidence]:
    checked = [evidence_check(u) for u in uploads or []]  # all checked before any is stored
    out = []
    for name, data, kind in checked:
        ev = AppealEvidence(
            appeal=appeal,
            original_name=name,
            kind=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            description=description[:200],
            uploaded_by=actor,
            uploaded_at=now,
        )
        path = ev.file.field.generate_filename(ev, name)
        if default_storage.exists(path):
            ev.file.name = path  # the same content is stored once (content-addressed name)
        else:
            ev.file.save(name, ContentFile(data), save=False)
        ev.save()
        out.append(ev)
    return out


def _attach(evidence: list[AppealEvidence], transition: Transition) -> None:
    if evidence:
        AppealEvidence.objects.filter(pk__in=[e.pk for e in evidence]).update(transition=transition)


def appeal_add_evidence(
    *, appeal_id: int, actor, evidence_files, note: str = "", expected_version=None, now=None
) -> list[AppealEvidence]:
    """Upload evidence files (type checked by content, size limited) onto the timeline."""
    now = _now(now)
    if not evidence_files:
        raise ServiceError("请选择要上传的文件", code="required", field="evidence_files")
    with _moving(
        appeal_id=appeal_id, move="add_evidence", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        evidence = _store_evidence(appeal, evidence_files, actor=actor, now=now, description=note or "")
        t = _commit(
            appeal,
            move="add_evidence",
            actor=actor,
            now=now,
            before=before,
            note=_text(note, "说明", "note", required=False),
            data={"files": [e.original_name for e in evidence]},
        )
        _attach(evidence, t)
    return evidence


def appeal_resolve(
    *, appeal_id: int, actor, resolution: str, evidence_files=None, expected_version=None, now=None
) -> Appeal:
    """Resolved by the lead unit, with at least one evidence file on the appeal (uploaded
    now or before: formal document, minutes — seeds/000 三 正式文件)."""
    now = _now(now)
    resolution = _text(resolution, "办理结果", "resolution")
    with _moving(
        appeal_id=appeal_id, move="resolve", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        evidence = _store_evidence(appeal, evidence_files, actor=actor, now=now)
        if not evidence and not AppealEvidence.objects.filter(appeal=appeal).exists():
            raise ServiceError(
                "办结须上传佐证材料（正式文件、会议纪要等）", code="evidence_required", field="evidence_files"
            )
        appeal.resolution = resolution
        appeal.resolved_at = now
        appeal.resolved_on_time = (
            appeal.handling_due is None or timezone.localdate(now) <= appeal.handling_due
        )
        fields = ["resolution", "resolved_at", "resolved_on_time"]
        if appeal.extension_requested_due is not None:
            appeal.extension_requested_due = None
            fields.append("extension_requested_due")
            AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
                status=ExtensionStatus.REJECTED, decided_at=now, decision_note="诉求已办结，申请失效"
            )
        t = _commit(
            appeal,
            move="resolve",
            actor=actor,
            now=now,
            before=before,
            fields=fields,
            to_status=Status.RESOLVED,
            note=resolution,
            data={"on_time": appeal.resolved_on_time, "files": [e.original_name for e in evidence]},
        )
        _attach(evidence, t)
        _tell(hub_ids, "appeal.resolved", appeal, "诉求已办结，待核验", resolution[:200], now=now)
    return appeal


def appeal_verify(*, appeal_id: int, actor, note: str = "", expected_version=None, now=None) -> Appeal:
    """The hub or supervision office confirms the resolution; the enterprise has 10
    working days to rate."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="verify", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        appeal.verified_at = now
        appeal.rating_reminded_at = None
        _commit(
            appeal,
            move="verify",
            actor=actor,
            now=now,
            before=before,
            fields=["verified_at", "rating_reminded_at"],
            to_status=Status.VERIFIED,
            note=_text(note, "核验意见", "note", required=False),
        )
        eid = appeal.enterprise_id
        _tell(
            lambda: enterprise_user_ids(eid),
            "appeal.rate",
            appeal,
            "您的诉求已办结，请对办理情况进行满意度评价",
            appeal.resolution[:200],
            now=now,
        )
    return appeal


def appeal_reject_verification(
    *, appeal_id: int, actor, reason: str, expected_version=None, now=None
) -> Appeal:
    now = _now(now)
    reason = _text(reason, "核验不通过理由", "reason")
    with _moving(
        appeal_id=appeal_id,
        move="reject_verification",
        actor=actor,
        expected_version=expected_version,
        now=now,
    ) as (appeal, before):
        appeal.resolved_at = None
        appeal.resolved_on_time = None
        _commit(
            appeal,
            move="reject_verification",
            actor=actor,
            now=now,
            before=before,
            fields=["resolved_at", "resolved_on_time"],
            to_status=Status.IN_PROGRESS,
            note=reason,
        )
        _tell(
            _handler_or_unit(appeal),
            "appeal.verification_rejected",
            appeal,
            "办结核验未通过，请继续办理",
            reason,
            now=now,
        )
    return appeal


def _reopen_deadlines(appeal, now) -> list[str]:
    """Re-handling gets the unit's full limit again from today."""
    today = timezone.localdate(now)
    days = appeal.handling_days or clock.handling_days_for(category=appeal.category, channel=appeal.channel)
    appeal.handling_due, appeal.legal_due = clock.handling_dues_for(
        base=today, days=days, category=appeal.category
    )
    return ["handling_due", "legal_due"]


def appeal_rate(
    *, appeal_id: int, actor, rating, comment: str = "", expected_version=None, now=None
) -> Appeal:
    """The enterprise rates on five levels (the hub may record a phone call-back). 不满意
    or worse reopens it to the same lead unit with the enterprise's reason, counting one
    re-handling against that unit; otherwise it is closed."""
    now = _now(now)
    try:
        rating = Rating(int(rating))
    except (TypeError, ValueError):
        raise ServiceError("请选择满意度（非常满意至非常不满意）", field="rating")
    unsatisfied = rating <= Rating.UNSATISFIED
    comment = _text(comment, "不满意的原因", "comment", required=unsatisfied)
    with _moving(
        appeal_id=appeal_id, move="rate", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        appeal.rating, appeal.rating_comment = int(rating), comment
        fields = ["rating", "rating_comment"]
        data = {
            "rating": int(rating),
            "rating_label": rating.label,
            "lead_unit_id": appeal.lead_unit_id,
            "recorded_by_hub": actor is not None and actor.role == Role.HUB,
        }
        if unsatisfied:
            appeal.reopen_count += 1
            appeal.resolved_at = appeal.verified_at = appeal.resolved_on_time = None
            fields += [
                "reopen_count",
                "resolved_at",
                "verified_at",
                "resolved_on_time",
                *_reopen_deadlines(appeal, now),
            ]
            data["reopened"] = True
            data["handling_from"] = timezone.localdate(now).isoformat()
            _commit(
                appeal,
                move="rate",
                actor=actor,
                now=now,
                before=before,
                fields=fields,
                to_status=Status.IN_PROGRESS,
                note=comment,
                data=data,
            )
            _tell(
                _handler_or_unit(appeal),
                "appeal.reopened",
                appeal,
                f"企业评价“{rating.label}”，诉求退回重办",
                comment,
                now=now,
            )
            _tell(
                hub_ids,
                "appeal.reopened",
                appeal,
                f"企业评价“{rating.label}”，诉求退回重办",
                comment,
                now=now,
            )
        else:
            appeal.closed_at, appeal.close_reason = now, CloseReason.RATED
            fields += ["closed_at", "close_reason"]
            _commit(
                appeal,
                move="rate",
                actor=actor,
                now=now,
                before=before,
                fields=fields,
                to_status=Status.CLOSED,
                note=comment,
                data=data,
            )
    return appeal


def appeal_remind_rating(*, appeal_id: int, now=None) -> int:
    """The one rating reminder (clock job). Not a move: it changes no state and does not
    bump the version (the enterprise's open form stays valid). Returns 1 if sent."""
    now = _now(now)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id, status=Status.VERIFIED).first()
        if appeal is None or appeal.rating_reminded_at is not None:
            return 0
        Appeal.objects.filter(pk=appeal.pk).update(rating_reminded_at=now)
        Transition.objects.create(
            appeal=appeal,
            action="remind_rating",
            from_status=appeal.status,
            to_status=appeal.status,
            at=now,
            note=f"请于{appeal.clock_due:%Y-%m-%d}前评价，逾期按未评价关闭",
        )
        audit_record(
            action="appeal.remind_rating", obj=appeal, actor=None, after={"rating_reminded_at": now}, now=now
        )
        eid = appeal.enterprise_id
        notify_on_commit(
            recipients=lambda: enterprise_user_ids(eid),
            kind="appeal.rate_reminder",
            title=f"[{appeal.code}] 提醒：请对诉求办理情况进行评价",
            body=f"请于{appeal.clock_due:%Y年%m月%d日}前评价，逾期将按“企业未评价”关闭。",
            url=appeal_url(appeal.pk),
            dedupe_key=f"appeal:{appeal.pk}:rate_reminder:{appeal.verified_at:%Y%m%d%H%M%S}",
            now=now,
        )
    return 1


def appeal_close_not_rated(*, appeal_id: int, now=None, actor=None, expected_version=None) -> Appeal:
    """No rating within 10 working days after the one reminder: closed as not rated (clock job)."""
    now = _now(now)
    with _moving(
        appeal_id=appeal_id, move="close_not_rated", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        if (
            appeal.rating_reminded_at is None
            or appeal.clock_due is None
            or timezone.localdate(now) <= appeal.clock_due
        ):
            raise ConflictError("评价期限未届满或尚未提醒，不能按未评价关闭")
        appeal.closed_at, appeal.close_reason = now, CloseReason.NOT_RATED
        _commit(
            appeal,
            move="close_not_rated",
            actor=actor,
            now=now,
            before=before,
            fields=["closed_at", "close_reason"],
            to_status=Status.CLOSED,
            note="企业在规定期限内未评价",
        )
    return appeal


# ---------------------------------------------------------------------------------------
# Exemption and merge
# ---------------------------------------------------------------------------------------


def appeal_request_exemption(
    *, appeal_id: int, actor, explanation: str, evidence_files=None, expected_version=None, now=None
) -> Appeal:
    """seeds/000 五(二)3: cannot be solved this year because of e.g. a national policy
    change → a formal explanation → the hub decides. It stays open and visible."""
    now = _now(now)
    explanation = _text(explanation, "解释说明", "explanation")
    with _moving(
        appeal_id=appeal_id, move="request_exemption", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        evidence = _store_evidence(appeal, evidence_files, actor=actor, now=now, description="不纳入考核说明")
        appeal.exemption_status = ExemptionStatus.REQUESTED
        t = _commit(
            appeal,
            move="request_exemption",
            actor=actor,
            now=now,
            before=before,
            fields=["exemption_status"],
            note=explanation,
            data={"files": [e.original_name for e in evidence]},
        )
        _attach(evidence, t)
        _tell(hub_ids, "appeal.exemption", appeal, "申请不纳入考核，待审核", explanation[:200], now=now)
    return appeal


def _decide_exemption(move, status, *, appeal_id, actor, note, required, expected_version, now) -> Appeal:
    now = _now(now)
    note = _text(
        note, "理由" if required else "审核意见", "reason" if required else "note", required=required
    )
    with _moving(appeal_id=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now) as (
        appeal,
        before,
    ):
        appeal.exemption_status = status
        _commit(
            appeal, move=move, actor=actor, now=now, before=before, fields=["exemption_status"], note=note
        )
        label = "已批准不纳入考核" if status == ExemptionStatus.APPROVED else "不纳入考核申请未获批准"
        _tell(_handler_or_unit(appeal), "appeal.exemption", appeal, label, note, now=now)
    return appeal


def appeal_approve_exemption(
    *, appeal_id: int, actor, note: str = "", expected_version=None, now=None
) -> Appeal:
    return _decide_exemption(
        "approve_exemption",
        ExemptionStatus.APPROVED,
        appeal_id=appeal_id,
        actor=actor,
        note=note,
        required=False,
        expected_version=expected_version,
        now=now,
    )


def appeal_reject_exemption(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    return _decide_exemption(
        "reject_exemption",
        ExemptionStatus.REJECTED,
        appeal_id=appeal_id,
        actor=actor,
        note=reason,
        required=True,
        expected_version=expected_version,
        now=now,
    )


def appeal_merge(
    *, appeal_id: int, actor, into_id: int, reason: str, expected_version=None, now=None
) -> Appeal:
    """A duplicate of an open appeal of the same enterprise is linked to it (merged_into),
    never lost: it stays readable, its timeline records the merge, and the target's
    timeline records the duplicate."""
    now = _now(now)
    reason = _text(reason, "合并理由", "reason")
    try:
        into_id = int(into_id)
    except (TypeError, ValueError):
        raise ServiceError("请选择要合并至的诉求", field="into_id")
    with _moving(
        appeal_id=appeal_id, move="merge", actor=actor, expected_version=expected_version, now=now
    ) as (appeal, before):
        target = Appeal.objects.filter(pk=into_id).first()
        if target is None or target.pk == appeal.pk:
            raise ServiceError("要合并至的诉求不存在", field="into_id")
        if target.enterprise_id != appeal.enterprise_id:
            raise ServiceError("只能合并至同一企业的诉求", field="into_id")
        if target.status not in OPEN_STATUSES:
            raise ServiceError("只能合并至尚未办结的诉求", field="into_id")
        appeal.merged_into = target
        appeal.closed_at, appeal.close_reason = now, CloseReason.MERGED
        # Duplicates of this one follow it, so no chain is left pointing at a closed appeal.
        Appeal.objects.filter(merged_into=appeal).update(merged_into=target)
        _commit(
            appeal,
            move="merge",
            actor=actor,
            now=now,
            before=before,
            fields=["merged_into", "closed_at", "close_reason"],
            to_status=Status.MERGED,
            note=reason,
            data={"into_id": target.pk, "into_code": target.code},
        )
        Transition.objects.create(
            appeal=target,
            action="merged_in",
            from_status=target.status,
            to_status=target.status,
            actor=actor,
            actor_unit_id=getattr(actor, "unit_id", None),
            at=now,
            note=reason,
            data={"duplicate_id": appeal.pk, "duplicate_code": appeal.code, "title": appeal.title},
        )
    return appeal


# ---------------------------------------------------------------------------------------
# Timeline notes for other apps, and the clock job's notices
# ---------------------------------------------------------------------------------------


def appeal_timeline_note(
    *, appeal, actor, action: str, note: str, data: dict | None = None, now=None
) -> Transition:
    """Put an entry on the appeal's timeline without changing its state (e.g. the
    coordination app's meeting opinion or task). `action` is a short machine name such as
    "meeting_opinion"; a human label may be passed as data["label"]. Audited."""
    now = _now(now)
    appeal_id = getattr(appeal, "pk", appeal)
    with transaction.atomic():
        row = Appeal.objects.filter(pk=appeal_id).only("pk", "status").first()
        if row is None:
            raise AccessDenied()
        t = Transition.objects.create(
            appeal_id=row.pk,
            action=action[:40],
            from_status=row.status,
            to_status=row.status,
            actor=actor,
            actor_unit_id=getattr(actor, "unit_id", None),
            at=now,
            note=note or "",
            data=data or {},
        )
        audit_record(
            action=f"appeal.note.{action}"[:64],
            obj=row,
            actor=actor,
            after={"note": note, "data": data or {}},
            now=now,
        )
    return t


def _clock_recipients(appeal, light: str) -> Callable[[], list[int]]:
    status, lead, handler, received_by = (
        appeal.status,
        appeal.lead_unit_id,
        appeal.handler_id,
        appeal.received_by_id,
    )

    def ids() -> list[int]:
        if status in (Status.SUBMITTED, Status.TRANSFER_REQUESTED, Status.RESOLVED):
            out = hub_ids()
            return out + [received_by] if status == Status.SUBMITTED else out
        if status == Status.ASSIGNED:
            return unit_staff_ids(lead) + [received_by]
        # in_progress / escalated: the handler; when overdue also the unit head and the hub.
        out = [handler] if handler else unit_staff_ids(lead)
        if light == Light.RED:
            out += unit_staff_ids(lead, [Role.UNIT_HEAD]) + hub_ids()
        return out

    return ids


CLOCK_WAITING = {
    Status.SUBMITTED: "分办",
    Status.ASSIGNED: "签收",
    Status.TRANSFER_REQUESTED: "改派",
    Status.IN_PROGRESS: "办理",
    Status.ESCALATED: "办理",
    Status.RESOLVED: "核验",
}


def notify_clock(*, appeal, light: str, now=None) -> int:
    """A yellow reminder or a red overdue notice for the appeal's current deadline; the
    dedupe key (appeal, state, deadline, light) makes repeats a no-op."""
    what = CLOCK_WAITING.get(appeal.status)
    if what is None or appeal.clock_due is None:
        return 0
    if light == Light.YELLOW:
        title = f"临期提醒：请于{appeal.clock_due:%Y-%m-%d}前完成{what}"
    else:
        title = f"超期通知：{what}期限{appeal.clock_due:%Y-%m-%d}已过"
    return notify(
        recipients=_clock_recipients(appeal, light)(),
        kind=f"appeal.clock_{light}",
        title=f"[{appeal.code}] {title}",
        body=appeal.title,
        url=appeal_url(appeal.pk),
        dedupe_key=f"appeal:{appeal.pk}:{light}:{appeal.status}:{appeal.clock_due:%Y%m%d}",
        now=now,
    )


def notify_cooperation_overdue(*, cooperation, now=None) -> int:
    return notify(
        recipients=unit_staff_ids(cooperation.unit_id),
        kind="appeal.cooperation_overdue",
        title=f"[{cooperation.appeal.code}] 配合意见已超期（期限{cooperation.due:%Y-%m-%d}）",
        body=cooperation.appeal.title,
        url=appeal_url(cooperation.appeal_id),
        dedupe_key=f"appeal:{cooperation.appeal_id}:coop:{cooperation.unit_id}:{cooperation.due:%Y%m%d}",
        now=now,
    )


# ---------------------------------------------------------------------------------------
# The dispatcher
# ---------------------------------------------------------------------------------------

SERVICES: dict[str, Callable] = {
    "request_materials": appeal_request_materials,
    "complete_materials": appeal_complete_materials,
    "assign": appeal_assign,
    "sign": appeal_sign,
    "object": appeal_object,
    "settle_transfer": appeal_settle_transfer,
    "follow_up": appeal_follow_up,
    "cooperate_answer": appeal_cooperate_answer,
    "add_progress": appeal_add_progress,
    "add_evidence": appeal_add_evidence,
    "request_extension": appeal_request_extension,
    "approve_extension": appeal_approve_extension,
    "reject_extension": appeal_reject_extension,
    "escalate": appeal_escalate,
    "resume_handling": appeal_resume_handling,
    "resolve": appeal_resolve,
    "verify": appeal_verify,
    "reject_verification": appeal_reject_verification,
    "rate": appeal_rate,
    "close_not_rated": appeal_close_not_rated,
    "request_exemption": appeal_request_exemption,
    "approve_exemption": appeal_approve_exemption,
    "reject_exemption": appeal_reject_exemption,
    "merge": appeal_merge,
}


APPEAL.services.update(SERVICES)


def appeal_move(
    *,
    appeal_id: int,
    move: str,
    actor,
    expected_version: int | None = None,
    now: datetime | None = None,
    **data,
) -> Appeal:
    """Perform any move of the table by name. `data` holds the move's fields (see
    machine.MOVES[move].fields); other keys are ignored, so a whole form's data may be
    passed. Raises ConflictError (409) for an unknown, illegal or stale move, Forbidden
    (403) for a move this user may not make, ServiceError (400) for bad data."""
    result = APPEAL.dispatch(
        pk=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now, **data
    )
    if isinstance(result, Appeal):
        return result
    return Appeal.objects.get(pk=appeal_id)
