"""Every action the code writes to the log has a name in words (catalog.py)."""

import re
from pathlib import Path

import pytest

from zhitong.audit import catalog
from zhitong.common.transitions import MACHINES

PACKAGE = Path(__file__).resolve().parents[2]
# audit_record(action="unit.create", …), _audit("auth.login", …), "a" if before else "b"
LITERAL = re.compile(
    r'(?:action\s*=\s*\(?|_audit\(\s*)"([a-z_]+\.[a-z_.]+)"(?: if [^\n]+? else "([a-z_]+\.[a-z_.]+)")?'
)
# Edits of the coordination objects name only their verb (services/_common.Edit.audit,
# services/events/items.Edit.record): "<kind>.<verb>".
VERBS = {
    "coordination/services/meetings.py": ("meeting", re.compile(r'edit\.audit\(\s*"([a-z_]+)"')),
    "coordination/services/events/items.py": ("event", re.compile(r'edit\.record\(\s*"([a-z_]+)"')),
}


def _written_actions() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        for groups in LITERAL.findall(text):
            found |= {g for g in groups if g}
        if rel in VERBS:
            kind, pattern = VERBS[rel]
            found |= {f"{kind}.{verb}" for verb in pattern.findall(text)}
    # timeline_note(action="coordination.…") is audited as "appeal.note.coordination.…".
    return {f"{catalog.NOTE_PREFIX}{a}" if a.startswith("coordination.") else a for a in found}


def test_the_scan_finds_the_actions_it_should():
    written = _written_actions()
    # One of each shape, so that a broken pattern fails here rather than passing vacuously.
    shapes = {"unit.create", "auth.login", "unit.window_create", "auth.token_failed", "meeting.update"}
    assert shapes | {"event.item_unit", "appeal.note.coordination.task_assign"} <= written


def test_every_action_written_in_the_code_has_a_name():
    unnamed = sorted(a for a in _written_actions() if not catalog.action_label(a))
    assert unnamed == []


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_every_move_reads_as_its_own_label(kind):
    for name, move in MACHINES[kind].moves.items():
        assert catalog.action_label(f"{kind}.{name}") == move.label


def test_actions_read_in_words():
    assert catalog.action_label("appeal.approve_extension") == "批准延期"
    assert catalog.action_label("unit.admin_update") == "后台修改单位"
    assert catalog.action_label("auth.login") == "登录"
    note = {"data": {"label": "协调会意见"}, "note": "…"}
    assert catalog.action_label("appeal.note.coordination.meeting_opinion", note) == "协调会意见"
    assert catalog.action_label("appeal.note.coordination.task_done") == "交办任务报办结"
    assert catalog.action_label("test.unknown") == ""


def test_the_action_filter_offers_groups_and_moves():
    flat = dict(
        (value, str(label)) for group, options in catalog.action_choices()[1:] for value, label in options
    )
    assert flat["appeal."] == "全部诉求操作"
    assert flat["appeal.approve_extension"] == "批准延期"
    assert flat["auth.login_failed"] == "登录失败"
    assert flat["unit.admin_create"] == "后台新建单位"
