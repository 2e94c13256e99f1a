"""Audit events in words, for the log's page and its export: who (the person's name and
unit), when (local time), what (the action's label), which object (its label, linked to its
page when the viewer may open it) and what changed (field names, choice labels, dates,
names for ids). The codes and their words are in catalog.py (actions, keys) and kinds.py
(object types).

`audit_rows(events, user=…)` costs a fixed number of queries whatever the number of events:
one per model whose rows the events name (the objects and the ids in before/after), and one
per linked object type to ask its scope which of them the viewer may open.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from . import catalog, kinds
from .changes import MASKED

LONG = 60  # a value longer than this is shortened on the page, with a way to read it whole
SHORT = 40
MAX_ID = 2**63 - 1
# A date or a date-time as the log stores them (DjangoJSONEncoder: ISO 8601).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True)
class Value:
    """One value in words."""

    text: str
    empty: bool = False

    @property
    def long(self) -> bool:
        return len(self.text) > LONG

    @property
    def short(self) -> str:
        return self.text[:SHORT] + "…" if self.long else self.text


@dataclass(frozen=True)
class Change:
    """One key of before/after: `before` None when the key was only in after (a value set
    or a note), `after` None when it was only in before (a value removed)."""

    label: str
    before: Value | None
    after: Value | None

    def __str__(self) -> str:
        if self.before is not None and self.after is not None:
            return f"{self.label}：{self.before.text} → {self.after.text}"
        if self.after is not None:
            return f"{self.label}：{self.after.text}"
        return _("%(label)s：原为 %(value)s") % {"label": self.label, "value": self.before.text}


@dataclass
class Row:
    """One event as a reader sees it."""

    event: object
    at: datetime
    who: str
    unit: str
    action: str
    type_label: str
    object_label: str
    object_url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.event.outcome == "ok"

    @property
    def outcome(self) -> str:
        return str(catalog.OUTCOMES.get(self.event.outcome, self.event.outcome))

    @property
    def filter_person(self) -> str:
        """What the person filter takes to list this person's events."""
        actor = self.event.actor
        return (actor.full_name or actor.username) if actor is not None else self.event.actor_name

    def changes_text(self) -> str:
        return "\n".join(str(c) for c in self.changes)


# -- the rows other rows' ids name ------------------------------------------------------------


class Names:
    """Collects the rows events name ((model, lookup field, value)) and fetches them with one
    query per model and field."""

    def __init__(self):
        self.wanted: dict[tuple[str, str], set] = defaultdict(set)
        self.found: dict[tuple[str, str], dict] = {}

    def want(self, label: str, lookup: str, value) -> None:
        model = kinds.model(label)
        if model is None:
            return
        key = _lookup_value(model, lookup, value)
        if key is not None:
            self.wanted[(label, lookup)].add(key)

    def fetch(self) -> None:
        for (label, lookup), values in self.wanted.items():
            model = kinds.model(label)
            kind = kinds.object_kinds().get(label)
            qs = model._default_manager.filter(**{f"{lookup}__in": values})
            if kind is not None and kind.related:
                qs = qs.select_related(*kind.related)
            self.found[(label, lookup)] = {_key(obj, lookup): obj for obj in qs}

    def get(self, label: str, lookup: str, value):
        model = kinds.model(label)
        if model is None:
            return None
        key = _lookup_value(model, lookup, value)
        return self.found.get((label, lookup), {}).get(key)

    def name(self, label: str, lookup: str, value) -> str | None:
        """The label of the row `value` names, as another object's change names it."""
        obj = self.get(label, lookup, value)
        if obj is None:
            return None
        kind = kinds.object_kinds().get(label)
        return str(kind.short(obj)) if kind is not None and kind.short else name_of(label, obj)


def _key(obj, lookup: str):
    return obj.pk if lookup == "pk" else getattr(obj, lookup)


def _lookup_value(model, lookup: str, value):
    """`value` as the lookup field's type, or None when it cannot be one (a hand-made or
    legacy value must not fail the query)."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return None
    f = model._meta.pk if lookup == "pk" else model._meta.get_field(lookup)
    try:
        key = f.to_python(value if not isinstance(value, str) else value.strip())
    except (ValidationError, TypeError, ValueError):
        return None
    if isinstance(key, int) and not 0 < key <= MAX_ID:
        return None
    if isinstance(key, str) and (not key or len(key) > 200):
        return None
    return key


def name_of(label: str, obj) -> str:
    kind = kinds.object_kinds().get(label)
    if kind is not None and kind.model:
        return str(kind.name(obj))
    return str(obj)


# -- keys of before/after ---------------------------------------------------------------------


@dataclass(frozen=True)
class KeySpec:
    label: str
    kind: str = "plain"  # ref, choice, date, datetime, bool, plain
    ref: tuple[str, str] | None = None  # (model label, lookup field)
    choices: dict | None = None


def _chinese(text) -> bool:
    return any(ord(ch) > 127 for ch in str(text))


def _field_spec(f, key: str) -> KeySpec:
    # A field named in Chinese keeps its own (lazily translated) name: key_spec caches this,
    # and a label made str() here would stay in the language of whoever read it first.
    # Django's English defaults ("id", "created at") give way to the catalog's names.
    with translation.override(settings.LANGUAGE_CODE):
        named = _chinese(f.verbose_name)
    label = f.verbose_name if named else catalog.key_label(f.name) or catalog.key_label(key)
    label = label or f.name
    if f.is_relation and f.related_model is not None:
        return KeySpec(label, "ref", ref=(f.related_model._meta.label_lower, "pk"))
    if f.choices:
        return KeySpec(label, "choice", choices={str(k): v for k, v in f.flatchoices})
    if isinstance(f, models.DateTimeField):
        return KeySpec(label, "datetime")
    if isinstance(f, models.DateField):
        return KeySpec(label, "date")
    if isinstance(f, models.BooleanField):
        return KeySpec(label, "bool")
    return KeySpec(label)


@functools.lru_cache(maxsize=4096)
def key_spec(key: str, *, action: str, models_: tuple) -> KeySpec | None:
    """How to read `key` of an event of `action` on objects of `models_` (the changed part's
    model first, then the object's): None for a key not shown."""
    if key in catalog.HIDDEN_KEYS:
        return None
    code = catalog.KEY_CODES.get((action, key))
    if code is not None:
        return KeySpec(catalog.key_label(key) or key, "ref", ref=code)
    for m in models_:
        try:
            f = m._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if f.concrete or f.many_to_many:
            return _field_spec(f, key)
    label = catalog.key_label(key) or key
    stem = re.sub(r"_ids?$", "", key)
    if stem != key and stem in catalog.KEY_MODELS:
        return KeySpec(label, "ref", ref=(catalog.KEY_MODELS[stem], "pk"))
    return KeySpec(label)


def _items(values) -> list[tuple[str, object]]:
    """(key, value) of a before/after, with the timeline note's `data` spread out."""
    if values is None:
        return []
    if not isinstance(values, dict):
        return [("data", values)]
    out = []
    for k, v in values.items():
        if k == "data" and isinstance(v, dict):
            out += list(v.items())
        else:
            out.append((k, v))
    return out


def _order(key: str) -> int:
    # The state first, what was said about it last.
    return 0 if key == "status" else 2 if key in ("note", "data") else 1


# -- values -----------------------------------------------------------------------------------


def _when(value) -> str:
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return f"{parsed:%Y-%m-%d %H:%M}"
    return ""


def _day(value) -> str:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return f"{parsed:%Y-%m-%d}"
    return ""


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


class Reader:
    """Turns values into words, once the rows they name are fetched."""

    def __init__(self, names: Names):
        self.names = names

    def want(self, spec: KeySpec, value) -> None:
        if spec.ref is None:
            return
        for v in value if isinstance(value, list) else [value]:
            self.names.want(*spec.ref, v)

    def value(self, spec: KeySpec, value) -> Value:
        if _blank(value):
            return Value(_("（空）"), empty=True)
        return Value(self.text(spec, value))

    def text(self, spec: KeySpec, value) -> str:
        if value == MASKED:
            return value
        if isinstance(value, list):
            return "、".join(self.text(spec, v) for v in value) if value else _("（空）")
        if isinstance(value, dict):
            return "；".join(
                f"{catalog.key_label(k) or k}：{self.text(KeySpec(k), v)}"
                for k, v in value.items()
                if k not in catalog.HIDDEN_KEYS
            )
        if value is None or value == "":
            return _("（空）")
        if spec.kind == "ref":
            name = self.names.name(*spec.ref, value)
            return name if name is not None else _("#%(id)s（已不存在）") % {"id": value}
        if spec.kind == "choice":
            return str(spec.choices.get(str(value), value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if spec.kind in ("date", "datetime", "plain"):
            shown = _when(value) or _day(value)
            if shown:
                return shown
        if isinstance(value, datetime):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        if isinstance(value, date):
            return f"{value:%Y-%m-%d}"
        return str(value)


# -- rows -------------------------------------------------------------------------------------


def _who(event) -> tuple[str, str]:
    actor = event.actor
    if actor is None:
        name = _("系统") if event.actor_name in ("", "system") else event.actor_name
        return name, ""
    unit = event.actor_unit.name if event.actor_unit is not None else ""
    if not unit and actor.enterprise_id:
        unit = actor.enterprise.name
    return actor.full_name or actor.username, unit


def audit_rows(events, *, user, links: bool = True) -> list[Row]:
    """The events in words. `events` come with actor, actor's enterprise and actor_unit
    joined (selectors.audit_events_for_user); `user` is the reader, for the links to the
    objects' pages (`links=False`: none, e.g. for a spreadsheet)."""
    events = list(events)
    names = Names()
    reader = Reader(names)
    plans = []
    for e in events:
        kind = kinds.object_kind(e.object_type)
        if kind.model and e.object_id:
            names.want(kind.model, "pk", e.object_id)
        obj_model = kinds.model(kind.model) if kind.model else None
        models_ = tuple(m for m in (catalog.part_model(e.action), obj_model) if m is not None)
        keyed = []
        before, after = dict(_items(e.before)), dict(_items(e.after))
        for key in sorted(dict.fromkeys([*before, *after]), key=_order):
            spec = key_spec(key, action=e.action, models_=models_)
            if spec is None:
                continue
            for side in (before, after):
                if key in side:
                    reader.want(spec, side[key])
            keyed.append((key, spec))
        plans.append((e, kind, keyed, before, after))
    names.fetch()
    openable = _openable(user, names, [(e, kind) for e, kind, *_rest in plans]) if links else {}
    rows = []
    for e, kind, keyed, before, after in plans:
        changes = []
        for key, spec in keyed:
            b = reader.value(spec, before[key]) if key in before else None
            a = reader.value(spec, after[key]) if key in after else None
            if b is not None and a is not None and b.text == a.text:
                if a.text != MASKED:
                    continue
                b = None  # changed, the values kept out of the log: "手机号码：(已变更)"
            if b is None and a is not None and a.empty:
                continue  # a note left empty, an unset value: nothing to say
            changes.append(Change(spec.label, b, a))
        label, url = _object(e, kind, names, openable, before)
        who, unit = _who(e)
        rows.append(
            Row(
                event=e,
                at=timezone.localtime(e.at),
                who=who,
                unit=unit,
                action=catalog.action_label(e.action, e.after) or f"{catalog.OTHER_ACTION}（{e.action}）",
                type_label=str(kind.label),
                object_label=label,
                object_url=url,
                changes=changes,
            )
        )
    return rows


def _openable(user, names: Names, pairs) -> dict[str, set | bool]:
    """Per object type: the ids whose page `user` may open (True: all of them). One query
    per linked type, asking that app's own scope."""
    ids: dict[str, set] = defaultdict(set)
    for e, kind in pairs:
        if kind.url is None or kind.openable is None:
            continue
        if not kind.model:
            ids.setdefault(e.object_type, set())
            continue
        obj = names.get(kind.model, "pk", e.object_id)
        if obj is not None:
            ids[e.object_type].add(obj.pk)
    out: dict[str, set | bool] = {}
    for object_type, pks in ids.items():
        allowed = kinds.object_kind(object_type).openable(user)
        if isinstance(allowed, bool):
            out[object_type] = allowed
        else:
            out[object_type] = set(allowed.filter(pk__in=pks).values_list("pk", flat=True)) if pks else set()
    return out


def _object(e, kind, names: Names, openable, before) -> tuple[str, str]:
    """The object's label and, when the reader may open it, its page."""
    may = openable.get(e.object_type, False)
    if not kind.model:
        label = kind.text(e.object_id) if kind.text else e.object_id
        url = kind.url(e.object_id) if (kind.url and may is True) else ""
        return label or str(kind.label), url
    obj = names.get(kind.model, "pk", e.object_id)
    if obj is None:
        if kind.text and kind.text(e.object_id):
            return kind.text(e.object_id), ""
        # A removed row named by what its last event kept of it (an admin delete keeps "str").
        kept = [before.get(k) for k in ("str", "name", "title")] if isinstance(before, dict) else []
        removed = next((v for v in kept if isinstance(v, str) and v), "")
        shown = removed or (f"#{e.object_id}" if e.object_id else "")
        return (_("%(what)s（已不存在）") % {"what": shown}) if shown else "", ""
    label = name_of(kind.model, obj)
    if kind.url and (may is True or (isinstance(may, set) and obj.pk in may)):
        return label, kind.url(obj)
    return label, ""
