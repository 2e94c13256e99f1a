"""Reads of the face-to-face events: scope, steps, the task force, satisfaction, and what
waits for a leader or the event's office."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.appeals.choices import OPEN_STATUSES, Rating
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeals_visible
from zhitong.core.scope import get_in_scope
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import user_scope_unit_ids, user_sees_all

from ..choices import EVENT_STEPS, EventLevel, EventStatus
from ..models import Event, EventItem
from ._common import item_get_for_user


def event_list_for_user(*, user) -> QuerySet[Event]:
    qs = Event.objects.select_related("office_unit", "chair", "deputy").annotate(
        item_count=Count("items", distinct=True)
    )
    if user_sees_all(user) or (getattr(user, "role", None) == Role.LEADER and user.is_active):
        # City leaders chair, review and attend the events: all of them are theirs to see.
        return qs
    scope = user_scope_unit_ids(user)
    if not scope:
        return qs.none()
    q = (
        Q(office_unit__in=scope)
        | Q(items__unit__in=scope)
        | Q(items__tasks__unit__in=scope)
        | Q(notices__unit__in=scope)
    )
    return qs.filter(pk__in=Event.objects.filter(q).values("pk"))


def event_get_for_user(*, user, event_id: int) -> Event:
    return get_in_scope(event_list_for_user(user=user), None, event_id)


def event_item_get_for_user(*, user, item_id: int) -> EventItem:
    return item_get_for_user(
        EventItem, user=user, item_id=item_id, parent="event", parent_get_for_user=event_get_for_user
    )


def event_items(event: Event) -> QuerySet[EventItem]:
    return (
        event.items.select_related(
            "appeal",
            "appeal__enterprise",
            "appeal__project",
            "appeal__merged_into",
            "unit",
            "verified_by",
            "carried_on_by",
        )
        .prefetch_related("responsible_units", "tasks__unit")
        .order_by("sort_order", "id")
    )


@dataclass
class Step:
    number: int
    label: str
    state: str  # done / current / todo
    statuses: tuple[str, ...]


def event_steps(event: Event) -> list[Step]:
    order = list(EventStatus.values)
    current = order.index(event.status)
    steps = []
    for number, label, statuses in EVENT_STEPS:
        first = order.index(statuses[0])
        last = order.index(statuses[-1])
        if event.status == EventStatus.CLOSED and EventStatus.CLOSED in statuses:
            state = "done"
        elif current > last:
            state = "done"
        elif first <= current <= last:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(number, label, state, statuses))
    return steps


# seeds/001 一: the task force "7+N". The fixed part: the leaders and the seven departments.
TASK_FORCE_LEADERS = [
    (gettext_lazy("组长"), gettext_lazy("市委常委、常务副市长"), LeaderLevel.EXECUTIVE_VICE_MAYOR),
    (gettext_lazy("常务副组长"), gettext_lazy("副市长"), LeaderLevel.VICE_MAYOR),
]
TASK_FORCE_UNITS = [
    (gettext_lazy("副组长"), gettext_lazy("市政府副秘书长"), "SZFB"),
    (gettext_lazy("副组长"), gettext_lazy("市工业和信息化局局长"), "GXJ"),
    (gettext_lazy("成员"), gettext_lazy("市发展改革局局长"), "FGW"),
    (gettext_lazy("成员"), gettext_lazy("市人力资源社会保障局局长"), "RSJ"),
    (gettext_lazy("成员"), gettext_lazy("市自然资源局局长"), "ZRJ"),
    (gettext_lazy("成员"), gettext_lazy("市商务局局长"), "SWJ"),
    (gettext_lazy("成员"), gettext_lazy("市政务服务和数据管理局局长"), "XZFW"),
    (gettext_lazy("成员"), gettext_lazy("市工商联党组书记、常务副主席"), "GSL"),
]
# The "7": the departments among the fixed members (the 副秘书长 is of the city government).
SEVEN_UNIT_CODES = ("GXJ", "FGW", "RSJ", "ZRJ", "SWJ", "XZFW", "GSL")


@dataclass
class TaskForce:
    leaders: list[tuple[str, str, User | None]]
    members: list[tuple[str, str, Unit | None]]
    seven: list[Unit]
    n_units: list[Unit]

    @property
    def label(self) -> str:
        return f"{len(self.seven)}+{len(self.n_units)}"


def task_force_for(event: Event) -> TaskForce:
    """The event's task force: the fixed members, plus the "N" — the departments the
    catalog's problems mainly concern (seeds/001 一: 当次活动企业提出的意见建议主要涉及的职能部门),
    i.e. the verifying and responsible units of the items (the approved list once there is
    one) that are not already among the seven."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for *_, c in TASK_FORCE_UNITS])}
    leaders = []
    for title, position, level in TASK_FORCE_LEADERS:
        if level == LeaderLevel.VICE_MAYOR and event.deputy.leader_level == LeaderLevel.VICE_MAYOR:
            person = event.deputy
        else:
            person = (
                User.objects.filter(role=Role.LEADER, leader_level=level, is_active=True)
                .order_by("pk")
                .first()
            )
        leaders.append((title, position, person))
    members = [(title, position, units.get(code)) for title, position, code in TASK_FORCE_UNITS]
    seven = [units[c] for c in SEVEN_UNIT_CODES if c in units]
    items = event.items.all()
    if event.items.filter(in_final_list=True).exists():
        items = items.filter(in_final_list=True)
    touched: dict[int, Unit] = {}
    for item in items.select_related("unit").prefetch_related("responsible_units"):
        for unit in [item.unit, *item.ordered_units()]:
            touched.setdefault(unit.pk, unit)
    fixed_ids = {u.pk for u in units.values()} | (
        {event.office_unit_id} if event.level == EventLevel.COUNTY else set()
    )
    n_units = [u for pk, u in sorted(touched.items()) if pk not in fixed_ids]
    return TaskForce(leaders=leaders, members=members, seven=seven, n_units=n_units)


@dataclass
class Satisfaction:
    total: int
    rated: int
    by_rating: list[tuple[str, int]]
    satisfied: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


def event_satisfaction(event: Event) -> Satisfaction:
    """The enterprises' ratings (the appeals app's) of the problems on the approved list;
    满意率 counts 非常满意, 满意 and 基本满意 among those rated."""
    appeals = Appeal.objects.filter(event_items__event=event, event_items__in_final_list=True).distinct()
    ratings = list(appeals.values_list("rating", flat=True))
    rated = [r for r in ratings if r is not None]
    by = [(Rating(v).label, sum(1 for r in rated if r == v)) for v in sorted(Rating.values, reverse=True)]
    return Satisfaction(
        total=len(ratings),
        rated=len(rated),
        by_rating=by,
        satisfied=sum(1 for r in rated if r >= Rating.NEUTRAL),
    )


def open_appeals_for_event(*, user, event: Event, q: str = "", channel: str = "") -> QuerySet[Appeal]:
    """Candidate problems from the channels: open appeals `user` may see (the appeals app's
    scope) not yet on this event's list."""
    qs = (
        appeals_visible(user)  # the appeals app's own scope, never a wider one here
        .filter(status__in=OPEN_STATUSES)
        .exclude(event_items__event=event)
        .select_related("enterprise", "lead_unit")
        .order_by("-received_at")
    )
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q) | Q(code__icontains=q))
    return qs


def leader_pending(*, user) -> dict:
    """What waits for a leader (首页 "待我审定"): event lists and documents to review or
    approve, requests reported to them not yet coordinated (`leader_requests`, the list of
    "报我协调的问题" filtered to those), the meetings they convened (`meetings_listed`, the
    meeting list's "我召开的"; the 8 latest listed)."""
    from .batches import leader_requests
    from .meetings import meetings_listed

    if getattr(user, "role", None) != Role.LEADER:
        return {"events": [], "requests": 0, "meetings": [], "meeting_count": 0}
    events = (
        Event.objects.filter(
            Q(deputy=user, status__in=[EventStatus.CATALOG_SUBMITTED, EventStatus.DOCUMENT_DRAFTED])
            | Q(chair=user, status__in=[EventStatus.REVIEWED, EventStatus.DOCUMENT_REVIEWED])
        )
        .select_related("office_unit")
        .order_by("scheduled_at")
    )
    mine = meetings_listed(user=user, mine=True)
    return {
        "events": list(events),
        "requests": leader_requests(user=user, pending=True).count(),
        "meetings": list(mine[:8]),
        "meeting_count": mine.count(),
    }


def event_action_for(event: Event, user) -> str:
    """The label of what `user` is expected to do on `event` now, for lists."""
    if event.deputy_id == user.pk and event.status == EventStatus.CATALOG_SUBMITTED:
        return _("审核问题目录，提出处理意见建议")
    if event.chair_id == user.pk and event.status == EventStatus.REVIEWED:
        return _("审定现场研究问题清单")
    if event.deputy_id == user.pk and event.status == EventStatus.DOCUMENT_DRAFTED:
        return _("审核《企业诉求事项处理意见》")
    if event.chair_id == user.pk and event.status == EventStatus.DOCUMENT_REVIEWED:
        return _("审定《企业诉求事项处理意见》")
    return ""


OFFICE_ACTIONS = {
    EventStatus.COLLECTING: gettext_lazy("收集问题后发部门核实"),
    EventStatus.VERIFYING: gettext_lazy("核实完毕后报送问题目录"),
    EventStatus.APPROVED: gettext_lazy("印发活动通知"),
    EventStatus.NOTIFIED: gettext_lazy("活动举行后登记召开"),
    EventStatus.HELD: gettext_lazy("录入现场处理意见，生成处理意见"),
    EventStatus.DOCUMENT_APPROVED: gettext_lazy("交办并转督查室"),
}


def event_office_action(event: Event, user) -> str:
    """What the event's office must do now (for the hub's home), or ""."""
    from ..permissions import is_event_office

    if not is_event_office(user, event):
        return ""
    return OFFICE_ACTIONS.get(event.status, "")
