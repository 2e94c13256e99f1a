"""Writes of agreement commitments (履约承诺): recorded and corrected by the lead unit or the
hub (optimistic version), moved through the table `commitment_machine.COMMITMENT`, each
move leaving a dated fulfilment record."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import contended, required_version, retrying
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput, ServiceError
from zhitong.core.fields import DATE_CEILING, DATE_FLOOR
from zhitong.organizations.models import Unit

from ..models import Commitment, CommitmentParty, CommitmentStatus, Project
from .access import may_record_commitments
from .commitment_machine import COMMITMENT
from .reports import _text

FIELDS = ("party", "content", "basis", "due_on", "responsible_unit_id")


def _values(*, party, content, basis, due_on, responsible_unit_id) -> dict:
    if party not in CommitmentParty.values:
        raise ServiceError("请选择承诺方（企业或政府）", code="required", field="party")
    if not isinstance(due_on, date):
        raise ServiceError("请填写承诺期限", code="required", field="due_on")
    if not DATE_FLOOR <= due_on <= DATE_CEILING:
        raise ServiceError(f"承诺期限应在{DATE_FLOOR}至{DATE_CEILING}之间", field="due_on")
    unit_id = None
    if responsible_unit_id:
        unit_id = (
            Unit.objects.filter(pk=responsible_unit_id, is_active=True).values_list("pk", flat=True).first()
        )
        if unit_id is None:
            raise ServiceError("所选责任单位不存在或已停用", field="responsible_unit_id")
    return {
        "party": party,
        "content": _text(content, "承诺内容", "content"),
        "basis": _text(basis, "依据", "basis", required=False, max_len=200),
        "due_on": due_on,
        "responsible_unit_id": unit_id,
    }


def _require_recorder(actor, project: Project) -> None:
    if not may_record_commitments(actor, project):
        raise Forbidden("只有牵头单位或统筹协调专员可以登记履约承诺")


def _audit_values(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@retrying
def commitment_create(
    *,
    actor,
    project_id: int,
    party: str,
    content: str,
    due_on: date | None,
    basis: str = "",
    responsible_unit_id: int | None = None,
    now: datetime | None = None,
) -> Commitment:
    now = now or timezone.now()
    values = _values(
        party=party, content=content, basis=basis, due_on=due_on, responsible_unit_id=responsible_unit_id
    )
    with contended(), transaction.atomic():
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise AccessDenied()
        _require_recorder(actor, project)
        commitment = Commitment.objects.create(project=project, created_by=actor, **values)
        audit_record(
            action="project.commitment_create",
            obj=commitment,
            actor=actor,
            after={"project_id": project.pk, **_audit_values(values)},
            now=now,
        )
    return commitment


@retrying
def commitment_update(
    *,
    actor,
    commitment_id: int,
    expected_version,
    party: str,
    content: str,
    due_on: date | None,
    basis: str = "",
    responsible_unit_id: int | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Correct a commitment still pending (a fulfilled or cancelled one is history: reopen
    it first), based on the version the user read."""
    now = now or timezone.now()
    expected = required_version(expected_version)
    values = _values(
        party=party, content=content, basis=basis, due_on=due_on, responsible_unit_id=responsible_unit_id
    )
    with contended(), transaction.atomic():
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("project")
            .filter(pk=commitment_id)
            .first()
        )
        if commitment is None:
            raise AccessDenied()
        _require_recorder(actor, commitment.project)
        if commitment.version != expected:
            raise ConflictError(COMMITMENT.stale_message, code="stale")
        if commitment.status != CommitmentStatus.PENDING:
            raise ConflictError("只能修改待履约的承诺", code="illegal_move")
        before = {k: getattr(commitment, k) for k in FIELDS}
        for k, v in values.items():
            setattr(commitment, k, v)
        commitment.version += 1
        commitment.save(update_fields=[*FIELDS, "version", "updated_at"])
        changed = [k for k in FIELDS if before[k] != values[k]]
        audit_record(
            action="project.commitment_update",
            obj=commitment,
            actor=actor,
            before=_audit_values({k: before[k] for k in changed}) | {"version": commitment.version - 1},
            after=_audit_values({k: values[k] for k in changed}) | {"version": commitment.version},
            now=now,
        )
    return commitment


# -- the moves of the table -------------------------------------------------------------------


def _day(on, now: datetime) -> date:
    if on is None:
        raise InvalidInput("请填写日期", field="on")
    today = timezone.localdate(now)
    if on > today:
        raise InvalidInput(f"日期不能晚于今天（{today:%Y-%m-%d}）", field="on")
    return on


@COMMITMENT.service("record")
def commitment_record(*, commitment_id: int, actor, on=None, note: str = "", expected_version=None, now=None):
    """A fulfilment record without fulfilment: what was done, what is in the way."""
    now = now or timezone.now()
    note = _text(note, "情况说明", "note")
    with COMMITMENT.moving(
        pk=commitment_id, move="record", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.commit(note=note, data={"on": _day(on, step.now)})
    return step.obj


@COMMITMENT.service("fulfil")
def commitment_fulfil(*, commitment_id: int, actor, on=None, note: str = "", expected_version=None, now=None):
    now = now or timezone.now()
    note = _text(note, "情况说明", "note")
    with COMMITMENT.moving(
        pk=commitment_id, move="fulfil", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.fulfilled_on = _day(on, step.now)
        step.commit(fields=["fulfilled_on"], note=note, data={"on": step.obj.fulfilled_on})
    return step.obj


def _with_reason(move: str):
    @COMMITMENT.service(move)
    def service(*, commitment_id: int, actor, reason: str = "", expected_version=None, now=None):
        now = now or timezone.now()
        reason = _text(reason, "理由", "reason")
        with COMMITMENT.moving(
            pk=commitment_id, move=move, actor=actor, expected_version=expected_version, now=now
        ) as step:
            fields = []
            if move == "reopen":
                step.obj.fulfilled_on = None
                fields.append("fulfilled_on")
            step.commit(fields=fields, note=reason, data={"on": timezone.localdate(step.now)})
        return step.obj

    return service


commitment_reopen = _with_reason("reopen")
commitment_cancel = _with_reason("cancel")
