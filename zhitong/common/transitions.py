"""The transition kernel: one declared table of moves per object type (STYLE habits 1-2).

A `Machine` holds the table of an object type (appeal, event, task, …). A `Move` names the
states it may start from (`sources`), the state it leads to (`target`; None = the status
stays, e.g. a progress note), who may make it (`actors`, *relations* between the user and
the object computed by the machine's `relations(user, obj)`), the inputs its form needs
(`fields`, described by `Field`s so pages and the API render and validate them generically)
and an optional `guard(obj, today)` for conditions beyond status and relation.

The machine is the single gate and the single recipe:

- `check` raises ConflictError (409) when the state does not allow the move and Forbidden
  (403) when the state allows it but this user may not; `available` lists the moves a user
  may make now (the buttons); neither queries beyond what the caller prefetched.
- `moving(...)` opens the transaction, locks the row (`select_for_update`; with `also=`,
  the other rows the move changes, all together in id order), re-reads it, checks the
  caller's expected version (a stale form is a 409) and the move, and yields a `Step`;
  `Step.commit(...)` changes the status, runs the deadline-recompute hook, bumps the
  version, saves `update_fields`, writes the history row and an audit event with before and
  after; `Step.tell(...)` queues a notification in the move's own transaction (the outbox),
  delivered after the commit.
- `perform(...)` is `moving` + `commit` for a move whose service only sets fields.
- `dispatch(move=…)` runs the service registered for a move by name (`@machine.service`),
  passing only the move's declared fields, each checked and typed by its kind first
  (`clean`): one dispatcher for the page and the API. Wrong types, over-long texts,
  impossible dates and ids beyond 64 bits are refused with 422 before any service runs;
  the API also refuses keys the move does not take (`unknown="refuse"`).

Locks and contention: a transaction that locks several rows locks them together in
ascending id order (`lock_many`, `lock_rows`), so two of them never wait on each other in a
circle. What the database still gives up on (a deadlock, a serialization failure, SQLite's
"database is locked") is never a 500: `moving` turns it into `Contention` (409, "请重试"),
and every registered service is `retrying` — run again, a bounded number of times, when it
is not inside somebody else's transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, create_model
from pydantic import Field as Bounds

from zhitong.audit.services import audit_record
from zhitong.core import fields as types
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput, ServiceError
from zhitong.notifications.services import notify

SYSTEM = "system"  # the relation of the periodic jobs (actor None)
MACHINES: dict[str, Machine] = {}


# -- locks and contention ------------------------------------------------------------------

# PostgreSQL's SQLSTATEs of a transaction given up because of another one: deadlock detected,
# serialization failure, lock not available. Running it again may succeed.
CONTENTION_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
RETRY_ATTEMPTS = 3


class Contention(ConflictError):
    """The database gave up on this transaction because another one held what it needed.
    Nothing of it was saved, so the same request may be sent again (HTTP 409)."""

    code = "conflict"

    def __init__(self, message: str = "系统繁忙，操作未能完成，请重试", **kw):
        super().__init__(message, **kw)


def is_contention(exc: BaseException) -> bool:
    """A deadlock, serialization failure or lock timeout (PostgreSQL), or a locked
    database (SQLite): an error of timing, not of the request."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state:
        return state in CONTENTION_SQLSTATES
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def contended():
    """Turn a contention error raised inside the block into `Contention` (409)."""
    try:
        yield
    except OperationalError as exc:
        if is_contention(exc):
            raise Contention() from exc
        raise


def retrying(func=None, *, attempts: int = RETRY_ATTEMPTS):
    """Decorator: run `func` again when the database gave up on its transaction
    (`Contention`), at most `attempts` times in all. The victim of a deadlock is rolled
    back whole, so running it again is safe; by then the other transaction has committed,
    and the re-run re-reads what it changed (a stale version is then an ordinary 409).
    Inside a transaction opened by a caller nothing can be re-run alone (PostgreSQL has
    aborted that transaction too): the Contention goes up to that caller."""
    if func is None:
        return functools.partial(retrying, attempts=attempts)
    if getattr(func, "retrying", False):
        return func

    @functools.wraps(func)
    def run(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                with contended():
                    return func(*args, **kwargs)
            except Contention:
                if attempt == attempts or transaction.get_connection().in_atomic_block:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    run.retrying = True
    return run


# -- the version a move is based on ------------------------------------------------------------

VERSION_REQUIRED = "缺少页面版本号，无法确认您看到的是最新状态，请刷新页面后重试"


class VersionRequired(ServiceError):
    """A move from a page or the API without the version it was based on (HTTP 422): it
    could silently overwrite a change the user never saw."""

    status = 422
    code = "version_required"

    def __init__(self, message: str = VERSION_REQUIRED, **kw):
        super().__init__(message, **kw)


def required_version(value, *, field: str = "version") -> int:
    """The version a move posted by a page or an API client was based on, as an int;
    VersionRequired (422) when it is missing or not a whole number. The edges call this;
    services called internally (jobs, the demo, tests) may still pass None to `moving`."""
    if isinstance(value, bool) or value in (None, ""):
        raise VersionRequired(field=field)
    try:
        return clean_version(value.strip() if isinstance(value, str) else value)
    except InvalidInput:
        raise VersionRequired("页面版本号格式不正确，请刷新页面后重试", field=field)


def _pks(model, ids) -> list:
    """`ids` as the model's primary-key values, sorted, without repeats; AccessDenied for
    one that cannot be an id (e.g. "abc" from a form)."""
    pk_field = model._meta.pk
    try:
        return sorted({pk_field.to_python(i) for i in ids if i not in (None, "")})
    except (DjangoValidationError, TypeError, ValueError):
        raise AccessDenied()


def lock_rows(qs) -> list:
    """Lock every row of `qs` (only its own table's rows: PostgreSQL refuses FOR UPDATE on
    the nullable side of a join) in ascending id order, the order every transaction that
    locks several rows follows; returns them in that order."""
    return list(qs.select_for_update(of=("self",)).order_by("pk"))


def lock_many(model, ids) -> dict:
    """Lock the rows `ids` of `model` together, in ascending id order (two merges crossing
    each other, A into B and B into A, deadlocked when each locked its own row first).
    Returns {pk: row}; an id without a row is absent."""
    pks = _pks(model, ids)
    if not pks:
        return {}
    return {row.pk: row for row in lock_rows(model._default_manager.filter(pk__in=pks))}


@dataclass(frozen=True)
class Field:
    """One input of a move's form. `kind` tells a page which widget to render: text,
    textarea, date, datetime, int, unit, units, user, appeal, rating, files, items, bool."""

    name: str
    label: str  # lazily translated (gettext_lazy): the pages show it in the user's language
    kind: str
    required: bool = True
    help: str = ""
    max_length: int | None = None  # a text's column, when narrower than its kind's default


def _split_ids(value):
    # A form or an older client sends several ids as "3,5" (also with a Chinese comma).
    if isinstance(value, str):
        return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    return value


def _file_like(value):
    items = value if isinstance(value, list | tuple) else [value]
    if not all(hasattr(v, "read") and hasattr(v, "name") for v in items if v is not None):
        raise ValueError("须以 multipart/form-data 上传文件")
    return value


_Ids = Annotated[list[types.Id], BeforeValidator(_split_ids)]
# The type each kind of field takes (`Field.kind`), and its value when the input leaves it
# out: a text is "", a list is empty, anything else None — the services decide what is required.
KIND_TYPES: dict[str, Any] = {
    "textarea": types.Text(types.LONG_TEXT_MAX),
    "text": types.Text(types.NAME_MAX),
    "items": list[types.Text(types.NAME_MAX)] | types.Text(types.LONG_TEXT_MAX),
    "int": types.WorkdayCount,
    "unit": types.Id,
    "user": types.Id,
    "appeal": types.Id,
    "item": types.Id,
    "units": Annotated[_Ids, Bounds(max_length=100)],
    "event_items": Annotated[_Ids, Bounds(max_length=500)],
    "proposals": Annotated[dict[types.Id, types.Text(types.LONG_TEXT_MAX)], Bounds(max_length=500)],
    "date": types.SaneDate,
    "datetime": types.SaneDatetime,
    "rating": Annotated[int, Bounds(ge=1, le=5)],
    "bool": bool,
    "file": Annotated[Any, BeforeValidator(_file_like)],
    "files": Annotated[Any, BeforeValidator(_file_like)],
}
KIND_EMPTY: dict[str, Callable] = {"text": str, "textarea": str, "proposals": dict}
KIND_EMPTY |= {"items": list, "units": list, "event_items": list}
FILE_KINDS = frozenset({"file", "files"})


def field_type(f: Field):
    if f.kind in ("text", "textarea") and f.max_length:
        return types.Text(f.max_length)
    return KIND_TYPES.get(f.kind, types.Text(types.LONG_TEXT_MAX))


def data_model(name: str, specs: Iterable[Field], *, files: bool = True) -> type[BaseModel]:
    """A pydantic model of a move's (or a machine's) fields, all optional: the kernel checks
    types and bounds, the services what is required. Unknown keys are refused. The fields'
    descriptions (OpenAPI) are the source-language labels, whatever language is active."""
    with translation.override(settings.LANGUAGE_CODE):
        return create_model(
            name,
            __config__=ConfigDict(extra="forbid"),
            **{
                f.name: (field_type(f) | None, Bounds(None, description=str(f.label)))
                for f in specs
                if files or f.kind not in FILE_KINDS
            },
        )


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button text
    sources: frozenset[str]
    target: str | None  # None: status unchanged
    actors: frozenset[str]
    fields: tuple[str, ...] = ()
    needs_reason: bool = False
    alt_target: str | None = None  # a second outcome decided by the data (e.g. rate → reopen)
    description: str = ""
    style: str = ""  # "primary" / "secondary" / "contrast" hint for buttons
    guard: Callable[[Any, date | None], str | None] | None = field(default=None, compare=False)
    form: tuple[Field, ...] = ()  # filled in by the Machine from its field table

    def form_fields(self) -> list[Field]:
        return list(self.form)


def move(name, label, sources, target, actors, fields=(), **kw) -> Move:
    return Move(name, label, frozenset(sources), target, frozenset(actors), tuple(fields), **kw)


@dataclass
class Step:
    """One move in progress: the locked object and its snapshot before the change."""

    machine: Machine
    obj: Any
    move: Move
    actor: Any
    now: datetime
    before: dict
    locked: dict = field(default_factory=dict)  # every row locked by `moving`, by pk

    def commit(self, *, fields: Iterable[str] = (), to_status: str | None = None, note: str = "", data=None):
        return self.machine.commit(self, fields=fields, to_status=to_status, note=note, data=data)

    def tell(
        self,
        recipients,
        *,
        kind: str,
        title: str,
        body: str = "",
        url: str = "",
        subject: str = "",
        dedupe_key=None,
    ):
        """A notification queued in the move's own transaction (the outbox): it exists if
        and only if the move commits, and is delivered after the commit, retried until it
        is. `recipients`: users or ids, or a callable (evaluated now, in the transaction).
        `subject`: the object it is about, when the link does not name it (the hub groups by it)."""
        notify(
            recipients=recipients,
            kind=kind,
            title=title,
            body=body,
            url=url,
            subject=subject,
            dedupe_key=dedupe_key,
            now=self.now,
        )


class Machine:
    """The declared table of moves of one object type and the recipe that performs them."""

    def __init__(
        self,
        *,
        kind: str,
        model,
        noun: str,
        states,
        moves: Iterable[Move],
        relations: Callable[[Any, Any], set[str]],
        audited: Iterable[str],
        fields: Iterable[Field] = (),
        relation_labels: dict[str, str] | None = None,
        history: Callable[..., Any] | None = None,
        recompute: Callable[[Any, Step], Iterable[str]] | None = None,
        status_field: str = "status",
        since_field: str | None = None,
        version_field: str = "version",
        stale_message: str = "",
        initial: Iterable[str] = (),
        pk_arg: str = "pk",
    ):
        self.kind, self.model, self.noun, self.states = kind, model, noun, states
        self.relations, self.audited = relations, (status_field, *[f for f in audited if f != status_field])
        self.relation_labels = relation_labels or {}
        self.history, self.recompute = history, recompute
        self.status_field, self.since_field, self.version_field = status_field, since_field, version_field
        self.stale_message = stale_message or f"该{noun}已被他人处理，请刷新后重试"
        self.initial = tuple(initial) or (states.values[0],)
        self.pk_arg = pk_arg  # the services' keyword for the object's id (e.g. appeal_id)
        self.fields = {f.name: f for f in fields}
        valid = set(states.values)
        self.moves: dict[str, Move] = {}
        for m in moves:
            unknown = [s for s in (*m.sources, m.target, m.alt_target) if s is not None and s not in valid]
            missing = [f for f in m.fields if f not in self.fields]
            if unknown or missing or m.name in self.moves:
                raise ValueError(f"{kind}.{m.name}: unknown states {unknown} or fields {missing}, or twice")
            self.moves[m.name] = Move(**{**m.__dict__, "form": tuple(self.fields[f] for f in m.fields)})
        self.services: dict[str, Callable] = {}
        self._models: dict[str, type[BaseModel]] = {}
        MACHINES[kind] = self

    def status_label(self, value: str) -> str:
        return str(self.states(value).label) if value in self.states.values else value

    # -- the gate ----------------------------------------------------------------------
    def relations_of(self, user, obj) -> set[str]:
        if user is None:
            return {SYSTEM}
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return set()
        return self.relations(user, obj)

    def check(self, user, obj, name: str, *, today: date | None = None) -> Move:
        """Raise unless `user` may make move `name` on `obj` as it is now; return the Move.
        `today` (the guards' day, Asia/Shanghai) defaults to today, as in `available`.
        The refusals are in Chinese (the API contract), also when a page runs in English."""
        with translation.override(settings.LANGUAGE_CODE):
            return self._check(user, obj, name, today=today)

    def _check(self, user, obj, name: str, *, today: date | None = None) -> Move:
        today = today or timezone.localdate()
        m = self.moves.get(name)
        if m is None:
            raise ConflictError(f"未知的操作：{name}", code="unknown_move")
        status = getattr(obj, self.status_field)
        if status not in m.sources:
            raise ConflictError(
                f"{self.noun}当前状态为“{self.status_label(status)}”，不能执行“{m.label}”，请刷新后重试",
                code="illegal_move",
            )
        if not (self.relations_of(user, obj) & m.actors):
            raise Forbidden(f"您无权对该{self.noun}执行“{m.label}”", code="forbidden_move")
        reason = m.guard(obj, today) if m.guard else None
        if reason:
            raise ConflictError(reason, code="move_not_possible")
        return m

    def available(self, user, obj, *, today: date | None = None) -> list[Move]:
        """The moves `user` may make now, in table order (the buttons, the API's list)."""
        today = today or timezone.localdate()
        rel, status = self.relations_of(user, obj), getattr(obj, self.status_field)
        return [
            m
            for m in self.moves.values()
            if status in m.sources and rel & m.actors and not (m.guard and m.guard(obj, today))
        ]

    def can(self, user, obj, name: str, *, today: date | None = None) -> bool:
        try:
            self.check(user, obj, name, today=today)
        except (ConflictError, Forbidden):
            return False
        return True

    # -- the recipe --------------------------------------------------------------------
    def snapshot(self, obj) -> dict:
        return {f: getattr(obj, f) for f in self.audited}

    def lock(self, pk, *, also: Iterable = ()):
        """Lock the object's row, and with `also` other rows of the same table the move
        changes too, all in one statement in id order (`lock_many`). Returns the object;
        AccessDenied if it does not exist. `lock_many(self.model, [pk, *also])` gives all."""
        return self._lock(pk, also)[0]

    def _lock(self, pk, also=()) -> tuple[Any, dict]:
        if not also:
            # Our own row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
            obj = self.model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            locked = {obj.pk: obj} if obj is not None else {}
        else:
            (key,) = _pks(self.model, [pk]) or [None]
            locked = lock_many(self.model, [pk, *also])
            obj = locked.get(key)
        if obj is None:
            raise AccessDenied()
        return obj, locked

    @contextmanager
    def moving(
        self, *, pk, move: str, actor, expected_version=None, now: datetime | None = None, also: Iterable = ()
    ):
        """Transaction, row lock (with `also`: the other rows the move changes, in id order;
        `step.locked` has them all by pk), re-read, expected version, the gate. Yields a
        Step. A deadlock or serialization failure comes out as `Contention` (409)."""
        now = now or timezone.now()
        expected_version = clean_version(expected_version)
        # Whatever the move writes (its history row and notes, the audit event, the notices)
        # and every refusal is in the source language, also when the page runs in English:
        # the tables' labels and the choices are translated lazily for display only.
        with contended(), transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            obj, locked = self._lock(pk, also)
            if expected_version is not None and expected_version != getattr(obj, self.version_field):
                raise ConflictError(self.stale_message, code="stale")
            if actor is not None and not actor.is_active:
                raise Forbidden("账号已停用")
            m = self.check(actor, obj, move, today=timezone.localdate(now))
            yield Step(self, obj, m, actor, now, self.snapshot(obj), locked)

    def commit(self, step: Step, *, fields=(), to_status=None, note: str = "", data=None):
        obj, now = step.obj, step.now
        from_status = step.before[self.status_field]
        update = set(fields)
        to_status = to_status or step.move.target
        if to_status and to_status != getattr(obj, self.status_field):
            setattr(obj, self.status_field, to_status)
            update.add(self.status_field)
            if self.since_field:
                setattr(obj, self.since_field, now)
                update.add(self.since_field)
        if self.recompute:
            update |= set(self.recompute(obj, step))
        setattr(obj, self.version_field, getattr(obj, self.version_field) + 1)
        update |= {self.version_field, *(["updated_at"] if hasattr(obj, "updated_at") else [])}
        obj.save(update_fields=sorted(update))
        row = None
        if self.history:
            row = self.history(
                obj,
                move=step.move.name,
                from_status=from_status,
                to_status=getattr(obj, self.status_field),
                actor=step.actor,
                now=now,
                note=note or "",
                data=data or {},
            )
        after = self.snapshot(obj)
        changed = [k for k in self.audited if step.before.get(k) != after[k]]
        version = getattr(obj, self.version_field)
        audit_record(
            action=f"{self.kind}.{step.move.name}",
            obj=obj,
            actor=step.actor,
            before={k: step.before[k] for k in changed} | {"version": version - 1},
            after={k: after[k] for k in changed} | {"version": version, "note": note or ""},
            now=now,
        )
        return row

    def perform(
        self, *, pk, move: str, actor, expected_version=None, now=None, apply=None, note="", data=None
    ):
        """A move whose service only sets fields: `apply(step)` changes `step.obj` and returns
        the names of the fields it set."""
        with self.moving(pk=pk, move=move, actor=actor, expected_version=expected_version, now=now) as step:
            fields = apply(step) if apply else ()
            step.commit(fields=fields or (), note=note, data=data)
        return step.obj

    # -- the dispatcher ----------------------------------------------------------------
    def service(self, name: str):
        """Register the service that performs move `name` (it takes the move's fields as
        keyword arguments besides pk/actor/expected_version/now). The service is returned
        `retrying` (a deadlock victim runs again), so callers of the function and of
        `dispatch` alike get that."""
        if name not in self.moves:
            raise ValueError(f"{self.kind}: no move {name}")

        def register(func):
            func = retrying(func)
            self.services[name] = func
            return func

        return register

    def dispatch(self, *, pk, move: str, actor, expected_version=None, now=None, unknown="ignore", **data):
        """Perform any move of the table by name. `data` may hold a whole form: only the
        move's declared fields are passed on, checked and typed by `clean` (422 when one is
        wrong); `unknown="refuse"` (the API) also refuses a key the move does not take."""
        m = self.moves.get(move)
        if m is None or move not in self.services:
            raise ConflictError(f"未知的操作：{move}", code="unknown_move")
        kwargs = self.clean(m, data, unknown=unknown)
        kwargs[self.pk_arg] = pk
        return self.services[move](
            actor=actor, expected_version=clean_version(expected_version), now=now, **kwargs
        )

    def clean(self, m: Move, data: Mapping, *, unknown: str = "ignore") -> dict:
        """The move's declared fields from `data`, each checked against its kind's type
        (`KIND_TYPES`: lengths, ids of 64 bits, dates in the platform's window, aware
        datetimes) and typed; a field left out gets its kind's empty value. InvalidInput
        (422, in Chinese, naming each field) for a wrong value, and for an unknown key
        when `unknown="refuse"`."""
        given = {k: v for k, v in data.items() if k in m.fields}
        if unknown == "refuse":
            given |= {k: v for k, v in data.items() if k not in m.fields}
        model = self._models.get(m.name)
        if model is None:
            model = self._models[m.name] = data_model(f"{self.kind}_{m.name}_data", m.form)
        try:
            checked = model.model_validate(given)
        except ValidationError as exc:
            details = types.error_details(exc.errors(include_url=False))
            field = details[0]["field"] if len(details) == 1 else None
            raise InvalidInput(types.error_summary(details), field=field, details=details)
        out = {}
        for f in m.form:
            value = getattr(checked, f.name)
            empty = KIND_EMPTY.get(f.kind)
            out[f.name] = (empty() if empty else None) if value is None else value
        return out

    @cached_property
    def input_model(self) -> type[BaseModel]:
        """Every field of the table (files aside) in one model: the API documents a move's
        JSON body with it (each move takes only its own fields, GET …/moves lists them)."""
        seen = {f.name: f for m in self.moves.values() for f in m.form}
        return data_model(f"{self.kind.title().replace('_', '')}MoveData", seen.values(), files=False)

    def unserved(self) -> list[str]:
        """Moves without a service (a test asserts none)."""
        return [n for n in self.moves if n not in self.services]


def clean_version(value):
    """The version a client says it saw: None, or a whole number (422 otherwise, never a
    crash in `int()` or an integer too large for the database)."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("“version”应为整数", field="version")
    if not 0 <= number <= types.MAX_ID:
        raise InvalidInput(f"“version”须在0至{types.MAX_ID}之间", field="version")
    return number


def record_state_change(obj, *, move, from_status, to_status, actor, now, note, data):
    """The default history row (`Machine(history=record_state_change)`)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StateChange

    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=move,
        from_status=from_status or "",
        to_status=to_status,
        actor=actor,
        at=now,
        note=note,
        data=data,
    )


def state_changes(obj):
    """The history rows of `obj`, oldest first (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StateChange

    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
