"""The lead unit of a project stored and kept in step (seeds/003 二, projects/lead.py):

- at every stage move (`lead_on_stage_move`, run by machines._recompute in the move's
  transaction): a hub override ends, the rules decide again, the rule-based team rows
  follow, and an escalation to the vice mayor ends when the project leaves the
  post-signing phase (二(二)5 belongs to it);
- when a project's facts are created or edited (`project_apply_lead`, called by the
  library's create/edit services in their transaction);
- by the hub, with a reason (`project_override_lead`, `project_clear_lead_override`);
- by the lead unit or the hub, the escalation of a major project to the vice mayor in
  charge (`project_escalate`, `project_end_escalation`, seeds/003 二(二)5).

Each write is audited in its transaction; the lead unit's dated history is its
ProjectMember rows (role 牵头单位, since/until)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import clean_version, contended, retrying
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput
from zhitong.notifications.services import notify
from zhitong.organizations.capabilities import is_hub
from zhitong.organizations.choices import LeaderLevel, Role

from ..lead import BUILD_PHASE, Decision, decide_lead
from ..machines import HUB, LEAD, RECOMPUTE_HOOKS, STAGE, project_relations
from ..models import MemberRole, Project, ProjectMember

R = MemberRole
# The rule-based team roles decide_lead fills (Decision.units()).
RULE_ROLES = (R.LEAD_UNIT, R.HELPER_UNIT, R.SUPERVISOR_UNIT, R.COOPERATOR_UNIT, R.TEAM_UNIT)
# 二(二)5 市政府分管领导: a vice mayor (or the executive vice mayor, the mayor).
CITY_LEADER_LEVELS = (LeaderLevel.VICE_MAYOR, LeaderLevel.EXECUTIVE_VICE_MAYOR, LeaderLevel.MAYOR)
REASON_MAX = 1000


def _day(now: datetime) -> date:
    return timezone.localdate(now)


def sync_rule_members(project: Project, decision: Decision, *, day: date) -> dict:
    """Make the project's current rule-based rows (`by_rule`, no `until`) the decision's
    units: rows no longer chosen end on `day` (not before they began), new ones begin on
    it; rows that stay are left alone, so a unit's row says since when it has held the
    role. Returns {"ended": [...], "started": [...]} as (role, unit id) pairs."""
    wanted: dict[tuple[str, int], object] = {}
    for role, units in decision.units().items():
        for unit in units:
            wanted.setdefault((role, unit.pk), unit)
    current = list(
        ProjectMember.objects.filter(project=project, by_rule=True, until__isnull=True, role__in=RULE_ROLES)
    )
    kept = set()
    ended, started = [], []
    # End before starting: one current lead-unit row at a time (the unique index).
    for row in current:
        key = (row.role, row.unit_id)
        if key in wanted and key not in kept:
            kept.add(key)
            continue
        row.until = max(day, row.since)
        row.save(update_fields=["until", "updated_at"])
        ended.append(key)
    for key, unit in wanted.items():
        if key in kept:
            continue
        ProjectMember.objects.create(
            project=project,
            role=key[0],
            unit=unit,
            since=day,
            basis=decision.bases.get(key[0], ""),
            by_rule=True,
        )
        started.append(key)
    return {"ended": ended, "started": started}


def _store(project: Project, decision: Decision) -> list[str]:
    """Put the decision on the project (not saved); the names of the fields that changed."""
    changed = []
    if project.lead_unit_id != decision.lead_unit.pk:
        project.lead_unit = decision.lead_unit
        changed.append("lead_unit")
    if project.lead_basis != decision.explanation:
        project.lead_basis = decision.explanation
        changed.append("lead_basis")
    return changed


def _end_escalation_rows(project: Project, day: date) -> int:
    rows = list(ProjectMember.objects.filter(project=project, role=R.LEADER_SUPERVISOR, until__isnull=True))
    for row in rows:
        row.until = max(day, row.since)
        row.save(update_fields=["until", "updated_at"])
    return len(rows)


def lead_on_stage_move(project: Project, step) -> list[str]:
    """machines.RECOMPUTE_HOOKS: the new stage's lead unit. A hub override holds only within
    the stage it was made in (docs/projects.md "牵头单位"), so it ends here; the rules
    decide again. The rows change on the day the stage was reached."""
    fields = []
    if project.lead_override_reason:
        project.lead_override_reason = ""
        fields.append("lead_override_reason")
    decision = decide_lead(project)
    fields += _store(project, decision)
    day = project.stage_since or _day(step.now)
    sync_rule_members(project, decision, day=day)
    if project.stage not in BUILD_PHASE:
        _end_escalation_rows(project, day)
    return fields


if lead_on_stage_move not in RECOMPUTE_HOOKS:
    RECOMPUTE_HOOKS.append(lead_on_stage_move)


def lead_on_facts(project: Project, *, actor=None, now=None) -> list[str]:
    """library.FACT_HOOKS: after a project is created, edited or imported, the lead unit
    follows the facts the rules read (project_apply_lead saves what it changes)."""
    project_apply_lead(project=project, actor=actor, now=now)
    return []


def _snapshot(project: Project) -> dict:
    return {
        "lead_unit_id": project.lead_unit_id,
        "lead_basis": project.lead_basis,
        "lead_override_reason": project.lead_override_reason,
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in before if before[k] != after[k]]
    return {k: before[k] for k in keys}, {k: after[k] for k in keys}


@transaction.atomic
def project_apply_lead(*, project: Project, actor, now: datetime | None = None) -> Decision:
    """Decide the lead unit again from the project's facts and store it: for the
    library's create and edit services, in their transaction, after the project row is
    saved (it needs an id; before the first save, set `lead_unit` from `decide_lead`).

    Saves only the lead fields (no version bump: the caller's edit is the change) and the
    rule-based team rows; audits "project.lead_apply" when the lead unit or its
    explanation changed. A hub override is kept (it holds until cleared or the stage
    changes); the team rows follow it."""
    now = now or timezone.now()
    if project.pk is None:
        raise ValueError("project_apply_lead needs a saved project")
    before = _snapshot(project)
    decision = decide_lead(project)
    fields = _store(project, decision)
    if fields:
        project.save(update_fields=[*fields, "updated_at"])
    sync_rule_members(project, decision, day=_day(now))
    before, after = _changes(before, _snapshot(project))
    if after:
        audit_record(
            action="project.lead_apply", obj=project, actor=actor, before=before, after=after, now=now
        )
    return decision


# -- writes by people: lock, check, change, audit ---------------------------------------------


def _locked(project_id, expected_version) -> Project:
    """The project's row, locked; 409 when the form was rendered at another version."""
    expected_version = clean_version(expected_version)
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "location", "first_contact_unit", "introducing_unit")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise AccessDenied()
    if expected_version is not None and expected_version != project.version:
        raise ConflictError(STAGE.stale_message, code="stale")
    return project


def _reason(reason: str, *, field: str = "reason", required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput("请填写理由", field=field)
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"理由最多 {REASON_MAX} 个字", field=field)
    return reason


def _bump(project: Project, fields: list[str]) -> None:
    project.version += 1
    project.save(update_fields=[*fields, "version", "updated_at"])


def _project_url(project: Project, anchor: str = "") -> str:
    return reverse("projects:detail", args=[project.pk]) + (f"#{anchor}" if anchor else "")


@retrying
def project_override_lead(
    *, project_id: int, actor, unit, reason: str, expected_version=None, now: datetime | None = None
) -> Project:
    """The hub names the lead unit itself, with a reason (seeds/003 二: still one lead unit).
    It holds until the hub clears it or the project's stage changes."""
    now = now or timezone.now()
    if not is_hub(actor):
        raise Forbidden("只有统筹协调专员可以调整牵头单位")
    reason = _reason(reason)
    if unit is None or not unit.is_active:
        raise InvalidInput("请选择一个启用的单位作为牵头单位", field="unit")
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        before = _snapshot(project)
        project.lead_unit = unit
        project.lead_override_reason = reason
        decision = decide_lead(project)
        project.lead_basis = decision.explanation
        _bump(project, ["lead_unit", "lead_basis", "lead_override_reason"])
        sync_rule_members(project, decision, day=_day(now))
        before, after = _changes(before, _snapshot(project))
        audit_record(
            action="project.lead_override",
            obj=project,
            actor=actor,
            before=before | {"version": project.version - 1},
            after=after | {"version": project.version},
            now=now,
        )
    return project


@retrying
def project_clear_lead_override(
    *, project_id: int, actor, expected_version=None, now: datetime | None = None
) -> Project:
    """The hub withdraws its override: the rules decide the lead unit again."""
    now = now or timezone.now()
    if not is_hub(actor):
        raise Forbidden("只有统筹协调专员可以取消人工指定的牵头单位")
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        if not project.lead_override_reason:
            raise ConflictError("该项目的牵头单位不是人工指定的，无需取消", code="not_overridden")
        before = _snapshot(project)
        project.lead_override_reason = ""
        decision = decide_lead(project)
        _store(project, decision)
        _bump(project, ["lead_unit", "lead_basis", "lead_override_reason"])
        sync_rule_members(project, decision, day=_day(now))
        before, after = _changes(before, _snapshot(project))
        audit_record(
            action="project.lead_override_clear",
            obj=project,
            actor=actor,
            before=before | {"version": project.version - 1},
            after=after | {"version": project.version},
            now=now,
        )
    return project


@retrying
def project_redecide_lead(
    *, project_id: int, actor, expected_version=None, now: datetime | None = None
) -> Decision:
    """The hub asks the rules again (a project created before them, or edited without
    deciding): `project_apply_lead` on the locked row, the version bumped."""
    now = now or timezone.now()
    if not is_hub(actor):
        raise Forbidden("只有统筹协调专员可以重新确定牵头单位")
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        decision = project_apply_lead(project=project, actor=actor, now=now)
        _bump(project, [])
    return decision


def can_escalate(user, project: Project) -> bool:
    """二(二)5 由牵头单位呈报: the lead unit's handlers and heads, and the hub."""
    return bool(project_relations(user, project) & {HUB, LEAD})


def current_escalation(project: Project) -> ProjectMember | None:
    return (
        ProjectMember.objects.filter(project=project, role=R.LEADER_SUPERVISOR, until__isnull=True)
        .select_related("user")
        .first()
    )


@retrying
def project_escalate(
    *, project_id: int, actor, leader, reason: str, expected_version=None, now: datetime | None = None
) -> ProjectMember:
    """The lead unit reports a major project (or a major matter of one) to the vice mayor in
    charge, who then leads its supervision and coordination (seeds/003 二(二)5). Only after
    signing and before operation (the clause belongs to 二(二)); one leader at a time."""
    now = now or timezone.now()
    reason = _reason(reason)
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        if not can_escalate(actor, project):
            raise Forbidden("只有牵头单位或统筹协调专员可以呈报市政府分管领导")
        if project.stage not in BUILD_PHASE:
            raise ConflictError(
                "签约后至竣工阶段的项目才可呈报市政府分管领导牵头督办（seeds/003 二(二)5）",
                code="wrong_stage",
            )
        if leader is None or leader.role != Role.LEADER or leader.leader_level not in CITY_LEADER_LEVELS:
            raise InvalidInput("请选择市政府分管领导（副市长、常务副市长或市长）", field="leader")
        if not leader.is_active:
            raise InvalidInput("所选领导的账号已停用", field="leader")
        if current_escalation(project) is not None:
            raise ConflictError("该项目已呈报市政府分管领导督办，如需更换请先结束当前督办", code="escalated")
        row = ProjectMember.objects.create(
            project=project,
            role=R.LEADER_SUPERVISOR,
            user=leader,
            since=_day(now),
            basis=f"seeds/003 二(二)5 呈报理由：{reason}",
        )
        _bump(project, [])
        audit_record(
            action="project.escalate",
            obj=project,
            actor=actor,
            after={"user_id": leader.pk, "note": reason, "version": project.version},
            now=now,
        )
        notify(
            recipients=[leader],
            kind="project.escalated",
            title=f"项目“{project.name}”呈报您牵头督办",
            body=f"{project.lead_unit.display_name}呈报：{reason}（seeds/003 二(二)5）",
            url=_project_url(project, "lead"),
            now=now,
        )
    return row


@retrying
def project_end_escalation(
    *, project_id: int, actor, reason: str = "", expected_version=None, now: datetime | None = None
) -> ProjectMember:
    """The matter is settled: the vice mayor's supervision of the project ends (the row is
    kept, with its end date)."""
    now = now or timezone.now()
    reason = _reason(reason, required=False)
    with contended(), transaction.atomic():
        project = _locked(project_id, expected_version)
        if not can_escalate(actor, project):
            raise Forbidden("只有牵头单位或统筹协调专员可以结束市领导督办")
        row = current_escalation(project)
        if row is None:
            raise ConflictError("该项目没有正在进行的市领导督办", code="not_escalated")
        row.until = max(_day(now), row.since)
        row.save(update_fields=["until", "updated_at"])
        _bump(project, [])
        audit_record(
            action="project.escalation_end",
            obj=project,
            actor=actor,
            before={"user_id": row.user_id},
            after={"until": row.until, "note": reason, "version": project.version},
            now=now,
        )
    return row


def _register_fact_hook() -> None:
    from .library import FACT_HOOKS

    if lead_on_facts not in FACT_HOOKS:
        FACT_HOOKS.append(lead_on_facts)


_register_fact_hook()
