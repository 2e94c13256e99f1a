"""Writes of the enterprise portal (issue 12): sign-up, contacts' access, and the
enterprise's own web submission of an appeal."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Transition
from zhitong.appeals.services import appeal_intake
from zhitong.appeals.services.evidence import attach, evidence_check, store_evidence
from zhitong.audit.services import audit_record
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.validators import credit_code_error
from zhitong.notifications.services import notify
from zhitong.organizations.capabilities import submits_own_appeals
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from . import otp
from .choices import AccessStatus
from .machine import CONTACT
from .models import ContactAccess, PhoneCode, Signup

MAX_ATTACHMENTS = 5  # files on one web submission (each within ZHITONG_EVIDENCE_MAX_BYTES)


def principal_ids(enterprise_id: int) -> list[int]:
    return list(
        ContactAccess.objects.filter(
            enterprise_id=enterprise_id, is_principal=True, status=AccessStatus.APPROVED, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def hub_ids() -> list[int]:
    return list(User.objects.filter(is_active=True, role=Role.HUB).values_list("pk", flat=True))


def enterprise_for_code(credit_code: str) -> Enterprise:
    err = credit_code_error(credit_code)
    if err:
        raise ServiceError(err, field="credit_code")
    enterprise = Enterprise.objects.filter(credit_code=credit_code, is_active=True).first()
    if enterprise is None:
        raise ServiceError(
            "企业库中没有该统一社会信用代码的企业，请联系项目管家或拨打12345热线登记企业信息后再注册",
            field="credit_code",
            code="enterprise_unknown",
        )
    return enterprise


def signup_start(
    *, credit_code: str, name: str, phone: str, password: str, address: str = "", now: datetime | None = None
) -> Signup:
    """Start a sign-up and send the first code (the account is created by `signup_verify`)."""
    now = now or timezone.now()
    enterprise = enterprise_for_code(credit_code)
    if User.objects.filter(username=phone).exists():
        raise ServiceError("该手机号已注册，请直接登录", field="phone", code="phone_taken")
    with transaction.atomic():
        signup = Signup.objects.create(
            enterprise=enterprise,
            name=name.strip(),
            phone=phone,
            password_hash=make_password(password),
            client_addr=address or "",
            created_at=now,
        )
        otp.send_code(signup, address=address, now=now)
    return signup


def signup_resend(*, signup: Signup, address: str = "", now: datetime | None = None) -> PhoneCode:
    if signup.completed_at is not None:
        raise ServiceError("该注册已完成，请直接登录", code="signup_done")
    with transaction.atomic():
        return otp.send_code(signup, address=address, now=now)


def signup_verify(*, signup: Signup, code: str, now: datetime | None = None) -> User:
    """The code is right: the account exists, without its enterprise until approved. The
    enterprise's principal approves it; an enterprise without one has the hub confirm the
    first contact as its principal (machine.py says why)."""
    now = now or timezone.now()
    if signup.completed_at is not None:
        raise ServiceError("该注册已完成，请直接登录", code="signup_done")
    otp.check_code(signup, code, now=now)
    with transaction.atomic():
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.completed_at is not None or User.objects.filter(username=signup.phone).exists():
            raise ServiceError("该手机号已注册，请直接登录", field="code", code="phone_taken")
        user = User(
            username=signup.phone,
            full_name=signup.name,
            phone=signup.phone,
            role=Role.ENTERPRISE,
            enterprise=None,  # nothing of the enterprise is visible before the approval
            password=signup.password_hash,
            is_active=True,
        )
        user.save()
        principals = principal_ids(signup.enterprise_id)
        access = ContactAccess.objects.create(
            user=user,
            enterprise_id=signup.enterprise_id,
            status=AccessStatus.PENDING_PRINCIPAL if principals else AccessStatus.PENDING_HUB,
            is_principal=not principals,
            state_since=now,
        )
        signup.completed_at = now
        signup.save(update_fields=["completed_at"])
        audit_record(
            action="contact_access.signup",
            obj=access,
            actor=user,
            after={
                "enterprise_id": signup.enterprise_id,
                "status": access.status,
                "is_principal": access.is_principal,
            },
            now=now,
        )
        enterprise_name = signup.enterprise.name
        if principals:
            title = f"{signup.name}申请作为{enterprise_name}的联系人，请审核"
            notify(
                recipients=principals,
                kind="eportal.contact_pending",
                title=title,
                url="/e/contacts/",
                now=now,
            )
        else:
            title = f"{signup.name}申请作为{enterprise_name}的负责联系人，请核实确认"
            notify(
                recipients=hub_ids,
                kind="eportal.contact_pending",
                title=title,
                url="/e/hub/contacts/",
                now=now,
            )
    return user


# ---------------------------------------------------------------------------------------
# The moves of a contact's access
# ---------------------------------------------------------------------------------------


def _decide(step, *, approve: bool, principal: bool = False, note: str = "") -> None:
    access = step.obj
    access.decided_by, access.decided_at = step.actor, step.now
    fields = ["decided_by", "decided_at"]
    user = User.objects.select_for_update().get(pk=access.user_id)
    user.enterprise_id = access.enterprise_id if approve else None
    user.save(update_fields=["enterprise"])
    step.commit(fields=fields, note=note, data={"user_id": user.pk, "principal": principal})
    title = "您的企业联系人账号已开通" if approve else "您的企业联系人账号未开通或已停用"
    step.tell([user.pk], kind="eportal.contact_decided", title=title, body=note, url="/e/")


def _reason(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError("请填写理由", field="reason", code="required")
    return value


@CONTACT.service("approve")
def access_approve(*, access_id: int, actor, note: str = "", expected_version=None, now=None):
    with CONTACT.moving(
        pk=access_id, move="approve", actor=actor, expected_version=expected_version, now=now
    ) as step:
        _decide(step, approve=True, note=note or "")
    return step.obj


@CONTACT.service("reject")
def access_reject(*, access_id: int, actor, reason: str, expected_version=None, now=None):
    reason = _reason(reason)
    with CONTACT.moving(
        pk=access_id, move="reject", actor=actor, expected_version=expected_version, now=now
    ) as step:
        _decide(step, approve=False, note=reason)
    return step.obj


@CONTACT.service("confirm_principal")
def access_confirm_principal(*, access_id: int, actor, note: str = "", expected_version=None, now=None):
    with CONTACT.moving(
        pk=access_id, move="confirm_principal", actor=actor, expected_version=expected_version, now=now
    ) as step:
        if principal_ids(step.obj.enterprise_id):
            # Another contact became the principal meanwhile: this one waits for them instead.
            raise ServiceError("该企业已有负责联系人，本申请应由企业负责人审核", code="has_principal")
        step.obj.is_principal = True
        _decide(step, approve=True, principal=True, note=note or "")
    return step.obj


@CONTACT.service("refuse_principal")
def access_refuse_principal(*, access_id: int, actor, reason: str, expected_version=None, now=None):
    reason = _reason(reason)
    with CONTACT.moving(
        pk=access_id, move="refuse_principal", actor=actor, expected_version=expected_version, now=now
    ) as step:
        _decide(step, approve=False, note=reason)
    return step.obj


@CONTACT.service("revoke")
def access_revoke(*, access_id: int, actor, reason: str, expected_version=None, now=None):
    reason = _reason(reason)
    with CONTACT.moving(
        pk=access_id, move="revoke", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.is_principal = False
        _decide(step, approve=False, note=reason)
    return step.obj


# ---------------------------------------------------------------------------------------
# The enterprise's own submission
# ---------------------------------------------------------------------------------------


def enterprise_submit(
    *,
    actor,
    title: str,
    description: str,
    category_id: int,
    contact_name: str = "",
    contact_phone: str = "",
    attachments=(),
    idempotency_key: str | None = None,
    now: datetime | None = None,
):
    """The enterprise submits an appeal on the portal: the appeals intake with channel web,
    received by the hub (the first inquiry is the hub's), idempotent per form (a double
    click returns the appeal of the first click). Returns (appeal, created)."""
    if not submits_own_appeals(actor):
        raise Forbidden("您的账号尚未开通本企业的诉求提交")
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise ServiceError(f"附件最多{MAX_ATTACHMENTS}个", field="attachments", code="too_many_files")
    for upload in attachments:
        evidence_check(upload)  # every file refused before anything is saved
    now = now or timezone.now()
    with transaction.atomic():
        appeal, created = appeal_intake(
            actor=actor,
            enterprise_id=actor.enterprise_id,
            title=title,
            description=description,
            category_id=category_id,
            channel=Channel.WEB,
            contact_name=contact_name,
            contact_phone=contact_phone,
            idempotency_key=idempotency_key,
            enterprise_web=True,
            now=now,
        )
        if created and attachments:
            evidence = store_evidence(
                appeal, attachments, actor=actor, now=now, description="企业提交诉求时上传"
            )
            row = Transition.objects.filter(appeal=appeal, action="intake").order_by("pk").first()
            attach(evidence, row)
    return appeal, created
