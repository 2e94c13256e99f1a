"""Helpers shared by the coordination services: local dates, deadlines in working days,
the appeal timeline, notifications, and `editing` (the lock/check/audit of changes that are
not status moves)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from zhitong.audit.services import audit_record
from zhitong.common.transitions import Machine, contended
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.organizations.models import Unit


def local_date(value: datetime | date) -> date:
    """The Asia/Shanghai calendar date of an aware datetime (dates pass through)."""
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def prev_month(m: date) -> date:
    return date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)


def resolve_due(*, today: date, due_workdays: int | None, due_date: date | None) -> tuple[date, bool]:
    """The deadline an opinion gives: N working days after `today` (today not counted), or a
    date. Exactly one of the two; a date in the past is refused."""
    from zhitong.workdays.services import add_workdays, is_provisional

    if (due_workdays is None) == (due_date is None):
        raise ServiceError("请填写办理时限：工作日数或截止日期，二者选一", field="due_workdays")
    if due_workdays is not None:
        if due_workdays < 1 or due_workdays > 250:
            raise ServiceError("办理时限须为1至250个工作日", field="due_workdays")
        result = add_workdays(today, due_workdays)
        return result.date, result.provisional
    if due_date < today:
        raise ServiceError("截止日期不能早于今天", field="due_date")
    return due_date, is_provisional(due_date)


def units_by_ids(ids) -> list[Unit]:
    ids = [int(i) for i in ids or []]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids, is_active=True)}
    missing = [i for i in ids if i not in units]
    if missing:
        raise ServiceError("所选单位不存在或已停用", field="unit_ids")
    return [units[i] for i in dict.fromkeys(ids)]


def required(text: str, message: str, field: str) -> str:
    """The text stripped; ServiceError(`message`) on `field` when it is empty."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(message, field=field)
    return text


def record_opinion(
    item, actor, now: datetime, opinion: str, missing: str, units_and_terms, *, fix_date: bool
):
    """Set the opinion on one item (a meeting's or an event's) and save it: the text
    (`missing` when empty), the responsible units (the first leads) and the time limit;
    `units_and_terms` = (unit_ids, due_workdays, due_date). With `fix_date` the deadline a
    number of working days gives is stored as a date now; otherwise only a date given is.
    Returns the units."""
    unit_ids, due_workdays, due_date = units_and_terms
    opinion = required(opinion, missing, "opinion")
    units = units_by_ids(unit_ids)
    if not units:
        raise ServiceError("请选择至少一个责任单位", field="unit_ids")
    due, provisional = resolve_due(today=local_date(now), due_workdays=due_workdays, due_date=due_date)
    item.opinion, item.opinion_at, item.opinion_by = opinion, now, actor
    item.due_workdays, item.due_date = due_workdays, due if fix_date else due_date
    item.due_provisional = provisional
    item.lead_unit = units[0]
    item.save()
    item.responsible_units.set(units)
    return units


# How the appeal's timeline names each coordination step (data["label"], read by the
# appeals app's timeline). Stored in Chinese; the timeline translates it for the page.
TIMELINE_LABELS = {
    "coordination.escalation_accept": gettext_noop("提请协调申报审核通过"),
    "coordination.escalation_return": gettext_noop("提请协调申报退回"),
    "coordination.escalation_send": gettext_noop("报送市领导协调"),
    "coordination.escalation_withdraw": gettext_noop("提请协调申报撤回"),
    "coordination.meeting_agenda": gettext_noop("列入协调会议题"),
    "coordination.meeting_agenda_remove": gettext_noop("移出协调会议题"),
    "coordination.meeting_minutes": gettext_noop("协调会纪要"),
    "coordination.meeting_opinion": gettext_noop("协调会意见"),
    "coordination.task_assign": gettext_noop("交办任务"),
    "coordination.task_progress": gettext_noop("交办任务进展"),
    "coordination.task_done": gettext_noop("交办任务报办结"),
    "coordination.task_confirm": gettext_noop("交办任务确认办结"),
    "coordination.task_reject": gettext_noop("交办任务退回"),
    "coordination.event_collect": gettext_noop("列入面对面活动"),
    "coordination.event_remove": gettext_noop("移出面对面活动"),
    "coordination.event_verify": gettext_noop("面对面问题核实"),
    "coordination.event_list": gettext_noop("面对面问题清单审定"),
    "coordination.event_opinion": gettext_noop("面对面现场处理意见"),
    "coordination.event_carry_on": gettext_noop("面对面问题转入常态化办理"),
}


@dataclass(frozen=True)
class Said:
    """A note the system writes on an appeal's timeline, kept as its message id (a Chinese
    msgid marked with gettext_noop) and arguments, so that the timeline reads it in the
    reader's language (appeals.selectors.note_text). Arguments are plain values (names,
    dates, what a person typed), a list (joined with "、", or the reader's separator), or a
    {"msgid": …, "context": …} (a choice's label, translated for the reader: `label_arg`)."""

    msgid: str
    args: dict

    def text(self) -> str:
        """The note in Chinese, as stored in the timeline row and read by the API."""
        return self.msgid % {key: source_text(value) for key, value in self.args.items()}


def source_text(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("msgid", ""))
    return str(value)


def said(msgid: str, **args) -> Said:
    return Said(msgid, args)


def label_arg(label, *, context: str = "") -> dict:
    """A choice's label as a `Said` argument: its source text (the catalog's msgid) and the
    context its choices declare it with (pgettext_lazy), if any."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"msgid": str(label), **({"context": context} if context else {})}


def timeline_note(
    *, appeal, actor, action: str, note: str | Said, data: dict | None = None, now: datetime
) -> None:
    """Put a coordination step on the appeal's timeline through the appeals app's own
    service (a Transition with the status unchanged, plus its audit event). A `Said` note
    is stored in Chinese with its message id and arguments (data["note_msgid"],
    data["note_args"]) for the pages to read in the user's language."""
    from zhitong.appeals.services import appeal_timeline_note

    data = {"label": TIMELINE_LABELS.get(action, gettext_noop("协调")), **(data or {})}
    if isinstance(note, Said):
        data |= {"note_msgid": note.msgid, "note_args": note.args}
        note = note.text()
    appeal_timeline_note(appeal=appeal, actor=actor, action=action, note=note, data=data, now=now)


def notify(
    *, recipients, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str = "", now: datetime
):
    """In-app notifications, queued in the action's transaction (a rolled-back action
    sends nothing) and delivered after the commit."""
    from zhitong.notifications.services import notify as queue

    users = list(recipients)
    if not users:
        return
    queue(
        recipients=users, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key or None, now=now
    )


@dataclass
class Edit:
    """A change of an object that is not a move of its table, in progress (see `editing`)."""

    machine: Machine
    obj: Any
    actor: Any
    now: datetime

    def audit(self, action: str, *, obj=None, before=None, after=None) -> None:
        """An audit event `<kind>.<action>` on the object (or on one of its parts)."""
        audit_record(
            action=f"{self.machine.kind}.{action}",
            obj=self.obj if obj is None else obj,
            actor=self.actor,
            before=before,
            after=after,
            now=self.now,
        )


@contextmanager
def editing(machine: Machine, *, pk, actor, relations, denied: str, now: datetime | None = None):
    """A change that is not a status move (an agenda item added or removed, a meeting's
    details edited): the kernel's transaction and row lock, the relations the table's moves
    ask for, and a version bump so that forms opened before it become stale. Yields an Edit."""
    now = now or timezone.now()
    # As a move of the kernel: what the edit writes and every refusal is in the source
    # language, whatever language the page runs in (the choices are translated lazily).
    with contended(), transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        obj = machine.lock(pk)
        if not (machine.relations_of(actor, obj) & set(relations)):
            raise Forbidden(denied)
        yield Edit(machine, obj, actor, now)
        field = machine.version_field
        machine.model.objects.filter(pk=obj.pk).update(**{field: F(field) + 1})
        setattr(obj, field, getattr(obj, field) + 1)
