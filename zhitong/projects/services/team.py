"""The people of a project and its 1+1+N team (ProjectMember rows with since/until):
assign, replace and end, each locked, checked and audited, the person told through the
outbox.

- 包挂领导 (seeds/003 一: 一个项目、一个领导〔县(市)区、园区政府领导或市直部门领导〕;
  重大项目实行市级领导包扶): a county/park or department leader; for a city major project a
  city leader (副市长、常务副市长、市长). `Project.leader` mirrors the current one. A city
  major project is not signed without one (the `sign` guard below), and once signed its
  leader may be replaced but not removed.
- 首席服务员 (seeds/004 枣阳: 由市"四大家"班子成员担任): a leader.
- 项目秘书 (seeds/004 枣阳 各引资单位主要负责人; seeds/002 精通审批业务的骨干人员) and
  项目管家 (seeds/002): government staff.
- 1+1+N (seeds/002 项目管家+企业联系人+相关行政职能部门联系人): the butler, one contact of
  the owner enterprise, and N team units, each with an optional contact person.

The hub manages every role; the lead unit's handlers and heads all but the leader and the
chief service person, which the city decides (seeds/003 一, seeds/004 枣阳)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import contended, retrying
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.notifications.services import notify
from zhitong.organizations.capabilities import is_government_user
from zhitong.organizations.choices import Role

from ..machines import EXTRA_GUARDS, HUB, LEAD, project_relations
from ..models import STAGE_ORDER, MemberRole, Project, ProjectLevel, ProjectMember, ProjectStage
from .lead import CITY_LEADER_LEVELS, _bump, _locked, _project_url, _reason

R = MemberRole
# The roles people assign on the team section (the others are kept by the lead-unit rules,
# the roadmap's agents by the roadmap, the escalation by services/lead.py).
ASSIGNABLE = (R.LEADER, R.CHIEF_SERVICE, R.BUTLER, R.SECRETARY, R.ENTERPRISE_CONTACT, R.TEAM_UNIT)
HUB_ONLY = frozenset({R.LEADER, R.CHIEF_SERVICE})
PERSON_ROLES = frozenset({R.LEADER, R.CHIEF_SERVICE, R.BUTLER, R.SECRETARY})
SINGLE = frozenset({R.LEADER, R.CHIEF_SERVICE, R.BUTLER, R.SECRETARY, R.ENTERPRISE_CONTACT})

CITY_LEADER_NEEDED = (
    "市重大项目须由市级领导包扶（seeds/003 一：重大项目实行市级领导包扶），请选择副市长、常务副市长或市长"
)


def is_city_leader_user(user) -> bool:
    """A city-level leader: 副市长, 常务副市长 or 市长 (not a county principal)."""
    return (
        user is not None
        and user.is_active
        and user.role == Role.LEADER
        and user.leader_level in CITY_LEADER_LEVELS
    )


def _signed(project: Project) -> bool:
    return STAGE_ORDER[project.stage] >= STAGE_ORDER[ProjectStage.SIGNED]


# -- the sign guard (machines.EXTRA_GUARDS) ----------------------------------------------------


def city_major_needs_city_leader(project: Project, today) -> str | None:
    """seeds/003 一 重大项目实行市级领导包扶: a city major project is not signed before a city
    leader is responsible for it."""
    if project.level != ProjectLevel.CITY_MAJOR or is_city_leader_user(project.leader):
        return None
    return (
        "市重大项目签约前须确定市级包挂领导（seeds/003 一：重大项目实行市级领导包扶），请先在“服务团队”中指定"
    )


if city_major_needs_city_leader not in EXTRA_GUARDS.setdefault("sign", []):
    EXTRA_GUARDS["sign"].append(city_major_needs_city_leader)


# -- who may do what ----------------------------------------------------------------------------


def can_manage_team(user, project: Project, role: str | None = None) -> bool:
    """The hub: every role; the lead unit's handlers and heads: all but HUB_ONLY."""
    rel = project_relations(user, project)
    if HUB in rel:
        return True
    return LEAD in rel and (role is None or role not in HUB_ONLY)


def _require(user, project, role) -> None:
    if not can_manage_team(user, project, role):
        if role in HUB_ONLY:
            raise Forbidden(f"{R(role).label}由统筹协调专员按市里确定的人选登记")
        raise Forbidden("只有统筹协调专员或牵头单位可以调整服务团队")


# -- who may hold a role ------------------------------------------------------------------------


def _check_candidate(project: Project, role: str, *, user=None, unit=None, contact=None) -> dict:
    """The member's user/unit/contact for `role`, checked; InvalidInput naming the field."""
    if role in PERSON_ROLES:
        if user is None:
            raise InvalidInput("请选择人员", field="user")
        if not user.is_active:
            raise InvalidInput("所选人员的账号已停用", field="user")
        if role == R.LEADER:
            if project.level == ProjectLevel.CITY_MAJOR:
                if not is_city_leader_user(user):
                    raise InvalidInput(CITY_LEADER_NEEDED, field="user")
            elif user.role not in (Role.LEADER, Role.UNIT_HEAD):
                raise InvalidInput(
                    "包挂领导须为县(市)区、园区政府领导或市直部门领导（seeds/003 一）", field="user"
                )
        elif role == R.CHIEF_SERVICE:
            if user.role != Role.LEADER:
                raise InvalidInput(
                    "首席服务员由领导班子成员担任（seeds/004 枣阳：“四大家”班子成员）", field="user"
                )
        elif not is_government_user(user) or user.unit_id is None:
            raise InvalidInput(f"{R(role).label}须为在职的政府工作人员", field="user")
        return {"user": user, "unit": None, "contact": None}
    if role == R.ENTERPRISE_CONTACT:
        if contact is None or contact.enterprise_id != project.owner_id:
            raise InvalidInput("企业联系人须从业主企业的联系人中选择", field="contact")
        return {"user": None, "unit": None, "contact": contact}
    if role == R.TEAM_UNIT:
        if unit is None or not unit.is_active:
            raise InvalidInput("请选择一个启用的单位", field="unit")
        if user is not None:
            if not user.is_active or not is_government_user(user) or user.unit_id is None:
                raise InvalidInput("联系人须为在职的政府工作人员", field="user")
            if not user.unit.path.startswith(unit.path):
                raise InvalidInput(f"联系人须为{unit.display_name}（或其下属单位）的工作人员", field="user")
        return {"user": user, "unit": unit, "contact": None}
    raise InvalidInput("该角色不能在服务团队中直接指定", field="role")


def _day(on: date | None, now: datetime, *, not_before: date | None = None) -> date:
    today = timezone.localdate(now)
    on = on or today
    if on > today:
        raise InvalidInput(f"日期不能晚于今天（{today:%Y-%m-%d}）", field="on")
    if not_before is not None and on < not_before:
        raise InvalidInput(f"日期不能早于该成员的起始日期（{not_before:%Y-%m-%d}）", field="on")
    return on


def _current(project: Project, role: str):
    return ProjectMember.objects.filter(project=project, role=role, until__isnull=True).first()


def _member(project: Project, member_id) -> ProjectMember:
    row = (
        ProjectMember.objects.select_related("user", "unit", "contact")
        .filter(project=project, pk=member_id)
        .first()
    )
    if row is None:
        raise ConflictError("该成员不存在，请刷新后重试", code="no_member")
    if row.until is not None:
        raise ConflictError("该成员已结束任职，请刷新后重试", code="member_ended")
    if row.by_rule:
        raise ConflictError("该单位由牵头单位规则确定，随项目阶段和项目信息自动调整", code="by_rule")
    if row.role not in ASSIGNABLE:
        raise ConflictError("该角色不在服务团队中调整", code="not_assignable")
    return row


def _who(row: ProjectMember) -> dict:
    return {"user_id": row.user_id, "unit_id": row.unit_id, "contact_id": row.contact_id}


def _same(row: ProjectMember, who: dict) -> bool:
    return (row.user_id, row.unit_id, row.contact_id) == tuple(
        getattr(who[k], "pk", None) for k in ("user", "unit", "contact")
    )


def _tell(row: ProjectMember, project: Project, now: datetime, verb: str = "指定") -> None:
    if row.user_id is None:
        return
    notify(
        recipients=[row.user_id],
        kind="project.team",
        title=f"您已被{verb}为项目“{project.name}”的{row.get_role_display()}",
        body=f"起始日期：{row.since:%Y-%m-%d}。{row.basis}".strip(),
        url=_project_url(project, "team"),
        now=now,
    )


def _set_leader(project: Project, user) -> list[str]:
    if project.leader_id == (user.pk if user else None):
        return []
    project.leader = user
    return ["leader"]


@retrying
def member_assign(
    *,
    project_id: int,
    actor,
    role: str,
    user=None,
    unit=None,
    contact=None,
    on: date | None = None,
    basis: str = "",
    expected_version=None,
    now: datetime | None = None,
) -> ProjectMember:
    """Put a person, unit or enterprise contact on the team in `role` from day `on`
    (default today). A single role that is held already is replaced instead
    (`member_replace`), so history is never overwritten."""
    now = now or timezone.now()
    if role not in ASSIGNABLE:
        raise InvalidInput("该角色不能在服务团队中直接指定", field="role")
    basis = _reason(basis, field="basis", required=False)
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        _require(actor, project, role)
        who = _check_candidate(project, role, user=user, unit=unit, contact=contact)
        day = _day(on, now)
        if role in SINGLE and _current(project, role) is not None:
            raise ConflictError(f"该项目已有{R(role).label}，请使用“更换”", code="role_held")
        if (
            role == R.TEAM_UNIT
            and ProjectMember.objects.filter(
                project=project, role=role, unit=who["unit"], by_rule=False, until__isnull=True
            ).exists()
        ):
            raise ConflictError(f"{who['unit'].display_name}已在服务团队中", code="unit_on_team")
        row = ProjectMember.objects.create(project=project, role=role, since=day, basis=basis, **who)
        before_leader = project.leader_id
        fields = _set_leader(project, row.user) if role == R.LEADER else []
        _bump(project, fields)
        extra = ({"leader_id": before_leader}, {"leader_id": project.leader_id}) if fields else ({}, {})
        audit_record(
            action="project.member_assign",
            obj=project,
            actor=actor,
            before=extra[0],
            after={"role": role, **_who(row), "since": day, "basis": basis, **extra[1]},
            now=now,
        )
        _tell(row, project, now)
    return row


@retrying
def member_replace(
    *,
    project_id: int,
    actor,
    member_id: int,
    user=None,
    unit=None,
    contact=None,
    on: date | None = None,
    basis: str = "",
    expected_version=None,
    now: datetime | None = None,
) -> ProjectMember:
    """Hand a role over on day `on`: the current member's row ends that day, the new one's
    begins (both kept)."""
    now = now or timezone.now()
    basis = _reason(basis, field="basis", required=False)
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        old = _member(project, member_id)
        _require(actor, project, old.role)
        who = _check_candidate(project, old.role, user=user, unit=unit, contact=contact)
        if _same(old, who):
            raise ConflictError("新人选与现任相同", code="same_member")
        day = _day(on, now, not_before=old.since)
        old.until = day
        old.save(update_fields=["until", "updated_at"])
        row = ProjectMember.objects.create(project=project, role=old.role, since=day, basis=basis, **who)
        before_leader = project.leader_id
        fields = _set_leader(project, row.user) if old.role == R.LEADER else []
        _bump(project, fields)
        extra = ({"leader_id": before_leader}, {"leader_id": project.leader_id}) if fields else ({}, {})
        audit_record(
            action="project.member_replace",
            obj=project,
            actor=actor,
            before={"role": old.role, **_who(old), **extra[0]},
            after={"role": row.role, **_who(row), "since": day, "basis": basis, **extra[1]},
            now=now,
        )
        _tell(row, project, now)
    return row


@retrying
def member_end(
    *,
    project_id: int,
    actor,
    member_id: int,
    on: date | None = None,
    reason: str = "",
    expected_version=None,
    now: datetime | None = None,
) -> ProjectMember:
    """End a member's service on day `on` (the row is kept with its end date)."""
    now = now or timezone.now()
    reason = _reason(reason, required=False)
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        row = _member(project, member_id)
        _require(actor, project, row.role)
        if row.role == R.LEADER and project.level == ProjectLevel.CITY_MAJOR and _signed(project):
            raise ConflictError(
                "签约后的市重大项目须有市级包挂领导（seeds/003 一），只能更换，不能取消",
                code="leader_required",
            )
        day = _day(on, now, not_before=row.since)
        row.until = day
        row.save(update_fields=["until", "updated_at"])
        before_leader = project.leader_id
        fields = _set_leader(project, None) if row.role == R.LEADER else []
        _bump(project, fields)
        extra = ({"leader_id": before_leader}, {"leader_id": None}) if fields else ({}, {})
        audit_record(
            action="project.member_end",
            obj=project,
            actor=actor,
            before={"role": row.role, **_who(row), **extra[0]},
            after={"until": day, "note": reason, **extra[1]},
            now=now,
        )
    return row
