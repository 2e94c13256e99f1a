"""An enterprise withdraws its appeal, and the hub calls back (撤单质检, issue 12).

A withdrawal is the enterprise's own move, with a reason; it is never 办结 (the appeal is
not in CONCLUDED_STATUSES, so no rate counts it as resolved). Every withdrawal puts a
call-back on the hub's desk (`withdrawal_check = pending`, the hub's work list): the hub
phones the enterprise and records the outcome through the kernel —

- `confirm_withdrawal`: the withdrawal was voluntary; the appeal stays withdrawn;
- `reopen_withdrawal`: it was not (the unit asked for it, or pressed for it): the appeal
  goes back to its lead unit if one had signed for it (its clock as it was: pressure does
  not stop the clock), or to the hub's triage otherwise, and the count of involuntary
  withdrawals of the appeal (and so of its lead unit) goes up.
"""

from __future__ import annotations

from ..choices import Status, WithdrawalCheck
from ..machine import APPEAL
from ..models import Appeal
from ..notices import about, hub_ids, to_unit
from ._inputs import text


@APPEAL.service("withdraw")
def appeal_withdraw(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    reason = text(reason, "撤回理由", "reason")
    with APPEAL.moving(
        pk=appeal_id, move="withdraw", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        appeal.withdrawn_at, appeal.withdrawal_reason = step.now, reason
        appeal.withdrawal_check = WithdrawalCheck.PENDING
        step.commit(
            fields=["withdrawn_at", "withdrawal_reason", "withdrawal_check"],
            note=reason,
            data={"from_status": step.before["status"], "lead_unit_id": appeal.lead_unit_id},
        )
        step.tell(hub_ids, kind="appeal.withdrawn", **about(appeal, "企业撤回诉求，请电话回访核实", reason))
        if appeal.lead_unit_id:
            step.tell(
                to_unit(appeal.lead_unit_id), kind="appeal.withdrawn", **about(appeal, "企业已撤回诉求")
            )
    return appeal


@APPEAL.service("confirm_withdrawal")
def appeal_confirm_withdrawal(
    *, appeal_id: int, actor, call_note: str, expected_version=None, now=None
) -> Appeal:
    call_note = text(call_note, "回访情况", "call_note")
    with APPEAL.moving(
        pk=appeal_id, move="confirm_withdrawal", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.obj.withdrawal_check = WithdrawalCheck.VOLUNTARY
        step.commit(fields=["withdrawal_check"], note=call_note, data={"outcome": WithdrawalCheck.VOLUNTARY})
    return step.obj


@APPEAL.service("reopen_withdrawal")
def appeal_reopen_withdrawal(
    *, appeal_id: int, actor, call_note: str, expected_version=None, now=None
) -> Appeal:
    call_note = text(call_note, "回访情况", "call_note")
    with APPEAL.moving(
        pk=appeal_id, move="reopen_withdrawal", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        back_to_unit = bool(appeal.lead_unit_id and appeal.handler_id)
        appeal.withdrawal_check = WithdrawalCheck.PRESSURED
        appeal.pressured_withdrawals += 1
        # Not yet signed for: the hub routes it again (a fresh triage clock; `assign` replaces
        # the lead unit, and counts a change of unit).
        fields = ["withdrawal_check", "pressured_withdrawals"]
        step.commit(
            fields=fields,
            to_status=Status.IN_PROGRESS if back_to_unit else Status.SUBMITTED,
            note=call_note,
            data={"outcome": WithdrawalCheck.PRESSURED, "lead_unit_id": appeal.lead_unit_id},
        )
        title = "经撤单回访，企业撤回并非自愿，诉求恢复办理"
        step.tell(hub_ids, kind="appeal.withdrawal_reopened", **about(appeal, title, call_note))
        if back_to_unit:
            step.tell(to_unit(appeal.lead_unit_id), kind="appeal.withdrawal_reopened", **about(appeal, title))
    return appeal
