"""The machinery of test_hostile_pages.py: a small city with objects in many states, a
crawler that signs in as each kind of user and reads every page's links and <form>s, and
the hostile values it submits.

Forms are read from the rendered HTML (html.parser), so a new form on any page that the
crawler reaches is covered without touching the test."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote_plus, urljoin, urlsplit

from django.db import transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

# ---------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------

# Mostly ASCII: percent-decoding 300 KB of UTF-8 per field would be most of the test's time.
LONG = "长" * 10 + "x" * 99_990
SURROGATE = "\ud800"  # sent as its (invalid) UTF-8 bytes, as a hostile client would
# Every field of a form at once (and every query parameter of a page).
HOSTILE = [
    "\x00",
    SURROGATE,
    LONG,
    "2026-02-30",
    "1900-01-01",
    "-1",
    "9223372036854775808",
    "abc",
    "²",
    " \u3000\u200b ",
]
# Every query parameter of a GET page at once.
HOSTILE_QUERY = ["9223372036854775808", "\x00", SURROGATE, LONG, "-1", "abc", "²", "2026-02-30"]
# Never a legitimate value anywhere: a request carrying one of these must not store it (a
# lone surrogate cannot arrive: the server decodes its bytes as U+FFFD, ordinary text).
NEVER_STORED = ("\x00", LONG)
# Per field (the rest of the form filled in as a user would), by the input's type.
TARGETED = {
    "text": ["a\x00b", LONG],
    "textarea": ["a\x00b", LONG],
    "number": ["9223372036854775808", "-1"],
    "date": ["2026-02-30", "1900-01-01"],
    "datetime-local": ["2026-02-30T09:00", "1900-01-01T09:00"],
    "select": ["9223372036854775808", "²"],
    "radio": ["9223372036854775808"],
    "checkbox": ["9223372036854775808"],
    "hidden": ["9223372036854775808", "²"],
}
PATH_VALUES = {
    "int": ["9223372036854775808"],
    "string": ["9999999999-01", "2026-13", "abc"],
    "slug": ["x" * 300],
}


def encode(pairs) -> str:
    """application/x-www-form-urlencoded, lone surrogates as their UTF-8 bytes (what a
    hostile client can put on the wire; the test client would refuse to encode them).
    Each value is quoted once per test process: quoting the 100,000-character value byte by
    byte was ~4% of the page crawl's time."""
    return "&".join(f"{_quoted(str(k))}={_quoted(str(v))}" for k, v in pairs)


@functools.lru_cache(maxsize=256)
def _quoted(value: str) -> str:
    """What urlencode() writes for one key or value (quote_plus of its UTF-8 bytes)."""
    return quote_plus(value.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------------------
# Django's own messages, which must never reach a page
# ---------------------------------------------------------------------------------------


def django_default_messages() -> list[tuple[str, re.Pattern]]:
    """Patterns of every default error message of Django's form fields and validators, in
    Chinese and English ("这个字段是必填项。", "确保该变量…", "Enter a valid date.")."""
    from django import forms
    from django.core import validators

    raw = set()
    classes = [getattr(forms, n) for n in dir(forms) if isinstance(getattr(forms, n), type)]
    validator_classes = [
        getattr(validators, n) for n in dir(validators) if isinstance(getattr(validators, n), type)
    ]
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for cls in classes:
                for k in reversed(cls.__mro__):
                    for message in getattr(k, "default_error_messages", {}).values():
                        raw.add(str(message))
            for cls in validator_classes:
                message = getattr(cls, "message", None)
                if message is None:
                    continue
                if hasattr(message, "_proxy____kw"):  # ngettext_lazy: both forms
                    for n in (1, 2):
                        raw.add(message % {"limit_value": n, "show_value": n, "value": n})
                raw.add(str(message))
            for n in (1, 2):
                raw.add(str(validators.MaxLengthValidator(n).message % {"limit_value": n, "show_value": 9}))
                raw.add(str(validators.MinLengthValidator(n).message % {"limit_value": n, "show_value": 0}))
    patterns = {}
    for text in raw:
        parts = [p.strip() for p in re.split(r"%\(\w+\)[sdr]|\d+", text) if len(p.strip()) >= 4]
        if parts:
            # (a literal part to look for first, the whole message's pattern)
            patterns[tuple(parts)] = (parts[0], re.compile(".*?".join(re.escape(p) for p in parts)))
    return list(patterns.values())


# ---------------------------------------------------------------------------------------
# Reading pages
# ---------------------------------------------------------------------------------------


@dataclass
class Input:
    name: str
    kind: str  # text, textarea, number, date, datetime-local, hidden, select, radio, checkbox, file, submit
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    inputs: list[Input] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted({i.name for i in self.inputs if i.name and i.name != "csrfmiddlewaretoken"})

    def baseline(self, today: date) -> list[tuple[str, str]]:
        """What a user would send: the page's values, and something sensible where empty."""
        out, radios = [], set()
        for i in self.inputs:
            if not i.name or i.name == "csrfmiddlewaretoken" or i.kind in ("file", "submit"):
                continue
            if i.kind == "checkbox":
                if i.checked:
                    out.append((i.name, i.value or "on"))
            elif i.kind == "radio":
                if i.name not in radios and (
                    i.checked or not any(r.checked for r in self.inputs if r.name == i.name)
                ):
                    out.append((i.name, i.value))
                    radios.add(i.name)
            elif i.kind == "select":
                values = i.selected or [next((o for o in i.options if o), "")]
                out += [(i.name, v) for v in values[: 1 if not i.multiple else None]]
            elif i.value:
                out.append((i.name, i.value))
            else:
                out.append(
                    (
                        i.name,
                        {"number": "1", "date": today.isoformat(), "datetime-local": f"{today}T10:00"}.get(
                            i.kind, "测试内容"
                        ),
                    )
                )
        return out

    def kind_of(self, name: str) -> str:
        return next((i.kind for i in self.inputs if i.name == name), "text")


class PageParser(HTMLParser):
    """The links (href, hx-get) and forms of one page. An element with hx-post inside a form
    (the intake page's duplicate panel, its add-enterprise button) posts that form's fields
    to its own URL: it is read as one more form with the same inputs."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Input | None = None
        self._textarea: Input | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "hx-get"):
            if a.get(key):
                self.links.append(urljoin(self.url, a[key]))
        if tag != "form" and self._form is not None and a.get("hx-post"):
            action = urljoin(self.url, a["hx-post"])
            if action != self._form.action and all(f.action != action for f in self.forms):
                # The same list of inputs: it fills up as the enclosing form is read.
                self.forms.append(Form(page=self.url, action=action, method="post", inputs=self._form.inputs))
        if tag == "form":
            self._form = Form(
                page=self.url,
                action=urljoin(self.url, a.get("action") or self.url),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            kind = {"search": "text", "tel": "text", "email": "text", "password": "text"}.get(kind, kind)
            self._form.inputs.append(
                Input(a.get("name") or "", kind, a.get("value") or "", checked="checked" in a)
            )
        elif tag == "button" and a.get("name"):
            self._form.inputs.append(Input(a["name"], "submit", a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = Input(a.get("name") or "", "textarea")
            self._form.inputs.append(self._textarea)
        elif tag == "select":
            self._select = Input(a.get("name") or "", "select", multiple="multiple" in a)
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if value is not None:
                self._select.options.append(value)
                if "selected" in a:
                    self._select.selected.append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


# ---------------------------------------------------------------------------------------
# URL patterns
# ---------------------------------------------------------------------------------------

# Outside the pages this test is about, with the reason.
SKIPPED_PREFIXES = {
    "admin:": "Django's admin: its own forms and messages, for superusers only",
    "api:": "the REST API: the contract tests cover it (JSON, not page forms)",
    "open311:": "the Open311 endpoints: open311/tests/test_hostile.py covers them (XML/JSON, not pages)",
    "logout": "signing out has no fields, and would sign the crawler's user out",
}


def url_patterns():
    """(name, route, converters) of every named page URL of the project."""

    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                sub = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk(p.url_patterns, prefix + str(p.pattern), sub)
            elif isinstance(p, URLPattern) and p.name:
                converters = {
                    k: type(c).__name__.replace("Converter", "").lower()
                    for k, c in p.pattern.converters.items()
                }
                yield f"{ns}{p.name}", prefix + str(p.pattern), converters

    return list(walk(get_resolver().url_patterns))


def page_name(url: str) -> tuple[str, dict] | None:
    """The URL name and kwargs of a page of the project, or None (another site, a file)."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name, match.kwargs


def skipped(name: str) -> bool:
    return any(name == p or (p.endswith(":") and name.startswith(p)) for p in SKIPPED_PREFIXES)


# ---------------------------------------------------------------------------------------
# The database's state, to see that a refused submission changed nothing
# ---------------------------------------------------------------------------------------


def fingerprint() -> tuple:
    """Row counts and the latest change of the tables page forms write to, in one query.
    Every service write also appends to the audit log, so its count says "something was
    saved" even where the other tables do not show it."""
    from django.db import connection

    from zhitong.appeals.models import Appeal, Transition
    from zhitong.audit.models import AuditEvent
    from zhitong.coordination.models import Event, EventItem, Meeting, MeetingItem, Task, TaskReport
    from zhitong.workdays.models import CalendarDay

    q = connection.ops.quote_name
    parts = [f"(SELECT COUNT(*) FROM {q(AuditEvent._meta.db_table)})"]
    for model in (Appeal, Event, Meeting, Task):
        parts.append(f"(SELECT MAX({q('updated_at')}) FROM {q(model._meta.db_table)})")
    for model in (Appeal, Event, Meeting, Task, Transition, EventItem, MeetingItem, TaskReport, CalendarDay):
        parts.append(f"(SELECT COUNT(*) FROM {q(model._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def new_audit_text(after_id) -> str:
    from zhitong.audit.models import AuditEvent

    rows = AuditEvent.objects.filter(id__gt=after_id or 0).values_list("before", "after")
    return json.dumps(list(rows), ensure_ascii=False)


def last_audit_id():
    from zhitong.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()


class Rollback(Exception):
    pass


def in_savepoint(fn):
    """Run fn() and undo whatever it wrote (each submission starts from the same city).

    A submission that wrote the calendar leaves this thread reading the uncommitted calendar
    until its transaction ends (workdays/calendar.py, `_local.pending`): in a server that is
    the request, here it would be the whole test, and every later request reloaded the
    calendar (~3.5% of the crawl). The rollback ends that write, so the thread is told so."""
    from zhitong.workdays import calendar

    result = None
    try:
        with transaction.atomic():
            result = fn()
            raise Rollback
    except Rollback:
        pass
    if getattr(calendar._local, "pending", False):
        calendar.invalidate_cache()
    return result
