"""Shared helpers of the coordination views: run a service and say how it went; the
buttons and the one POST endpoint of a transition table."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from zhitong.common.transitions import Machine, Move, required_version
from zhitong.core.errors import AccessDenied, ServiceError

from ..forms import first_error, month_param, move_input


def perform(request, back: str, action: Callable[[], object], success: str = "已保存"):
    """POST handlers: run the service; a refused action comes back as a message on the page
    it came from (the page shows the reason in Chinese), a missing object as 404."""
    try:
        action()
    except AccessDenied:
        raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(back)


def create_view(request, form, *, create: Callable[[dict], object], template: str, detail: str, success: str):
    """A creation page: on a valid POST `create(cleaned_data)` makes the object and the user
    goes to its `detail` page (a URL name taking its pk); a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(detail, obj.pk)
    return TemplateResponse(request, template, {"form": form})


def invalid(request, back: str, form):
    messages.error(request, first_error(form))
    return redirect(back)


def get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except AccessDenied:
        raise Http404


def parse_month(value: str) -> date:
    """ "2026-01" → date(2026, 1, 1); 404 for anything else (a month with a year of ten
    digits included, or one outside the sane range of common.forms)."""
    month = month_param(value, None)
    if month is None:
        raise Http404("月份不正确")
    return month


def today() -> date:
    return timezone.localdate()


@dataclass
class MoveForm:
    """One button of a transition table on a page: the move, where it posts, and the
    version the form was rendered at (a stale form is refused with 409)."""

    move: Move
    action: str
    version: int
    multipart: bool


def move_forms(machine: Machine, user, obj, *, url: str, arg, today: date | None = None) -> list[MoveForm]:
    """The moves `user` may make on `obj` now (`machine.available`), each with its form's
    target `url` (a URL name taking `arg` and the move's name)."""
    return [
        MoveForm(
            move=m,
            action=reverse(url, args=[arg, m.name]),
            version=getattr(obj, machine.version_field),
            multipart=any(f.kind == "file" for f in m.form),
        )
        for m in machine.available(user, obj, today=today)
    ]


def move_view(request, machine: Machine, *, pk, name: str, back: str):
    """POST one move of `machine` (the object was already found through the visibility
    selector): the move's declared fields from the form, the `version` it was rendered at,
    one dispatcher (`machine.dispatch`). A refusal comes back as a message on `back`."""
    move = machine.moves.get(name)
    if move is None:
        raise Http404("未知的操作")
    return perform(
        request,
        back,
        lambda: machine.dispatch(
            pk=pk,
            move=name,
            actor=request.user,
            # Required: a form without it (an old page, a hand-made post) is refused.
            expected_version=required_version(request.POST.get("version")),
            **move_input(move, request.POST, request.FILES),
        ),
        f"已{move.label}",
    )


def history_rows(machine: Machine, rows) -> list:
    """StateChange rows with the move's label and the states' labels for the page."""
    rows = list(rows)
    for row in rows:
        move = machine.moves.get(row.action)
        row.label = move.label if move else row.action
        row.from_label = machine.status_label(row.from_status) if row.from_status else ""
        row.to_label = machine.status_label(row.to_status)
    return rows


def histories_of(objects) -> dict[int, list]:
    """The StateChange rows of many objects of one model, by object id (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from zhitong.common.models import StateChange

    if not objects:
        return {}
    rows = StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(objects[0]), object_id__in=[o.pk for o in objects]
    ).select_related("actor")
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.object_id, []).append(row)
    return out
