"""The appeal events a subscription may ask for: one per move of the appeal machine
(`appeal.<move>`: appeal.assign, appeal.sign, appeal.resolve, appeal.verify, appeal.rate,
appeal.close_not_rated, appeal.approve_extension, appeal.escalate …) and `appeal.created`
for intake — read from the machine's table, so a new move is a new event."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.appeals.machine import APPEAL

CREATED = "appeal.created"
INTAKE = "intake"  # the timeline action of intake (appeals/services/intake.py)


def _moves():
    moves = APPEAL.moves
    return moves.values() if isinstance(moves, dict) else moves


def events() -> dict[str, str]:
    """Every event code and its label, in the machine's order."""
    out = {CREATED: str(_("新诉求登记"))}
    for move in _moves():
        out[f"appeal.{move.name}"] = str(move.label)
    return out


def event_for(action: str) -> str | None:
    """The event of a timeline row's action; None for rows that are not moves (notes)."""
    if action == INTAKE:
        return CREATED
    code = f"appeal.{action}"
    return code if code in events() else None


def event_label(code: str) -> str:
    return events().get(code, code)
