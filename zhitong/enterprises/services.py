"""Writes for enterprises, contacts and 1+1+N teams, and the audited phone reveal.
Every write records an audit event in the same transaction."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhitong.audit.changes import apply_changes, changed_only, snapshot
from zhitong.audit.services import audit_record
from zhitong.common.transitions import record_state_change, retrying
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.organizations.capabilities import can_add_enterprises_at_intake, is_government_user
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit, User

from .choices import Industry, ReviewStatus, TeamRole
from .machine import CORRECTABLE, ENTERPRISE
from .models import SIZE_FLAGS, TAG_FLAGS, Contact, Enterprise, TeamMember
from .selectors import can_see_full_phone, contact_get_for_user, enterprises_like
from .validators import credit_code_error, phone_error

ENTERPRISE_FIELDS = (
    "credit_code",
    "name",
    "industry",
    "location_id",
    "address",
    "legal_representative",
    *SIZE_FLAGS,
    *TAG_FLAGS,
    "butler_id",
    "is_active",
)
CONTACT_FIELDS = ("name", "position", "phone", "is_primary")
LOCATION_KINDS = (UnitKind.COUNTY, UnitKind.PARK)


def location_error(unit: Unit | None) -> str | None:
    """An enterprise is located in a county/district or a park, or in a unit under one
    (a town or street office)."""
    if unit is None:
        return "所在县区/园区不能为空"
    ancestor_ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    if (
        unit.kind in LOCATION_KINDS
        or Unit.objects.filter(pk__in=ancestor_ids, kind__in=LOCATION_KINDS).exists()
    ):
        return None
    return f"“{unit.name}”不是县（市）区或园区"


def enterprise_check(e: Enterprise) -> None:
    """Raise ServiceError (with `field`) if the enterprise breaks a rule; the import
    calls it too, so both report the same reasons."""
    err = credit_code_error(e.credit_code)
    if err:
        raise ServiceError(err, field="credit_code")
    if not e.name or not e.name.strip():
        raise ServiceError("企业名称不能为空", field="name")
    if e.industry not in Industry.values:
        raise ServiceError(f"行业“{e.industry}”无效", field="industry")
    err = location_error(e.location)
    if err:
        raise ServiceError(err, field="location")
    if e.above_scale and e.entering_scale:
        raise ServiceError("已是规上企业，不能同时标为“即将上规”", field="entering_scale")
    if e.leaving_scale and not e.above_scale:
        raise ServiceError("“濒临下规”只适用于规上企业", field="leaving_scale")


@transaction.atomic
def enterprise_create(
    *,
    actor: User | None,
    credit_code: str,
    name: str,
    industry: str,
    location: Unit,
    now: datetime | None = None,
    **fields,
) -> Enterprise:
    """Register an enterprise. `fields` are the other ENTERPRISE_FIELDS (flags, tags,
    address, legal representative, butler)."""
    now = now or timezone.now()
    unknown = set(fields) - set(ENTERPRISE_FIELDS) - {"butler"}
    if unknown:
        raise ServiceError(f"未知字段：{', '.join(sorted(unknown))}")
    e = Enterprise(
        credit_code=(credit_code or "").strip(),
        name=(name or "").strip(),
        industry=industry,
        location=location,
    )
    for f, v in fields.items():
        setattr(e, f, v)
    enterprise_check(e)
    if Enterprise.objects.filter(credit_code=e.credit_code).exists():
        raise ConflictError(f"统一社会信用代码“{e.credit_code}”已登记", field="credit_code")
    try:
        with transaction.atomic():  # a savepoint: the unique index settles a race
            e.save()
    except IntegrityError:
        raise ConflictError(f"统一社会信用代码“{e.credit_code}”已登记", field="credit_code")
    if e.butler_id:
        TeamMember.butler_row(e, e.butler).save()
    audit_record(
        action="enterprise.create", obj=e, actor=actor, after=snapshot(e, ENTERPRISE_FIELDS), now=now
    )
    return e


def _stripped(field: str, value):
    return value.strip() if isinstance(value, str) else value


@transaction.atomic
def enterprise_update(
    *, actor: User | None, enterprise: Enterprise, now: datetime | None = None, **changes
) -> Enterprise:
    """Change an enterprise's fields; records only what changed. No change, no event."""
    now = now or timezone.now()
    e = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for fk in ("location", "butler"):
        if fk in changes:
            obj = changes.pop(fk)
            changes[f"{fk}_id"] = obj.pk if obj else None
    before, after = apply_changes(e, changes, ENTERPRISE_FIELDS, _stripped)
    if after == before:
        return e
    if "location_id" in changes:
        e.location = Unit.objects.filter(pk=e.location_id).first()
    enterprise_check(e)
    if (
        e.credit_code != before["credit_code"]
        and Enterprise.objects.filter(credit_code=e.credit_code).exclude(pk=e.pk).exists()
    ):
        raise ConflictError(f"统一社会信用代码“{e.credit_code}”已登记", field="credit_code")
    e.save()
    before, after = changed_only(before, after)
    audit_record(action="enterprise.update", obj=e, actor=actor, before=before, after=after, now=now)
    return e


def _validate_contact(name: str, phone: str) -> None:
    if not name or not name.strip():
        raise ServiceError("联系人姓名不能为空", field="name")
    err = phone_error(phone)
    if err:
        raise ServiceError(err, field="phone")


@transaction.atomic
def contact_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    phone: str,
    position: str = "",
    is_primary: bool = False,
    now: datetime | None = None,
) -> Contact:
    now = now or timezone.now()
    phone = (phone or "").strip().replace(" ", "")
    _validate_contact(name, phone)
    if is_primary:
        # One primary contact per enterprise: the new one takes over.
        enterprise.contacts.filter(is_primary=True).update(is_primary=False)
    c = Contact.objects.create(
        enterprise=enterprise, name=name.strip(), phone=phone, position=position, is_primary=is_primary
    )
    # The audit log keeps the masked number only: it is read more widely than contacts are.
    audit_record(
        action="enterprise.contact_create",
        obj=c,
        actor=actor,
        after={**snapshot(c, ("name", "position", "is_primary")), "enterprise_id": enterprise.pk},
        now=now,
    )
    return c


def _phone_cleaned(field: str, value):
    return (value or "").strip().replace(" ", "") if field == "phone" else value


@transaction.atomic
def contact_update(
    *, actor: User | None, contact: Contact, now: datetime | None = None, **changes
) -> Contact:
    now = now or timezone.now()
    c = Contact.objects.select_for_update().get(pk=contact.pk)
    before, after = apply_changes(c, changes, CONTACT_FIELDS, _phone_cleaned)
    if after == before:
        return c
    _validate_contact(c.name, c.phone)
    if c.is_primary and not before["is_primary"]:
        Contact.objects.filter(enterprise_id=c.enterprise_id, is_primary=True).exclude(pk=c.pk).update(
            is_primary=False
        )
    c.save()
    before, after = changed_only(before, after, masked=("phone",))
    audit_record(action="enterprise.contact_update", obj=c, actor=actor, before=before, after=after, now=now)
    return c


@transaction.atomic
def contact_delete(*, actor: User | None, contact: Contact, now: datetime | None = None) -> None:
    now = now or timezone.now()
    before = {
        **snapshot(contact, ("name", "position", "is_primary")),
        "enterprise_id": contact.enterprise_id,
    }
    audit_record(action="enterprise.contact_delete", obj=contact, actor=actor, before=before, now=now)
    contact.delete()


@transaction.atomic
def enterprise_set_butler(
    *, actor: User | None, enterprise: Enterprise, butler: User | None, now: datetime | None = None
) -> Enterprise:
    """Assign the enterprise's 项目管家 (seeds/002: every 规上工业 and 限上商贸 enterprise
    has one) and keep the butler row of its 1+1+N team in step."""
    now = now or timezone.now()
    e = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if butler is not None and not is_government_user(butler):
        raise ServiceError("项目管家须为在职的政府工作人员")
    before = e.butler_id
    if before == (butler.pk if butler else None):
        return e
    e.butler = butler
    e.save(update_fields=["butler", "updated_at"])
    TeamMember.objects.filter(enterprise=e, role=TeamRole.BUTLER).delete()
    if butler is not None:
        TeamMember.butler_row(e, butler).save()
    audit_record(
        action="enterprise.butler_set",
        obj=e,
        actor=actor,
        before={"butler_id": before},
        after={"butler_id": e.butler_id},
        now=now,
    )
    return e


@transaction.atomic
def team_member_add(
    *,
    actor: User | None,
    enterprise: Enterprise,
    role: str,
    user: User | None = None,
    contact: Contact | None = None,
    unit: Unit | None = None,
    name: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> TeamMember:
    """Add a member to the enterprise's "1+1+N" team (seeds/002: 项目管家 + 企业联系人 +
    相关行政职能部门联系人; 项目秘书 as well). The butler is set with enterprise_set_butler."""
    now = now or timezone.now()
    if role not in TeamRole.values:
        raise ServiceError(f"团队角色“{role}”无效")
    if role == TeamRole.BUTLER:
        raise ServiceError("项目管家请通过“设置项目管家”指定")
    if role == TeamRole.ENTERPRISE_CONTACT:
        if contact is None or contact.enterprise_id != enterprise.pk:
            raise ServiceError("企业联系人须从本企业的联系人中选择")
        name, phone = contact.name, contact.phone
    else:
        if user is None and not name.strip():
            raise ServiceError("请填写团队成员姓名或选择用户")
        if user is not None:
            name = name or user.display_name
            phone = phone or user.phone
            unit = unit or user.unit
        if role == TeamRole.DEPARTMENT_CONTACT and unit is None:
            raise ServiceError("职能部门联系人须注明所在部门")
    if user is not None and TeamMember.objects.filter(enterprise=enterprise, role=role, user=user).exists():
        raise ConflictError(f"{user.display_name}已是该企业服务团队成员")
    m = TeamMember.objects.create(
        enterprise=enterprise,
        role=role,
        user=user,
        contact=contact,
        unit=unit,
        name=name.strip(),
        phone=phone,
    )
    audit_record(
        action="enterprise.team_add",
        obj=enterprise,
        actor=actor,
        after={"member_id": m.pk, "role": role, "name": m.name, "user_id": m.user_id, "unit_id": m.unit_id},
        now=now,
    )
    return m


@transaction.atomic
def team_member_remove(*, actor: User | None, member: TeamMember, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if member.role == TeamRole.BUTLER:
        raise ServiceError("项目管家请通过“设置项目管家”更换")
    audit_record(
        action="enterprise.team_remove",
        obj=member.enterprise,
        actor=actor,
        before={"member_id": member.pk, "role": member.role, "name": member.name, "user_id": member.user_id},
        now=now,
    )
    member.delete()


@transaction.atomic
def contact_reveal_phone(*, user: User, contact_id: int, now: datetime | None = None) -> str:
    """The contact's full number for a user who needs it; each reveal is audited.

    AccessDenied when the enterprise is outside the user's scope (or the contact does not
    exist); Forbidden when the user may see the enterprise but not its full numbers."""
    now = now or timezone.now()
    contact = contact_get_for_user(user=user, contact_id=contact_id)
    if not can_see_full_phone(user, contact.enterprise):
        raise Forbidden("您的角色无需查看企业联系人的完整号码")
    audit_record(
        action="enterprise.contact_phone_revealed",
        obj=contact,
        actor=user,
        after={"enterprise_id": contact.enterprise_id, "contact": contact.name},
        now=now,
    )
    return contact.phone


# ------------------------------------------------------------------------------------------
# Added at intake (issue 9), and the keepers' review (machine.ENTERPRISE)
# ------------------------------------------------------------------------------------------

INTAKE_TEXT_LIMITS = {"name": 200, "address": 200, "legal_representative": 50}


def normalize_credit_code(value) -> str:
    """What was typed or read out over the phone, as the code is written: spaces dropped,
    letters upper-case ("9135 0100 m0000 1234x" → "91350100M00001234X")."""
    return "".join(str(value or "").split()).upper()


def _offer(e: Enterprise, field: str) -> dict:
    """An enterprise offered in an error's `details` ({field, message, id}): the intake
    picker's facts (name, credit code, location) and its id, for a client to pick it."""
    return {"field": field, "message": f"{e.name}（{e.credit_code}，{e.location.name}）", "id": e.pk}


class EnterpriseExists(ConflictError):
    """The credit code is already in the library (409 `enterprise_exists`): the existing
    enterprise is offered (`enterprise`; `details[0].id` in the API) instead of a twin."""

    code = "enterprise_exists"

    def __init__(self, enterprise: Enterprise):
        self.enterprise = enterprise
        if enterprise.is_active:
            message = (
                f"统一社会信用代码“{enterprise.credit_code}”已登记为“{enterprise.name}”"
                f"（{enterprise.location.name}），请直接选用该企业"
            )
        else:
            message = (
                f"统一社会信用代码“{enterprise.credit_code}”已登记为“{enterprise.name}”，但已注销或失效；"
                "请联系统筹协调专员核查"
            )
        super().__init__(message, field="credit_code", details=[_offer(enterprise, "credit_code")])


class SimilarEnterprises(ConflictError):
    """Enterprises of the same or a similar name are in the library (409
    `similar_enterprises`): shown (`enterprises`; `details[].id` in the API) before a new
    one is added; sending their ids as seen says it is a different enterprise."""

    code = "similar_enterprises"

    def __init__(self, enterprises: list[Enterprise]):
        self.enterprises = enterprises
        same = any(getattr(e, "same_name", False) for e in enterprises)
        names = "、".join(f"“{e.name}”" for e in enterprises)
        message = (
            f"企业库中已有{'同名' if same else '名称相近'}的企业：{names}。"
            "如为同一企业请直接选用；确属不同企业，请确认后再新增"
        )
        super().__init__(message, field="name", details=[_offer(e, "name") for e in enterprises])


def _intake_text(field: str, value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    limit = INTAKE_TEXT_LIMITS[field]
    if len(value) > limit:
        raise ServiceError(f"内容过长：最多 {limit} 个字，当前 {len(value)} 个字", field=field)
    return value


def _location(location_id) -> Unit:
    if not location_id:
        raise ServiceError("所在县区/园区不能为空", field="location_id")
    unit = Unit.objects.filter(pk=location_id, is_active=True).first()
    if unit is None:
        raise ServiceError("所选县区/园区不存在", field="location_id")
    return unit


def _checked(e: Enterprise) -> None:
    """enterprise_check, naming the location by its input (`location_id`)."""
    try:
        enterprise_check(e)
    except ServiceError as exc:
        if exc.field == "location":
            exc.field = "location_id"
        raise


@retrying
def enterprise_add_at_intake(
    *,
    actor: User,
    credit_code: str,
    name: str,
    industry: str,
    location_id: int | None,
    address: str = "",
    legal_representative: str = "",
    similar_seen: Iterable[int] = (),
    now: datetime | None = None,
) -> Enterprise:
    """Add an enterprise missing from the library while registering its appeal (issue 9):
    anyone who registers appeals may; it is usable at once, marked added-at-intake and
    pending review by the library's keepers (machine.ENTERPRISE).

    Never a twin: a credit code already in the library is refused with that enterprise
    offered (EnterpriseExists, 409) — the unique index on the code settles two clerks
    adding the same enterprise at the same moment the same way; enterprises of the same or a
    similar name (selectors.enterprises_like) are shown first (SimilarEnterprises, 409) and
    it is added once the caller has seen each of them (`similar_seen`). The code's check
    character is verified (GB 32100-2015). Audited, with a history row."""
    now = now or timezone.now()
    if not can_add_enterprises_at_intake(actor):
        raise Forbidden("您无权新增企业")
    location = _location(location_id)
    e = Enterprise(
        credit_code=normalize_credit_code(credit_code),
        name=_intake_text("name", name),
        industry=industry,
        location=location,
        address=_intake_text("address", address),
        legal_representative=_intake_text("legal_representative", legal_representative),
        review_status=ReviewStatus.PENDING,
        added_at_intake=True,
        added_by=actor,
    )
    _checked(e)
    existing = Enterprise.objects.select_related("location").filter(credit_code=e.credit_code).first()
    if existing is not None:
        raise EnterpriseExists(existing)
    similar = enterprises_like(e.name)
    seen = set(similar_seen or ())
    if any(s.pk not in seen for s in similar):
        raise SimilarEnterprises(similar)
    try:
        with transaction.atomic():
            e.save()
            record_state_change(
                e,
                move="add_at_intake",
                from_status="",
                to_status=e.review_status,
                actor=actor,
                now=now,
                note="",
                data={"similar_seen": sorted(s.pk for s in similar)},
            )
            audit_record(
                action="enterprise.add_at_intake",
                obj=e,
                actor=actor,
                after={**snapshot(e, ENTERPRISE_FIELDS), "review_status": e.review_status},
                now=now,
            )
    except IntegrityError:
        # Another clerk added the same code between the check and the insert: theirs.
        existing = Enterprise.objects.select_related("location").filter(credit_code=e.credit_code).first()
        if existing is not None:
            raise EnterpriseExists(existing)
        raise
    return e


def _reviewed(step) -> list[str]:
    step.obj.reviewed_by, step.obj.reviewed_at = step.actor, step.now
    return ["reviewed_by", "reviewed_at"]


@ENTERPRISE.service("approve")
def enterprise_approve(*, enterprise_id: int, actor, note: str = "", expected_version=None, now=None):
    """The keeper confirms the enterprise as it was entered at intake."""
    return ENTERPRISE.perform(
        pk=enterprise_id,
        move="approve",
        actor=actor,
        expected_version=expected_version,
        now=now,
        apply=_reviewed,
        note=(note or "").strip(),
    )


@ENTERPRISE.service("correct")
def enterprise_correct(
    *, enterprise_id: int, actor, note: str = "", expected_version=None, now=None, **changes
):
    """The keeper corrects what was typed at intake (CORRECTABLE; an empty value leaves the
    field as it is) and confirms it. A credit code already in the library is refused with
    that enterprise named (EnterpriseExists, 409); nothing changed is refused too (use
    approve)."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ServiceError(f"不能更正的字段：{', '.join(sorted(unknown))}")
    wanted = {k: v for k, v in changes.items() if v not in (None, "")}
    if "credit_code" in wanted:
        wanted["credit_code"] = normalize_credit_code(wanted["credit_code"])
    for field in ("name", "address", "legal_representative"):
        if field in wanted:
            wanted[field] = _intake_text(field, wanted[field])
    try:
        with ENTERPRISE.moving(
            pk=enterprise_id, move="correct", actor=actor, expected_version=expected_version, now=now
        ) as step:
            e = step.obj
            changed = [f for f, v in wanted.items() if getattr(e, f) != v]
            if not changed:
                raise ServiceError("没有需要更正的内容；信息无误请选择“核实无误”", code="nothing_changed")
            for f in changed:
                setattr(e, f, wanted[f])
            if "location_id" in changed:
                e.location = _location(e.location_id)
            _checked(e)
            if "credit_code" in changed:
                other = (
                    Enterprise.objects.select_related("location")
                    .filter(credit_code=e.credit_code)
                    .exclude(pk=e.pk)
                    .first()
                )
                if other is not None:
                    raise EnterpriseExists(other)
            step.commit(fields=[*changed, *_reviewed(step)], note=(note or "").strip())
    except IntegrityError:
        other = (
            Enterprise.objects.select_related("location")
            .filter(credit_code=wanted.get("credit_code"))
            .first()
        )
        if other is not None:
            raise EnterpriseExists(other)
        raise
    return step.obj
