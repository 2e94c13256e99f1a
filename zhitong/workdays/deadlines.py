"""The registry of stored working-day deadlines, and their re-timing when the calendar changes.

A date computed with working-day arithmetic and stored on a row (an appeal's handling
deadline, a batch's cut-off, a task's due date …) was counted on the calendar of the day it
was computed. When that calendar changes — a year's official schedule imported, a day set
or cleared, a re-seed — the stored date may be wrong. Every such deadline is *registered*
here by the app that owns it (in its AppConfig.ready; this app never imports the domain
apps), saying

- which model, which date field(s) and which boolean marks them provisional;
- `recompute(rows)`: the owner's own rule, run again on a list of rows, setting the date
  fields and the flag in place from the row's stored inputs (e.g. base date + N working
  days). It must not save; it may query (e.g. an appeal's history) once for the batch;
- `active`: which rows still run (a closed appeal's deadline is history, not re-timed);
- `touches(years)`: which non-provisional rows may have counted over a day of `years`
  (default: a date on or after 1 January of the first year, less two months for
  deadlines counted backwards from an event).

The calendar's write services call `retime` inside their own transaction, right after the
write: rows are locked, recomputed on the new calendar, the changed ones saved with
update_fields, each change recorded as a DeadlineShift, and one audit event summarises
it. A failure anywhere rolls the calendar change back with them.

A model with a `<x>_provisional` (or `provisional`) boolean must register it:
zhitong/workdays/tests/test_deadlines.py walks every model to check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .calendar import pinned_calendar

logger = logging.getLogger(__name__)

# How far before 1 January of a changed year a stored date may lie and still have been
# counted over a day of that year (a deadline counted backwards from a later event).
BACKWARD_MARGIN = timedelta(days=62)


@dataclass(frozen=True)
class Deadline:
    model_label: str
    dates: tuple[str, ...]
    provisional: str
    recompute: Callable[[list], None]
    active: Q | None = None
    touches: Callable[[list[int]], Q] | None = None
    ref: str = "pk"
    select_related: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    title: str = ""
    describe: Callable[[models.Model], str] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def key(self) -> str:
        return f"{self.model_label.lower()}.{self.provisional}"

    def candidates_q(self, years: list[int]) -> Q:
        if self.touches is not None:
            touched = self.touches(years)
        else:
            since = date(years[0], 1, 1) - BACKWARD_MARGIN
            touched = Q()
            for name in self.dates:
                touched |= Q(**{f"{name}__gte": since})
        q = Q(**{self.provisional: True}) | touched
        return q & self.active if self.active is not None else q


_registry: dict[str, Deadline] = {}


def register(
    model: type[models.Model] | str,
    *,
    dates: str | Sequence[str],
    provisional: str,
    recompute: Callable[[list], None],
    active: Q | None = None,
    touches: Callable[[list[int]], Q] | None = None,
    ref: str = "pk",
    select_related: Sequence[str] = (),
    derived: Sequence[str] = (),
    title: str = "",
    describe: Callable[[models.Model], str] | None = None,
) -> Deadline:
    """Register a stored deadline (call from the owning app's AppConfig.ready). `dates`:
    the date field(s), the main one first; `derived`: columns recompute also sets that are
    no deadline of their own (saved when changed, not recorded as shifts); `ref`: the
    attribute naming a row in the audit summary; `title`: how the calendar page names the
    object type (default: the model's verbose_name); `describe(row)`: how it names a row
    (default: `ref`; use `select_related` for what it reads). Registering the same model and flag
    again replaces the entry."""
    label = model if isinstance(model, str) else model._meta.label
    entry = Deadline(
        model_label=label,
        dates=(dates,) if isinstance(dates, str) else tuple(dates),
        provisional=provisional,
        recompute=recompute,
        active=active,
        touches=touches,
        ref=ref,
        select_related=tuple(select_related),
        derived=tuple(derived),
        title=title,
        describe=describe,
    )
    _registry[entry.key] = entry
    return entry


def registered() -> list[Deadline]:
    return list(_registry.values())


def title_for(model: type[models.Model]) -> str:
    """The name the calendar page gives a registered model's deadlines."""
    for entry in _registry.values():
        if entry.model is model and entry.title:
            return entry.title
    return str(model._meta.verbose_name)


def registered_fields() -> set[tuple[str, str]]:
    """(model label, field name) for every registered date field and flag."""
    out = set()
    for entry in _registry.values():
        label = entry.model._meta.label
        out.add((label, entry.provisional))
        out.update((label, name) for name in entry.dates)
    return out


@dataclass
class RetimeResult:
    examined: dict[str, int] = field(default_factory=dict)
    moved: dict[str, int] = field(default_factory=dict)  # rows whose dates changed
    confirmed: dict[str, int] = field(default_factory=dict)  # rows whose flag alone changed
    shifts: list = field(default_factory=list)  # DeadlineShift rows created

    @property
    def changed(self) -> int:
        return sum(self.moved.values()) + sum(self.confirmed.values())


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def retime(
    *,
    years: Iterable[int],
    change=None,
    only: Iterable[str | type[models.Model]] | None = None,
    actor=None,
    now: datetime | None = None,
) -> RetimeResult:
    """Recompute every registered deadline the calendar change of `years` may have moved
    (see the module docstring), inside one transaction; `only` limits it to some models.
    Writes DeadlineShift rows (tied to `change`, a CalendarChange, when given) and, if
    anything changed, one audit event `workdays.deadlines_retimed`."""
    from django.contrib.contenttypes.models import ContentType

    from zhitong.audit.services import audit_record

    from .models import DeadlineShift

    years = sorted({int(y) for y in years or ()})
    result = RetimeResult()
    if not years:
        return result
    now = now or timezone.now()
    wanted = None
    if only is not None:
        wanted = {(m if isinstance(m, str) else m._meta.label).lower() for m in only}
    before_log: dict[str, dict] = {}
    after_log: dict[str, dict] = {}
    stamp = timezone.now()  # updated_at, as auto_now would set it
    with transaction.atomic(), pinned_calendar():
        for entry in registered():
            model = entry.model
            label = model._meta.label_lower
            if wanted is not None and label not in wanted:
                continue
            rows = list(
                model._default_manager.select_for_update(of=("self",))
                .select_related(*entry.select_related)
                .filter(entry.candidates_q(years))
                .order_by("pk")
            )
            result.examined[label] = result.examined.get(label, 0) + len(rows)
            if not rows:
                continue
            watched = (*entry.dates, entry.provisional, *entry.derived)
            old = {row.pk: {name: getattr(row, name) for name in watched} for row in rows}
            entry.recompute(rows)
            ctype = ContentType.objects.get_for_model(model)
            has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
            # Saved with only the changed columns: one UPDATE … WHERE pk IN (…) per set of
            # new values (deadlines cluster on few dates; bulk_update's CASE per row was
            # 10 s for 2,000 tasks, measured). updated_at set as auto_now would.
            to_save: dict[tuple, list] = {}
            for row in rows:
                was = old[row.pk]
                names = [name for name in watched if getattr(row, name) != was[name]]
                if not names:
                    continue
                to_save.setdefault(tuple((n, getattr(row, n)) for n in names), []).append(row.pk)
                ref = str(getattr(row, entry.ref))
                new_flag, old_flag = getattr(row, entry.provisional), was[entry.provisional]
                moved_dates = [name for name in entry.dates if name in names]
                if not moved_dates and new_flag == old_flag:
                    continue  # a derived column alone: nothing the page or the log must show
                bucket = result.moved if moved_dates else result.confirmed
                bucket[label] = bucket.get(label, 0) + 1
                for name in moved_dates or entry.dates[:1]:
                    result.shifts.append(
                        DeadlineShift(
                            change=change,
                            content_type=ctype,
                            object_id=str(row.pk),
                            ref=(entry.describe(row) if entry.describe else ref)[:200],
                            field=name,
                            old_date=was[name],
                            new_date=getattr(row, name),
                            provisional_before=old_flag,
                            provisional_after=new_flag,
                            at=now,
                        )
                    )
                before_log.setdefault(label, {})[ref] = {n: _jsonable(was[n]) for n in names}
                after_log.setdefault(label, {})[ref] = {n: _jsonable(getattr(row, n)) for n in names}
            for values, pks in to_save.items():
                extra = {"updated_at": stamp} if has_updated_at else {}
                for i in range(0, len(pks), 500):
                    model._default_manager.filter(pk__in=pks[i : i + 500]).update(**dict(values), **extra)
        if result.shifts:
            DeadlineShift.objects.bulk_create(result.shifts, batch_size=500)
        if change is not None:
            change.examined = sum(result.examined.values())
            change.moved = sum(result.moved.values())
            change.summary = {"moved": result.moved, "confirmed": result.confirmed}
            change.save(update_fields=["examined", "moved", "summary"])
        if result.changed:
            # No change, no event: a re-seed that moves nothing leaves the log as it was.
            audit_record(
                action="workdays.deadlines_retimed",
                object_type="workdays.calendarchange",
                object_id=str(change.pk) if change is not None else "",
                actor=actor,
                before=before_log,
                after={
                    "years": years,
                    "examined": result.examined,
                    "moved": result.moved,
                    "confirmed": result.confirmed,
                    "objects": after_log,
                },
                now=now,
            )
    logger.info(
        "calendar %s: %d deadlines moved, %d confirmed",
        years,
        sum(result.moved.values()),
        sum(result.confirmed.values()),
    )
    return result


def unregistered() -> list[str]:
    """ "app.Model.field" for every stored working-day deadline not registered: by
    convention a BooleanField `provisional` or `<x>_provisional` marks one, and when a
    DateField `<x>` stands next to it, `<x>` is one of its dates."""
    known = registered_fields()
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        fields = {f.name: f for f in model._meta.concrete_fields}
        for name, f in fields.items():
            if not isinstance(f, models.BooleanField):
                continue
            if name != "provisional" and not name.endswith("_provisional"):
                continue
            if (label, name) not in known:
                missing.append(f"{label}.{name}")
            base = name.removesuffix("_provisional") if name != "provisional" else ""
            if base and isinstance(fields.get(base), models.DateField) and (label, base) not in known:
                missing.append(f"{label}.{base}")
    return missing
