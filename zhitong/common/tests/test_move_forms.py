"""Every form in a template that posts a move carries the version the page showed (issue 8:
a move without one is refused, so a form that forgot it would always fail)."""

import re
from pathlib import Path

import zhitong

ROOT = Path(zhitong.__file__).parent
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
# How a template names a move endpoint: the appeals' and events' URL names, or the
# coordination tables' MoveForm.action.
MOVE_ACTION = re.compile(r"action=\"[^\"]*(?:'appeals:move'|:event_move'|mf\.action)")
# The version: a hidden input named …version, or the hidden fields of a form class whose
# version field is required (appeals.forms.MoveForm, coordination.forms.EventMoveForm).
VERSION = re.compile(r"name=\"[\w-]*version\"|form\.hidden_fields")


def move_forms():
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        for form in FORM.findall(path.read_text()):
            if MOVE_ACTION.search(form):
                yield path.relative_to(ROOT), form


def test_every_move_form_sends_the_version():
    found = list(move_forms())
    assert len(found) >= 4  # the appeals' and events' partials, the tables' partial, triage
    missing = [str(path) for path, form in found if not VERSION.search(form)]
    assert missing == []


def test_the_form_classes_require_the_version():
    from zhitong.appeals.forms import MoveForm
    from zhitong.coordination.forms import EventMoveForm

    assert MoveForm.base_fields["expected_version"].required
    assert EventMoveForm.base_fields["version"].required
