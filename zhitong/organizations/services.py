"""Writes for units, service windows and leaders' portfolios. Each writes an audit event
in the same transaction."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zhitong.audit.changes import changed_only, check_fields, snapshot
from zhitong.audit.services import audit_record
from zhitong.core.errors import ConflictError, ServiceError

from .choices import Role, UnitKind
from .models import ServiceWindow, Unit, User, WindowStaff

UNIT_FIELDS = ("code", "name", "short_name", "kind", "parent_id", "duties", "is_active", "sort_order")
WINDOW_FIELDS = ("leader_name", "leader_position", "section_name", "phone", "address", "is_public")
STAFF_FIELDS = ("name", "position", "post", "duties", "phone")


def _check_unit_fields(*, code: str, name: str, kind: str) -> None:
    if not code or not code.strip():
        raise ServiceError("单位编码不能为空", field="code")
    if not name or not name.strip():
        raise ServiceError("单位名称不能为空", field="name")
    if kind not in UnitKind.values:
        raise ServiceError(f"单位类型“{kind}”无效", field="kind")


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    duties: str = "",
    sort_order: int = 0,
    is_active: bool = True,
    now: datetime | None = None,
) -> Unit:
    now = now or timezone.now()
    code = code.strip()
    _check_unit_fields(code=code, name=name, kind=kind)
    if Unit.objects.filter(code=code).exists():
        raise ConflictError(f"单位编码“{code}”已存在", field="code")
    unit = Unit(
        code=code,
        name=name.strip(),
        kind=kind,
        parent=parent,
        short_name=short_name,
        duties=duties,
        sort_order=sort_order,
        is_active=is_active,
    )
    unit.save()
    audit_record(action="unit.create", obj=unit, actor=actor, after=snapshot(unit, UNIT_FIELDS), now=now)
    return unit


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, now: datetime | None = None, **changes) -> Unit:
    """Change a unit's fields (any of UNIT_FIELDS, or `parent`). Moving a unit under its
    own subtree is refused: the tree would lose its root."""
    now = now or timezone.now()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if "parent" in changes:
        parent = changes.pop("parent")
        changes["parent_id"] = parent.pk if parent else None
    check_fields(changes, UNIT_FIELDS)
    before = snapshot(unit, UNIT_FIELDS)
    new_parent_id = changes.get("parent_id", unit.parent_id)
    if new_parent_id and new_parent_id != unit.parent_id:
        parent = Unit.objects.get(pk=new_parent_id)
        if parent.path.startswith(unit.path):
            raise ServiceError("不能把单位移到它自己或它的下级单位之下", field="parent")
    for f, v in changes.items():
        setattr(unit, f, v)
    _check_unit_fields(code=unit.code, name=unit.name, kind=unit.kind)
    if unit.code != before["code"] and Unit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
        raise ConflictError(f"单位编码“{unit.code}”已存在", field="code")
    after = snapshot(unit, UNIT_FIELDS)
    if after == before:
        return unit
    unit.save()  # recomputes the path (and the subtree's) when the parent changed
    before, after = changed_only(before, after)
    audit_record(action="unit.update", obj=unit, actor=actor, before=before, after=after, now=now)
    return unit


@transaction.atomic
def service_window_save(
    *,
    actor: User | None,
    unit: Unit,
    leader_name: str,
    section_name: str,
    phone: str,
    leader_position: str = "",
    address: str = "",
    is_public: bool = True,
    staff: list[dict] | None = None,
    now: datetime | None = None,
) -> ServiceWindow:
    """Create or replace the unit's window (一键启动, seeds/003 三: a leader and a section,
    with the names, positions, posts, duties and phones of its people). `staff` (when
    given) replaces the list: [{"name", "position", "post", "duties", "phone"}]."""
    now = now or timezone.now()
    for label, value in (("负责领导", leader_name), ("具体科室", section_name), ("联系电话", phone)):
        if not value or not str(value).strip():
            raise ServiceError(f"{label}不能为空")
    window = ServiceWindow.objects.select_for_update().filter(unit=unit).first()
    before = None
    if window is not None:
        before = snapshot(window, WINDOW_FIELDS)
        before["staff"] = [snapshot(s, STAFF_FIELDS) for s in window.staff.all()]
    else:
        window = ServiceWindow(unit=unit)
    window.leader_name = leader_name
    window.leader_position = leader_position
    window.section_name = section_name
    window.phone = phone
    window.address = address
    window.is_public = is_public
    window.save()
    if staff is not None:
        for i, s in enumerate(staff):
            for key, label in (
                ("name", "姓名"),
                ("position", "职务"),
                ("duties", "职责"),
                ("phone", "联系电话"),
            ):
                if not str(s.get(key, "")).strip():
                    raise ServiceError(f"窗口人员第{i + 1}人的{label}不能为空")
        window.staff.all().delete()
        WindowStaff.objects.bulk_create(
            WindowStaff(window=window, sort_order=i, **{k: s.get(k, "") for k in STAFF_FIELDS})
            for i, s in enumerate(staff)
        )
    after = snapshot(window, WINDOW_FIELDS)
    after["staff"] = [snapshot(s, STAFF_FIELDS) for s in window.staff.all()]
    audit_record(
        action="unit.window_save" if before else "unit.window_create",
        obj=window,
        actor=actor,
        before=before,
        after=after,
        now=now,
    )
    return window


@transaction.atomic
def leader_set_portfolio(
    *, actor: User | None, leader: User, units: list[Unit], now: datetime | None = None
) -> User:
    """Set the units a city leader is in charge of (分管)."""
    now = now or timezone.now()
    if leader.role != Role.LEADER:
        raise ServiceError("只有市领导账号可以设置分管单位")
    before = sorted(leader.portfolio.values_list("code", flat=True))
    leader.portfolio.set(units)
    after = sorted(u.code for u in units)
    if before != after:
        audit_record(
            action="user.portfolio_set",
            obj=leader,
            actor=actor,
            before={"portfolio": before},
            after={"portfolio": after},
            now=now,
        )
    return leader
