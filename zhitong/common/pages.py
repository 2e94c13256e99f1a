"""Helpers of every app's pages: run a service and say how it went (`perform`), the
buttons and the one POST endpoint of a transition table (`move_forms`, `move_view`), its
history rows, and the typed inputs of a move from a form (`move_input`). Moved here from
coordination so that every app (projects included) renders its tables the same way."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from zhitong.common import forms as zt
from zhitong.common.transitions import Machine, Move, required_version
from zhitong.core.errors import AccessDenied, ServiceError


def perform(request, back: str, action: Callable[[], object], success: str = gettext_noop("已保存")):
    """POST handlers: run the service; a refused action comes back as a message on the page
    it came from (the page shows the reason in Chinese), a missing object as 404. `success`
    is said in the user's language (a caller's already translated text stays as it is)."""
    try:
        action()
    except AccessDenied:
        raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, gettext(success))
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
        gettext("已%(move)s") % {"move": move.label},
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


def month_param(value, default):
    """A "YYYY-MM" GET value as the month's first day; `default` for anything else, or a
    month outside DATE_FLOOR … FUTURE_YEARS ahead (a filter with garbage lists the default)."""
    import re
    from datetime import date

    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip()) if isinstance(value, str) else None
    if m is None or not 1 <= int(m[2]) <= 12:
        return default
    month = date(int(m[1]), int(m[2]), 1)
    today = timezone.localdate()
    if not zt.DATE_FLOOR <= month <= today.replace(year=today.year + zt.FUTURE_YEARS, day=1):
        return default
    return month


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "输入有误"


# The declared fields of the transition tables (common.transitions.Field.kind) as form
# fields: what a page or the API may send for each, bounded like every page form.
def _input_field(kind: str) -> forms.Field:
    if kind == "text":
        return forms.CharField(required=False, max_length=200)
    if kind == "int":  # a time limit in working days
        return forms.IntegerField(required=False, min_value=1, max_value=365)
    if kind in ("unit", "user", "item"):
        return forms.IntegerField(required=False, min_value=1, max_value=zt.INT_MAX)
    if kind == "date":
        return zt.DateField(required=False)
    return forms.CharField(required=False, max_length=zt.TEXT_MAX)


def _clean_input(f, raw):
    """One declared field's value, typed; ServiceError naming the field when it is not."""
    from zhitong.core.errors import ServiceError

    field = zt.harden(_input_field(f.kind))
    if isinstance(raw, list | tuple | dict):
        raise ServiceError(f"“{f.label}”只能填写一个值", field=f.name)
    try:
        # A line break counts once, as the page's counter shows it (zt.unix_line_breaks).
        value = field.clean(zt.unix_line_breaks(raw) if raw is None or isinstance(raw, str) else str(raw))
    except ValidationError as exc:
        raise ServiceError(f"“{f.label}”：{exc.messages[0]}", field=f.name)
    if isinstance(value, str) and not zt.has_visible_text(value):
        return ""  # nothing visible: the services say when the text is required
    return value


def move_input(move, data, files=None) -> dict:
    """The declared fields of a transition-table move, typed from a POSTed form (QueryDict +
    FILES) or a JSON body (dict): text stays text (at most 200 characters, a textarea
    TEXT_MAX), `int` a time limit of 1–365 working days, `unit`/`user`/`item` ids, `units`
    a list of ids in the order given (the first leads), `date` a date in the sane range,
    `file` the upload. Blank optional values become None (text: ""); the services check
    what is required. A value that is not of its kind is a ServiceError on its field."""
    from zhitong.core.errors import ServiceError

    def many(name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return value if isinstance(value, list) else ([] if value in (None, "") else [value])

    out: dict = {}
    for f in move.form:
        if f.kind == "file":
            out[f.name] = (files or {}).get(f.name)
            try:
                if out[f.name] is not None:
                    zt.check_upload_size(out[f.name])
            except ValidationError as exc:
                raise ServiceError(exc.messages[0], code="file_too_large", field=f.name)
        elif f.kind == "units":
            values = [v for v in many(f.name) if str(v).strip()]
            if len(values) > zt.MAX_ITEMS:
                raise ServiceError(f"“{f.label}”最多可选 {zt.MAX_ITEMS} 项", field=f.name)
            unit = type(f)(f.name, f.label, "unit")
            out[f.name] = [_clean_input(unit, v if isinstance(v, str) else str(v)) for v in values]
        else:
            raw = data.get(f.name)
            if hasattr(data, "getlist") and len(data.getlist(f.name)) > 1:
                raw = data.getlist(f.name)
            value = _clean_input(f, raw)
            out[f.name] = value if value not in (None, "") or f.kind in ("text", "textarea") else None
    return out


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


# -- bulk imports from .xlsx: the upload, the report, and "仅导入无误的行" ------------------------
#
# An import (organizations.imports.run_import and the imports built on it) is all or
# nothing: a file with any bad row imports nothing and its report lists every bad cell.
# The page then keeps the uploaded file for a day so the user may choose to import only
# its good rows — the same file, read again — with one button. Every import page (the
# enterprise library's, the project library's) runs this one flow.

IMPORT_PENDING_MAX_AGE_SECONDS = 24 * 3600
IMPORT_SESSION_KEY = "zt_import_pending"


def _import_pending_dir():
    from pathlib import Path

    from django.conf import settings

    d = Path(settings.MEDIA_ROOT) / "imports"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _import_drop_stale() -> None:
    """Files kept for "仅导入无误的行" that nobody came back for within a day."""
    import time

    cutoff = time.time() - IMPORT_PENDING_MAX_AGE_SECONDS
    for f in _import_pending_dir().glob("*.xlsx"):
        if f.stat().st_mtime < cutoff:
            f.unlink(missing_ok=True)


def import_pending_path(token: str):
    """Where the file of `token` (a UUID) is kept; None for anything else."""
    import uuid

    try:
        uuid.UUID(token)
    except (ValueError, TypeError, AttributeError):
        return None
    return _import_pending_dir() / f"{token}.xlsx"


def import_submission(request, *, kind: str, run: Callable) -> tuple[dict, int]:
    """Handle the POST of an import page: a new upload (`file`) imported all or nothing, or
    (`good_rows_only` with the `token` the page was given) the good rows of the file kept
    from the last upload of the same `kind`. `run(fileobj, actor=…, good_rows_only=…)`
    returns an ImportReport. Returns the context for the page (`report`, `filename`,
    `token` when the good rows may still be imported, or `error`) and the status."""
    import uuid
    from io import BytesIO

    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if request.POST.get("good_rows_only"):
        token = request.POST.get("token", "")
        path = import_pending_path(token)
        if path is None or pending.get("token") != token or pending.get("kind") != kind or not path.exists():
            return {"error": gettext("上传的文件已失效，请重新上传。")}, 400
        with path.open("rb") as f:
            report = run(f, actor=request.user, good_rows_only=True)
        path.unlink(missing_ok=True)
        request.session.pop(IMPORT_SESSION_KEY, None)
        return {"report": report, "filename": pending.get("filename", "")}, 200

    upload = request.FILES.get("file")
    if upload is None:
        return {"error": gettext("请选择要上传的 .xlsx 文件")}, 400
    try:
        zt.check_upload_size(upload)
    except ValidationError as exc:
        return {"error": exc.messages[0]}, 400
    data = upload.read()
    report = run(BytesIO(data), actor=request.user, good_rows_only=False)
    out = {"report": report, "filename": upload.name}
    if report.errors and not report.fatal and report.good_row_count > 0:
        # Keep the file so the user can choose to import only its good rows.
        old = import_pending_path(pending.get("token", ""))
        if old is not None:
            old.unlink(missing_ok=True)
        _import_drop_stale()
        token = str(uuid.uuid4())
        import_pending_path(token).write_bytes(data)
        request.session[IMPORT_SESSION_KEY] = {"token": token, "kind": kind, "filename": upload.name}
        out["token"] = token
    return out, 200
