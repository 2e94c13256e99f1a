"""The object types of the audit log (`AuditEvent.object_type`, mostly `app_label.model`): how
the log's page names one object (an appeal by code and title), which page shows it and who
may open that page — each app's own scope, so a link is shown only to a reader who may
follow it. A model not listed here is named by its verbose name and str().

The log's reading side sits on the top floor (docs/architecture.md): it names the objects
of every app, as the portal's home page shows every app's panels.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    """How the log names an object of one type and where it links.

    `model`: the model an object id is looked up in ("" for types that are not one row);
    `related`: what naming one needs joined; `name(obj)`: its label; `text(object_id)`: the
    label when there is no row (removed, or not a model); `url(obj)`: its page (for a
    type that is not a model, `url(object_id)`);
    `openable(user)`: the objects whose page `user` may open, a queryset (the app's scope)
    or a bool for a page gated by a capability; `code_field`: the code people know it by,
    which the filter accepts in place of the id; `short(obj)`: its label where another
    object's change names it (a task in its appeal's note: the unit, not the appeal again)."""

    label: Any
    model: str = ""
    related: tuple[str, ...] = ()
    name: Callable[[Any], str] = str
    short: Callable[[Any], str] | None = None
    text: Callable[[str], str] | None = None
    url: Callable[[Any], str] | None = None
    openable: Callable[[Any], Any] | None = None
    code_field: str = ""


def _appeal_name(a) -> str:
    return f"{a.code} {a.title}"


def _user_name(u) -> str:
    return u.full_name or u.username


def _task_short(t) -> str:
    lead = _("牵头") if t.is_lead else _("配合")
    return f"{t.unit.name}（{lead}）"


def _task_name(t) -> str:
    return f"{t.appeal.code} {_task_short(t)}"


def _event_item_name(i) -> str:
    return f"{i.event.title}：{i.appeal.code} {i.appeal.title}"


def _meeting_item_name(i) -> str:
    return f"{i.meeting.title}：{i.appeal.code} {i.appeal.title}"


def _year_text(object_id: str) -> str:
    return _("%(years)s年") % {"years": object_id} if object_id else ""


def _day_text(object_id: str) -> str:
    from django.utils.dateparse import parse_date

    try:
        day = parse_date(object_id)
    except ValueError:
        day = None
    return f"{day:%Y-%m-%d}" if day else ""


def _demo_stage(object_id: str) -> str:
    from zhitong.demo import STAGES

    return dict(STAGES).get(object_id, object_id)


def _calendar_url(year) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _first_year(object_id: str) -> str:
    head = object_id.partition("-")[0]
    return head if head.isdigit() and len(head) == 4 else ""


def _visible_appeals(user):
    from zhitong.appeals.selectors import appeals_visible

    return appeals_visible(user)


def _visible_meetings(user):
    from zhitong.coordination.selectors.meetings import meeting_list_for_user

    return meeting_list_for_user(user=user)


def _visible_events(user):
    from zhitong.coordination.selectors.events import event_list_for_user

    return event_list_for_user(user=user)


def _visible_event_items(user):
    from zhitong.coordination.models import EventItem

    return EventItem.objects.filter(event__in=_visible_events(user).values("pk"))


def _visible_meeting_items(user):
    from zhitong.coordination.models import MeetingItem

    return MeetingItem.objects.filter(meeting__in=_visible_meetings(user).values("pk"))


def _visible_tasks(user):
    from zhitong.coordination.selectors.tasks import task_list_for_user

    return task_list_for_user(user=user)


def _visible_orders(user):
    from zhitong.supervision.selectors import orders_for_user

    return orders_for_user(user)


def _visible_findings(user):
    from zhitong.organizations.capabilities import reads_supervision
    from zhitong.supervision.selectors import findings_for_user

    return findings_for_user(user) if reads_supervision(user) else False


def _visible_escalations(user):
    from zhitong.coordination.models import EscalationRequest

    return EscalationRequest.objects.filter(appeal__in=_visible_appeals(user).values("pk"))


def _visible_enterprises(user):
    from zhitong.core.scope import scoped
    from zhitong.enterprises.models import Enterprise
    from zhitong.enterprises.selectors import enterprise_scope_q

    return scoped(Enterprise.objects.all(), enterprise_scope_q(user))


def _visible_contacts(user):
    from zhitong.enterprises.models import Contact

    return Contact.objects.filter(enterprise__in=_visible_enterprises(user).values("pk"))


def _visible_progress(model_name: str):
    """The progress records (reports, commitments) of the projects the user sees; enterprise
    users open none of them (projects/progress/access.py)."""

    def openable(user):
        from zhitong.projects.progress.access import sees_progress
        from zhitong.projects.selectors import project_list_for_user

        model = apps.get_model("projects", model_name)
        if not sees_progress(user):
            return model.objects.none()
        return model.objects.filter(project__in=project_list_for_user(user=user).values("pk"))

    return openable


def _reviews_batches(user) -> bool:
    from zhitong.coordination.permissions import can_review_batch

    return can_review_batch(user)


def _views_calendar(user) -> bool:
    from zhitong.organizations.capabilities import can_view_calendar

    return can_view_calendar(user)


@functools.cache
def object_kinds() -> dict[str, Kind]:
    """The object types the log names and links, by `object_type`."""

    def url(name, attr="pk"):
        return lambda obj: reverse(name, args=[getattr(obj, attr)])

    return {
        "appeals.appeal": Kind(
            _("诉求"),
            "appeals.appeal",
            name=_appeal_name,
            url=url("appeals:detail"),
            openable=_visible_appeals,
            code_field="code",
        ),
        "coordination.escalationrequest": Kind(
            _("提请市领导协调申报"),
            "coordination.escalationrequest",
            related=("appeal",),
            name=lambda r: f"{r.appeal.code} {r.project_name}",
            url=url("appeals:detail", "appeal_id"),
            openable=_visible_escalations,
        ),
        "coordination.escalationbatch": Kind(
            _("提请市领导协调批次"),
            "coordination.escalationbatch",
            url=lambda b: reverse("coordination:batch_detail", args=[f"{b.month:%Y-%m}"]),
            openable=_reviews_batches,
        ),
        "coordination.meeting": Kind(
            _("协调会"),
            "coordination.meeting",
            name=lambda m: m.title,
            url=url("coordination:meeting_detail"),
            openable=_visible_meetings,
        ),
        "coordination.meetingitem": Kind(
            _("协调会议题"),
            "coordination.meetingitem",
            related=("meeting", "appeal"),
            name=_meeting_item_name,
            url=url("coordination:meeting_detail", "meeting_id"),
            openable=_visible_meeting_items,
        ),
        "coordination.event": Kind(
            _("面对面活动"),
            "coordination.event",
            name=lambda e: e.title,
            url=url("coordination:event_detail"),
            openable=_visible_events,
        ),
        "coordination.eventitem": Kind(
            _("面对面活动问题"),
            "coordination.eventitem",
            related=("event", "appeal"),
            name=_event_item_name,
            url=url("coordination:event_detail", "event_id"),
            openable=_visible_event_items,
        ),
        "coordination.task": Kind(
            _("交办任务"),
            "coordination.task",
            related=("appeal", "unit"),
            name=_task_name,
            short=_task_short,
            url=url("coordination:task_detail"),
            openable=_visible_tasks,
        ),
        "supervision.rectificationorder": Kind(
            _("督促整改通知"),
            "supervision.rectificationorder",
            related=("unit",),
            name=lambda o: f"{o.code} {o.title}",
            url=url("supervision:order_detail"),
            openable=_visible_orders,
            code_field="code",
        ),
        "supervision.finding": Kind(
            _("督查监督发现"),
            "supervision.finding",
            related=("unit",),
            name=lambda f: f"{f.unit.name} {f.month:%Y-%m} -{f.points}",
            url=url("supervision:finding_detail"),
            openable=_visible_findings,
        ),
        "enterprises.enterprise": Kind(
            _("企业"),
            "enterprises.enterprise",
            name=lambda e: e.name,
            url=url("enterprises:detail"),
            openable=_visible_enterprises,
            code_field="credit_code",
        ),
        "enterprises.contact": Kind(
            _("企业联系人"),
            "enterprises.contact",
            related=("enterprise",),
            name=lambda c: f"{c.name}（{c.enterprise.name}）",
            url=url("enterprises:detail", "enterprise_id"),
            openable=_visible_contacts,
        ),
        "projects.project": Kind(
            _("项目"), "projects.project", name=lambda p: f"{p.code} {p.name}", code_field="code"
        ),
        "projects.progressreport": Kind(
            _("项目月报"),
            "projects.progressreport",
            related=("project",),
            name=lambda r: f"{r.project.name} {r.month.year}年{r.month.month}月",
            url=lambda r: reverse("projects:report_detail", args=[r.project_id, f"{r.month:%Y-%m}"]),
            openable=_visible_progress("ProgressReport"),
        ),
        "projects.dailyreport": Kind(
            _("项目秘书日报"),
            "projects.dailyreport",
            related=("project",),
            name=lambda r: f"{r.project.name} {r.day:%Y-%m-%d}",
            url=lambda r: reverse("projects:daily_list", args=[r.project_id]) + f"?month={r.day:%Y-%m}",
            openable=_visible_progress("DailyReport"),
        ),
        "projects.commitment": Kind(
            _("履约承诺"),
            "projects.commitment",
            related=("project",),
            name=lambda c: f"{c.project.name}：{c.content[:30]}",
            url=lambda c: reverse("projects:detail", args=[c.project_id]) + f"#commitment-{c.pk}",
            openable=_visible_progress("Commitment"),
        ),
        "organizations.unit": Kind(_("单位"), "organizations.unit", name=lambda u: u.name, code_field="code"),
        "organizations.servicewindow": Kind(
            _("服务窗口"),
            "organizations.servicewindow",
            related=("unit",),
            name=lambda w: _("%(unit)s服务窗口") % {"unit": w.unit.name},
        ),
        "organizations.user": Kind(_("用户"), "organizations.user", name=_user_name, code_field="username"),
        "workdays.calendarday": Kind(
            _("日历例外日"),
            "workdays.calendarday",
            name=lambda d: f"{d.date:%Y-%m-%d}",
            text=_day_text,
            url=lambda d: _calendar_url(d.date.year),
            openable=_views_calendar,
        ),
        "workdays.calendaryear": Kind(
            _("官方日历年度"),
            text=_year_text,
            url=lambda object_id: _calendar_url(_first_year(object_id)) if _first_year(object_id) else "",
            openable=_views_calendar,
        ),
        "workdays.calendarchange": Kind(
            _("日历变更"), "workdays.calendarchange", name=lambda c: _("第%(n)s次日历变更") % {"n": c.pk}
        ),
        "unit": Kind(_("单位"), text=lambda _id: str(_("单位名册"))),
        "enterprise": Kind(_("企业"), text=lambda _id: str(_("企业名录"))),
        "demo": Kind(_("演示数据"), text=_demo_stage),
    }


def object_kind(object_type: str) -> Kind:
    """The Kind of an object type; a model not listed is named by its verbose name and str()."""
    kind = object_kinds().get(object_type)
    if kind is not None:
        return kind
    model = _model(object_type)
    if model is not None:
        return Kind(model._meta.verbose_name, object_type)
    return Kind(object_type or _("（无）"))


def object_type_choices() -> list:
    return [("", _("全部")), *[(key, kind.label) for key, kind in object_kinds().items()]]


@functools.cache
def _model(label: str):
    if label.count(".") != 1:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model(label: str):
    """The model of an `app_label.model` label, or None."""
    return _model(label)
