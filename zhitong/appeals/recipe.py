"""The appeal machine's hooks (`Machine(history=…, recompute=…)` in machine.py): the
timeline row every move writes, and what every move recomputes — the stored clock
(deadlines.py) and the problem-appeal flag. Below the machine and the services, so
neither imports the other to wire them.
"""

from __future__ import annotations

from .deadlines import recompute as recompute_clock
from .models import Transition
from .notices import about, hub_ids
from .signals import appeal_transition_recorded

PROBLEM_UNITS = 3  # issue 3: passed through 3 or more units → problem appeal (提级督办)
PROBLEM_REOPENS = 3  # … or reopened 3 or more times


def record_transition(appeal, *, move, from_status, to_status, actor, now, note="", data=None) -> Transition:
    """One row of the appeal's timeline (the history hook; also intake, notes, merges);
    the apps above hear of it in the same transaction (signals.appeal_transition_recorded)."""
    row = Transition.objects.create(
        appeal=appeal,
        action=move,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_unit_id=getattr(actor, "unit_id", None),
        at=now,
        note=note or "",
        data=data or {},
    )
    appeal_transition_recorded.send(sender=Transition, transition=row, appeal=appeal)
    return row


def record_note(appeal, *, move, actor, now, note="", data=None) -> Transition:
    """A timeline row that changes no state (a reminder, a merged duplicate, another app's note)."""
    status = appeal.status
    return record_transition(
        appeal, move=move, from_status=status, to_status=status, actor=actor, now=now, note=note, data=data
    )


def flag_problem(appeal, step) -> list[str]:
    """seeds/000 三 & issue 3: an appeal passed through ≥3 units or reopened ≥3 times is a
    problem appeal, raised to the hub (提级督办)."""
    if appeal.is_problem or (appeal.units_passed < PROBLEM_UNITS and appeal.reopen_count < PROBLEM_REOPENS):
        return []
    appeal.is_problem = True
    if appeal.units_passed >= PROBLEM_UNITS:
        why = f"已流转{appeal.units_passed}个单位"
    else:
        why = f"已重办{appeal.reopen_count}次"
    step.tell(hub_ids, kind="appeal.problem", **about(appeal, f"问题诉求提级督办：{why}", appeal.title))
    return ["is_problem"]


def recompute(appeal, step) -> list[str]:
    """The deadline hook: the stored clock, then the problem-appeal flag."""
    return [*recompute_clock(appeal), *flag_problem(appeal, step)]
