"""Every page form is a common.forms.Form and every field of it is bounded and speaks the
pages' Chinese (issue 8). The forms are found in the code — every form class of the apps'
forms and views modules, and the forms built from the transition tables for every move —
so a new form is checked without touching this test."""

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.utils import translation

import zhitong
from zhitong.common import forms as zt

pytestmark = pytest.mark.django_db


def _import_form_modules():
    for info in pkgutil.walk_packages(zhitong.__path__, "zhitong."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] in ("forms", "views") or "views" in parts[:-1]:
            importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _instance(cls) -> forms.BaseForm:
    """An unbound instance; Django's password forms (SetPasswordForm's kin) take the user."""
    import inspect

    param = inspect.signature(cls.__init__).parameters.get("user")
    needs_user = param is not None and param.default is inspect.Parameter.empty
    return cls(user=None) if needs_user else cls()


def page_forms() -> list[forms.BaseForm]:
    """An instance of every form class of ours, and of every move's form."""
    from zhitong.appeals.forms import MoveChoices, move_form
    from zhitong.appeals.machine import MOVES
    from zhitong.coordination.forms import event_move_form
    from zhitong.coordination.machines.events import EVENT

    _import_form_modules()
    classes = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("zhitong.")
        and "Move" not in cls.__name__
        # The Django admin's own forms (bound to a user by the admin) are not our pages.
        and not cls.__module__.endswith(".admin")
    }
    out = [_instance(cls) for cls in sorted(classes, key=lambda c: c.__qualname__)]
    choices = MoveChoices()
    out += [move_form(m, appeal=None, user=None, choices=choices, data={}) for m in MOVES.values()]
    event = SimpleNamespace(version=1, scheduled_at=None, place="")
    out += [event_move_form(m, event=event, items=[]) for m in EVENT.moves.values()]
    return out


def _django_messages() -> set[str]:
    out = set()
    with translation.override("zh-hans"):
        for cls in _subclasses(forms.Field):
            for k in cls.__mro__:
                out |= {str(m) for m in getattr(k, "default_error_messages", {}).values()}
    return out - {""}


def test_the_forms_are_found():
    names = {type(f).__name__ for f in page_forms()}
    assert {
        "IntakeForm",
        "WorkbenchFilterForm",
        "MeetingForm",
        "OpinionForm",
        "DayForm",
        "AuditFilterForm",
    } <= names
    assert "ZhitongAuthenticationForm" in names
    assert "ResolveForm" in names and "EventReviewForm" in names


def test_every_page_form_is_hardened_and_bounded():
    django_messages = _django_messages()
    problems = []
    for form in page_forms():
        where = type(form).__name__
        if not isinstance(form, zt.HardenedMixin):
            problems.append(f"{where} is not a common.forms.Form")
            continue
        for name, field in form.fields.items():
            at = f"{where}.{name}"
            with translation.override("zh-hans"):
                shown = {str(m) for m in field.error_messages.values()}
            if shown & django_messages:
                problems.append(f"{at} keeps Django's message {shown & django_messages}")
            if isinstance(field, forms.CharField) and not (
                field.max_length and field.max_length <= zt.TEXT_MAX
            ):
                problems.append(f"{at} has no length limit")
            if isinstance(field, forms.IntegerField) and (
                field.min_value is None or field.max_value is None or field.max_value > zt.INT_MAX
            ):
                problems.append(f"{at} is not bounded")
            if isinstance(field, forms.DateField | forms.DateTimeField) and not any(
                isinstance(v, zt.DateRange) for v in field.validators
            ):
                problems.append(f"{at} has no date range")
            if type(field) in (forms.DateField, forms.DateTimeField):
                problems.append(f"{at}: use common.forms' date fields (they say 日期不存在)")
            if isinstance(
                field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            ) and not isinstance(
                field, zt.MultipleChoiceField | zt.TypedMultipleChoiceField | zt.ModelMultipleChoiceField
            ):
                problems.append(f"{at}: use common.forms' multiple choice fields (bounded)")
    assert problems == []


def test_text_limits_match_their_columns():
    """A form field that ends up in a column is no longer than the column (PostgreSQL
    refuses a longer value with an error, SQLite stores it)."""
    from zhitong.appeals.forms import IntakeForm, MoveChoices, move_form
    from zhitong.appeals.machine import MOVES
    from zhitong.appeals.models import Appeal
    from zhitong.audit.forms import AuditFilterForm
    from zhitong.audit.models import AuditEvent
    from zhitong.coordination.forms import EventForm, MeetingForm, RegisterProblemForm
    from zhitong.coordination.models import EscalationRequest, Event, Meeting
    from zhitong.workdays.forms import DayForm
    from zhitong.workdays.models import CalendarDay

    escalate = move_form(MOVES["escalate"], appeal=None, user=None, choices=MoveChoices(), data={})
    pairs = [
        (IntakeForm(), Appeal, {}),
        (RegisterProblemForm(), Appeal, {}),
        (MeetingForm(), Meeting, {}),
        (EventForm(), Event, {}),
        (DayForm(), CalendarDay, {}),
        (AuditFilterForm(), AuditEvent, {"person": "actor_name"}),
        (escalate, EscalationRequest, {}),
    ]
    checked = 0
    for form, model, renamed in pairs:
        columns = {f.name: f for f in model._meta.get_fields() if getattr(f, "max_length", None)}
        for name, field in form.fields.items():
            column = columns.get(renamed.get(name, name))
            if isinstance(field, forms.CharField) and column is not None:
                checked += 1
                assert field.max_length <= column.max_length, (type(form).__name__, name)
    assert checked >= 12
