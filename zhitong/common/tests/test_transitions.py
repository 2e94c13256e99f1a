"""The transition kernel: the declared tables, the committed diagrams, the gate."""

import pytest

from zhitong.common.diagrams import DOC, load_machines, render
from zhitong.common.transitions import Machine, move


def test_the_committed_state_diagrams_match_the_tables():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "run `zhitong diagrams` and commit docs/state-machines.md"
    )


def test_every_move_of_every_table_has_its_service():
    machines = load_machines()
    assert "appeal" in machines
    for kind, machine in machines.items():
        assert machine.unserved() == [], f"{kind}: moves without a service"


def test_every_state_of_every_table_can_be_reached():
    for kind, machine in load_machines().items():
        reached = set(machine.initial)
        for m in machine.moves.values():
            reached |= {m.target, m.alt_target} - {None}
        assert set(machine.states.values) <= reached, f"{kind}: unreachable states"


def test_a_table_naming_an_unknown_state_or_field_is_refused():
    from zhitong.appeals.choices import Status
    from zhitong.appeals.models import Appeal

    with pytest.raises(ValueError, match="unknown states"):
        Machine(
            kind="test_bad",
            model=Appeal,
            noun="测试",
            states=Status,
            moves=[move("x", "X", {"nowhere"}, Status.SUBMITTED, {"hub"})],
            relations=lambda u, o: set(),
            audited=(),
        )
    with pytest.raises(ValueError, match="fields"):
        Machine(
            kind="test_bad2",
            model=Appeal,
            noun="测试",
            states=Status,
            moves=[move("x", "X", {Status.SUBMITTED}, Status.ASSIGNED, {"hub"}, ("nope",))],
            relations=lambda u, o: set(),
            audited=(),
        )
