"""Writes for appeals, by phase: intake, routing, handling, closing, timeline notes
(evidence storage in evidence.py; who is told what in ../notices.py).

Every move follows the kernel's one recipe (STYLE habit 2, zhitong/common/transitions.py):
    with APPEAL.moving(pk=…, move="sign", actor=…, expected_version=…, now=…) as step:
        … change step.obj …
        step.commit(fields=[…], note=…, data={…})   # status, clock, version, timeline, audit
        step.tell(recipients, kind=…, **about(appeal, title, body))   # queued with the move
The machine's hooks (timeline row, stored clock, problem flag) are in ../recipe.py. Each
service is registered for its move with `@APPEAL.service(name)`.

Callers: `appeal_move(appeal_id=…, move="sign", actor=user, expected_version=3, **data)`
dispatches by the move's name (the pages and the API use it), or call the specific
function (`appeal_sign(...)`). The names below are the package's public interface.
"""

from __future__ import annotations

from datetime import datetime

from zhitong.core.errors import ConflictError

from ..machine import APPEAL
from ..models import Appeal
from ..notices import (
    CLOCK_WAITING,
    appeal_url,
    enterprise_user_ids,
    hub_ids,
    notify_clock,
    notify_cooperation_overdue,
    unit_staff_ids,
)
from ..recipe import PROBLEM_REOPENS, PROBLEM_UNITS
from .closing import (
    appeal_approve_exemption,
    appeal_close_not_rated,
    appeal_merge,
    appeal_rate,
    appeal_reject_exemption,
    appeal_reject_verification,
    appeal_remind_rating,
    appeal_request_exemption,
    appeal_resolve,
    appeal_verify,
)
from .evidence import KIND_LABELS, MAGIC, detect_file_kind, evidence_check
from .handling import (
    appeal_add_evidence,
    appeal_add_progress,
    appeal_approve_extension,
    appeal_cooperate_answer,
    appeal_escalate,
    appeal_follow_up,
    appeal_lapse_extension,
    appeal_object,
    appeal_reject_extension,
    appeal_request_extension,
    appeal_resume_handling,
    appeal_sign,
    escalation_batch_month,
)
from .intake import (
    INTAKE_ROLES,
    IdempotencyMismatch,
    appeal_complete_materials,
    appeal_intake,
    appeal_request_materials,
    intake_fingerprint,
)
from .routing import appeal_assign, appeal_settle_transfer
from .timeline import appeal_timeline_note
from .withdrawal import appeal_confirm_withdrawal, appeal_reopen_withdrawal, appeal_withdraw


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


__all__ = [
    "CLOCK_WAITING",
    "INTAKE_ROLES",
    "KIND_LABELS",
    "MAGIC",
    "PROBLEM_REOPENS",
    "PROBLEM_UNITS",
    "ConflictError",
    "IdempotencyMismatch",
    "appeal_add_evidence",
    "appeal_add_progress",
    "appeal_approve_exemption",
    "appeal_approve_extension",
    "appeal_assign",
    "appeal_close_not_rated",
    "appeal_confirm_withdrawal",
    "appeal_complete_materials",
    "appeal_cooperate_answer",
    "appeal_escalate",
    "appeal_follow_up",
    "appeal_intake",
    "appeal_lapse_extension",
    "appeal_merge",
    "appeal_move",
    "appeal_object",
    "appeal_rate",
    "appeal_reopen_withdrawal",
    "appeal_reject_exemption",
    "appeal_reject_extension",
    "appeal_reject_verification",
    "appeal_remind_rating",
    "appeal_request_exemption",
    "appeal_request_extension",
    "appeal_request_materials",
    "appeal_resolve",
    "appeal_resume_handling",
    "appeal_settle_transfer",
    "appeal_sign",
    "appeal_timeline_note",
    "appeal_verify",
    "appeal_withdraw",
    "appeal_url",
    "detect_file_kind",
    "enterprise_user_ids",
    "escalation_batch_month",
    "evidence_check",
    "hub_ids",
    "intake_fingerprint",
    "notify_clock",
    "notify_cooperation_overdue",
    "unit_staff_ids",
]
