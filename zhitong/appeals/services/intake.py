"""Intake: registering an appeal from any channel (idempotent per client and payload), and
the materials moves before routing (the one-time notice of missing materials, and their
completion)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import lock_many, retrying
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.organizations import capabilities

from .. import deadlines
from ..choices import Channel, Status
from ..codes import next_code
from ..machine import APPEAL
from ..models import Appeal, Category
from ..notices import materials_notice
from ..recipe import record_transition
from ._inputs import text
from .closing import appeal_merge

INTAKE_CLOCK_SKEW = timedelta(minutes=10)
# The issue lists the administrator among those who register (the intake form).
INTAKE_ROLES = capabilities.APPEAL_REGISTRAR_ROLES


class IdempotencyMismatch(ServiceError):
    """The key (or the source system's id) was already used by this client for a request
    with a different payload (HTTP 422): replaying it would answer a question not asked."""

    status = 422
    code = "idempotency_mismatch"


def intake_fingerprint(**payload) -> str:
    """The SHA-256 of an intake request's canonical payload: its fields as JSON with sorted
    keys, times in UTC, so the same request sent again (by a retrying client) hashes the
    same and a different one does not."""

    def canonical(value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        return value

    body = json.dumps(
        {k: canonical(v) for k, v in payload.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _existing_intake(actor, idempotency_key, source_system, source_id) -> Appeal | None:
    """The appeal this client registered earlier under the same key or source id. Only the
    client's own: another client's key is simply another key, and nothing about it shows."""
    own = Appeal.objects.filter(received_by_id=getattr(actor, "pk", None))
    if idempotency_key:
        found = own.filter(idempotency_key=idempotency_key).first()
        if found:
            return found
    if source_id:
        return own.filter(source_system=source_system, source_id=source_id).first()
    return None


def _replay(existing: Appeal, fingerprint: str) -> Appeal:
    # Rows registered before the payload was hashed have no hash: replayed as before.
    if existing.intake_hash and existing.intake_hash != fingerprint:
        raise IdempotencyMismatch(
            f"该幂等键或来源编号已用于登记诉求 {existing.code}，但本次请求内容不同；"
            "如需登记新的诉求，请使用新的幂等键或来源编号"
        )
    return existing


def web_receiving_unit_id() -> int | None:
    """The unit that receives an enterprise's own web submission: the hub's (the first
    inquiry of a web submission is the hub's duty, issue 12) — the unit of the first active
    hub member."""
    from zhitong.organizations.choices import Role
    from zhitong.organizations.models import User

    return (
        User.objects.filter(is_active=True, role=Role.HUB, unit__isnull=False)
        .order_by("pk")
        .values_list("unit_id", flat=True)
        .first()
    )


@retrying
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
    enterprise_web: bool = False,
    now: datetime | None = None,
) -> tuple[Appeal, bool]:
    """Register an appeal from any channel; returns (appeal, created).

    The actor becomes the first-inquiry owner (首问负责, seeds/003 四) and their unit the
    receiving unit. Idempotent per client (the actor): the same `idempotency_key`, or the
    same (`source_system`, `source_id`), with the same payload returns the appeal
    registered the first time (created=False); with a different payload it is refused
    (IdempotencyMismatch, 422). The unique constraints settle a race between two posts.
    Everything is saved in one transaction, so a request that failed after it was saved
    (the response was lost) is answered from the saved appeal when sent again.
    Missing materials put it in materials_pending with the one-time notice (seeds/003
    六.2); `duplicate_of_id` links it at once to the open appeal it repeats (the merge
    move, in the same transaction: the actor must be able to see that appeal, else 404
    and nothing is registered). `enterprise_web`: the enterprise's own submission on the
    portal (issue 12), by an enterprise user for its own enterprise, received by the hub.
    """
    from zhitong.enterprises.models import Enterprise
    from zhitong.projects.models import Project

    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip() or None
    source_system, source_id = (source_system or "").strip(), (source_id or "").strip()
    fingerprint = intake_fingerprint(
        enterprise_id=enterprise_id,
        title=title,
        description=description,
        category_id=category_id,
        channel=channel,
        project_id=project_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        materials_missing=list(materials_missing or []),
        received_at=received_at,
        source_system=source_system,
        source_id=source_id,
        duplicate_of_id=duplicate_of_id,
    )
    existing = _existing_intake(actor, idempotency_key, source_system, source_id)
    if existing is not None:
        return _replay(existing, fingerprint), False

    received_unit_id = getattr(actor, "unit_id", None)
    if enterprise_web:
        # issue 12: an enterprise's own submission on the portal (eportal). Only its own
        # enterprise, only as a web submission, nothing back-dated, no staff-only inputs;
        # the first-inquiry duty is the hub's (its unit receives it).
        if not capabilities.submits_own_appeals(actor) or enterprise_id != actor.enterprise_id:
            raise Forbidden("您无权为该企业提交诉求")
        if channel != Channel.WEB or received_at or materials_missing or duplicate_of_id or source_id:
            raise ServiceError("企业网上提交只能使用网上申报渠道", field="channel")
        received_unit_id = web_receiving_unit_id()
        if received_unit_id is None:
            raise ServiceError("平台尚未设置统筹协调机构，暂不能网上提交，请拨打12345热线", code="no_unit")
    elif not capabilities.can_register_appeals(actor):
        raise Forbidden("您无权登记诉求")
    elif not actor.unit_id:
        raise ServiceError("登记人未设置所在单位，不能作为首问责任人", code="no_unit")
    title = text(title, "诉求标题", "title", max_len=200)
    description = text(description, "诉求内容", "description")
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
            if duplicate_of_id:
                # The appeal it repeats is locked first, before anything is written (locks
                # in one order; with ZHITONG_AUDIT_SEAL="inline" the audit log's head is
                # locked at the first audit event, and a row lock after it could close a
                # circle with a move on that appeal).
                lock_many(Appeal, [duplicate_of_id])
            appeal = Appeal(
                code=next_code(received_on.year),
                enterprise=enterprise,
                project=project,
                title=title,
                description=description,
                category=category,
                channel=channel,
                status=Status.MATERIALS_PENDING if missing else Status.SUBMITTED,
                received_at=received_at,
                received_by=actor,
                received_unit_id=received_unit_id,
                contact_name=text(contact_name, "联系人", "contact_name", required=False, max_len=50),
                contact_phone=text(contact_phone, "联系电话", "contact_phone", required=False, max_len=20),
                materials_complete=not missing,
                materials_completed_on=None if missing else received_on,
                materials_notice_at=received_at if missing else None,  # seeds/003 六.2
                state_since=received_at,
                idempotency_key=idempotency_key,
                source_system=source_system,
                source_id=source_id,
                intake_hash=fingerprint,
            )
            deadlines.recompute(appeal)
            appeal.save()
            # The timeline rows written here, kept on the object: the API answers from them
            # (appeals/api.py `_intake_detail`) instead of reading the appeal back (issue 14).
            appeal.intake_timeline = []
            appeal.intake_timeline.append(
                record_transition(
                    appeal,
                    move="intake",
                    from_status="",
                    to_status=appeal.status,
                    actor=actor,
                    now=received_at,
                    data={"channel": channel, "source_system": source_system, "source_id": source_id},
                )
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
                appeal.intake_timeline.append(
                    record_transition(
                        appeal,
                        move="request_materials",
                        from_status=Status.SUBMITTED,
                        to_status=Status.MATERIALS_PENDING,
                        actor=actor,
                        now=received_at,
                        note="；".join(missing),
                        data=materials_notice(appeal, missing=missing, at=received_at, now=now),
                    )
                )
            if duplicate_of_id:
                appeal = appeal_merge(
                    appeal_id=appeal.pk,
                    actor=actor,
                    into_id=duplicate_of_id,
                    reason="登记时确认为重复诉求",
                    now=now,
                )
    except IntegrityError:
        # A concurrent post with the same key won the race: answer with its appeal.
        existing = _existing_intake(actor, idempotency_key, source_system, source_id)
        if existing is not None:
            return _replay(existing, fingerprint), False
        raise
    return appeal, True


@APPEAL.service("request_materials")
def appeal_request_materials(
    *, appeal_id: int, actor, missing_items, note: str = "", expected_version=None, now=None
) -> Appeal:
    """seeds/003 六.2: one notice listing every missing item; the time limit waits. Once
    per appeal: the machine's guard refuses a second notice (`materials_notice_at`)."""
    if isinstance(missing_items, str):
        missing_items = missing_items.splitlines()
    missing = [m.strip() for m in (missing_items or []) if m and str(m).strip()]
    if not missing:
        raise ServiceError("请逐项列出需补齐的全部材料", code="required", field="missing_items")
    note = text(note, "说明", "note", required=False) or "；".join(missing)
    with APPEAL.moving(
        pk=appeal_id, move="request_materials", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.materials_complete, step.obj.materials_completed_on = False, None
        step.obj.materials_notice_at = step.now
        data = materials_notice(step.obj, missing=missing, at=step.now, now=step.now)
        fields = ["materials_complete", "materials_completed_on", "materials_notice_at"]
        step.commit(fields=fields, note=note, data=data)
    return step.obj


@APPEAL.service("complete_materials")
def appeal_complete_materials(
    *, appeal_id: int, actor, note: str = "", evidence_files=None, expected_version=None, now=None
) -> Appeal:
    """The materials are complete: the time limit counts from today (seeds/003 六.2). The
    enterprise (issue 12) or the clerk may attach the requested materials as files."""
    from .evidence import attach, file_names, store_evidence

    note = text(note, "说明", "note", required=False)
    with APPEAL.moving(
        pk=appeal_id, move="complete_materials", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.materials_complete, step.obj.materials_completed_on = True, timezone.localdate(step.now)
        evidence = store_evidence(step.obj, evidence_files, actor=actor, now=step.now, description=note)
        data = {"files": file_names(evidence)} if evidence else None
        attach(
            evidence,
            step.commit(fields=["materials_complete", "materials_completed_on"], note=note, data=data),
        )
    return step.obj
