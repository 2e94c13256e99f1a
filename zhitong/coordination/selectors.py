"""Reads of the coordination app, used by views and the API alike. The access functions
(`*_get_for_user`) raise AccessDenied for both "missing" and "not yours"; lists are
filtered by the user's scope here, in the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhitong.appeals.choices import OPEN_STATUSES, EscalationStatus, Rating, Status
from zhitong.appeals.models import Appeal, EscalationRequest
from zhitong.common.errors import AccessDenied
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import user_scope_unit_ids, user_sees_all

from .choices import EVENT_STEPS, OPEN_TASK_STATUSES, BatchStatus, EventLevel, EventStatus, TaskStatus
from .models import CoordinationFact, EscalationBatch, Event, EventItem, Meeting, MeetingItem, Task
from .services._common import month_start, next_month

# -- the monthly batch ----------------------------------------------------------------------


@dataclass
class BatchRow:
    batch: EscalationBatch
    total: int
    pending: int
    accepted: int
    returned: int
    sent: int


def batch_for_month(month: date) -> EscalationBatch:
    """The stored batch, or an unsaved one (open, with the computed cut-off) for a month the
    hub has not started reviewing — reading never creates rows."""
    from .services.batches import batch_cutoff

    month = month_start(month)
    batch = EscalationBatch.objects.filter(month=month).first()
    if batch is None:
        cutoff = batch_cutoff(month)
        batch = EscalationBatch(month=month, cutoff=cutoff.date, cutoff_provisional=cutoff.provisional)
    return batch


def batch_list(*, today: date) -> list[BatchRow]:
    """Every month with a batch or a request, newest first, with counts; always the current
    month's (open) batch."""
    from .services.batches import batch_cutoff, batch_month_for, batch_window

    # Three queries for any number of months (no per-month reads): each month's counts
    # follow batch_requests' membership rule, applied here in Python.
    batches = {b.month: b for b in EscalationBatch.objects.all()}
    per_month: dict[date, dict[str, int]] = {}
    for month, status, n in (
        EscalationRequest.objects.order_by()
        .values_list("batch_month", "status")
        .annotate(n=Count("id"))
        .values_list("batch_month", "status", "n")
    ):
        per_month.setdefault(month, {})[status] = n
    submitted_at = list(
        EscalationRequest.objects.filter(status=EscalationStatus.SUBMITTED).values_list(
            "received_at", flat=True
        )
    )
    months = set(per_month) | set(batches) | {batch_month_for(today)}
    rows = []
    for month in sorted(months, reverse=True):
        batch = batches.get(month)
        if batch is None:
            cutoff = batch_cutoff(month)
            batch = EscalationBatch(month=month, cutoff=cutoff.date, cutoff_provisional=cutoff.provisional)
        c = dict(per_month.get(month, {}))
        if batch.pk is None or batch.status == BatchStatus.OPEN:
            start, end = batch_window(month)
            c[EscalationStatus.SUBMITTED] = sum(1 for at in submitted_at if start <= at < end)
        rows.append(
            BatchRow(
                batch=batch,
                total=sum(c.values()),
                pending=c.get(EscalationStatus.SUBMITTED, 0),
                accepted=c.get(EscalationStatus.ACCEPTED, 0),
                returned=c.get(EscalationStatus.RETURNED, 0),
                sent=c.get(EscalationStatus.SENT_TO_LEADER, 0) + c.get(EscalationStatus.COORDINATED, 0),
            )
        )
    return [r for r in rows if r.total or r.batch.pk or r.batch.month == batch_month_for(today)]


def batch_requests(*, month: date, unit: Unit | None = None) -> QuerySet[EscalationRequest]:
    """The batch's requests. While the batch is open its membership is read from the receipt
    times (the cut-off rule of services/batches.py), so a request received on a holiday 11th
    shows in the right month even before `batch_start_review` re-files its `batch_month`."""
    from .services.batches import batch_window

    month = month_start(month)
    batch = EscalationBatch.objects.filter(month=month).first()
    if batch is None or batch.status == BatchStatus.OPEN:
        start, end = batch_window(month)
        members = Q(
            batch_month=month,
            status__in=[s for s in EscalationStatus.values if s != EscalationStatus.SUBMITTED],
        )
        members |= Q(status=EscalationStatus.SUBMITTED, received_at__gte=start, received_at__lt=end)
    else:
        members = Q(batch_month=month)
    qs = (
        EscalationRequest.objects.filter(members)
        .select_related(
            "appeal", "appeal__enterprise", "reporting_unit", "leader", "requested_by", "reviewed_by"
        )
        .prefetch_related("units_to_coordinate")
        .order_by("received_at", "id")
    )
    if unit is not None:
        qs = qs.filter(reporting_unit=unit)
    return qs


def escalation_get_for_user(*, user, request_id: int) -> EscalationRequest:
    req = (
        EscalationRequest.objects.select_related("appeal", "reporting_unit", "leader")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise AccessDenied()
    if user_sees_all(user):
        return req
    if user.role == Role.LEADER and req.leader_id == user.pk and req.status in LEADER_STATUSES:
        return req
    scope = user_scope_unit_ids(user)
    if scope and req.reporting_unit_id in scope:
        return req
    raise AccessDenied()


LEADER_STATUSES = (EscalationStatus.SENT_TO_LEADER, EscalationStatus.COORDINATED)


def leader_batch(*, user) -> list[tuple[date, list[EscalationRequest]]]:
    """The leader's view: the requests reported to them, by batch, newest batch first."""
    qs = (
        EscalationRequest.objects.filter(leader=user, status__in=LEADER_STATUSES)
        .select_related("appeal", "appeal__enterprise", "reporting_unit")
        .prefetch_related("units_to_coordinate", "meeting_items__meeting")
        .order_by("-batch_month", "received_at")
    )
    groups: dict[date, list[EscalationRequest]] = {}
    for req in qs:
        groups.setdefault(req.batch_month, []).append(req)
    return list(groups.items())


def leaders() -> QuerySet[User]:
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("leader_level", "pk")


def annex2_rows(*, month: date, unit: Unit | None = None) -> list[list]:
    """Annex 2 rows: the requests of the month's batch that are not returned or withdrawn."""
    rows = []
    qs = batch_requests(month=month, unit=unit).exclude(
        status__in=[EscalationStatus.RETURNED, EscalationStatus.WITHDRAWN]
    )
    for no, req in enumerate(qs, start=1):
        rows.append(
            [
                no,
                req.project_name,
                req.basic_situation,
                req.problem,
                "、".join(u.display_name for u in req.units_to_coordinate.all()),
                req.leader.display_name if req.leader_id else "",
                req.reporting_unit.name,
                f"{req.contact_name} {req.contact_mobile}".strip(),
            ]
        )
    return rows


# -- meetings ---------------------------------------------------------------------------------


def meeting_list_for_user(*, user) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("convener").annotate(item_count=Count("items", distinct=True))
    if user_sees_all(user):
        return qs
    q = Q(pk__in=[])
    if user.role == Role.LEADER:
        q |= Q(convener=user)
    scope = user_scope_unit_ids(user)
    if scope:
        q |= Q(units_present__in=scope) | Q(items__unit__in=scope) | Q(items__tasks__unit__in=scope)
    return qs.filter(pk__in=Meeting.objects.filter(q).values("pk"))


def meeting_get_for_user(*, user, meeting_id: int) -> Meeting:
    meeting = meeting_list_for_user(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise AccessDenied()
    return meeting


def meeting_item_get_for_user(*, user, item_id: int) -> MeetingItem:
    item = MeetingItem.objects.filter(pk=item_id).only("pk", "meeting_id").first()
    if item is None:
        raise AccessDenied()
    meeting_get_for_user(user=user, meeting_id=item.meeting_id)
    return item


def appeal_ids_by_codes(codes) -> list[int]:
    return list(Appeal.objects.filter(code__in=list(codes)).values_list("pk", flat=True))


def meeting_items(meeting: Meeting) -> QuerySet[MeetingItem]:
    return (
        meeting.items.select_related("appeal", "appeal__enterprise", "appeal__project", "unit", "escalation")
        .prefetch_related("responsible_units", "tasks__unit")
        .order_by("sort_order", "id")
    )


def meeting_candidates(*, meeting: Meeting) -> QuerySet[EscalationRequest]:
    """Requests reported to this meeting's leader that no meeting has coordinated yet."""
    return (
        EscalationRequest.objects.filter(leader=meeting.convener, status=EscalationStatus.SENT_TO_LEADER)
        .exclude(appeal__meeting_items__meeting=meeting)
        .select_related("appeal", "reporting_unit")
        .order_by("batch_month", "received_at")
    )


def projects_not_coordinated(*, month: date):
    """Projects in construction that no meeting held (or planned) in `month` has discussed —
    seeds/004 绵阳: 在建项目每月至少召开1次协调会."""
    from zhitong.projects.models import Project, ProjectStage

    start = timezone.make_aware(timezone.datetime(month.year, month.month, 1))
    nm = next_month(month)
    end = timezone.make_aware(timezone.datetime(nm.year, nm.month, 1))
    covered = MeetingItem.objects.filter(meeting__held_at__gte=start, meeting__held_at__lt=end).values(
        "appeal__project_id"
    )
    return (
        Project.objects.filter(stage=ProjectStage.CONSTRUCTION)
        .exclude(pk__in=covered)
        .select_related("location", "lead_unit")
        .order_by("code")
    )


def item_resolved(item, tasks: list[Task]) -> bool:
    """是否已解决: every task done, or the appeal itself resolved."""
    if item.appeal.status in (Status.RESOLVED, Status.VERIFIED, Status.CLOSED):
        return True
    return bool(tasks) and all(t.status == TaskStatus.DONE for t in tasks)


def implementation_text(tasks: list[Task]) -> str:
    parts = []
    for t in tasks:
        text = f"{t.unit.display_name}：{t.get_status_display()}"
        if t.last_note:
            text += f"，{t.last_note}"
        parts.append(text)
    return "；".join(parts)


def annex3_items(*, unit: Unit, month: date) -> list[MeetingItem]:
    """The unit's coordinated items for Annex 3 of `month`: those of meetings held that
    month, and earlier ones not yet solved (their follow-up is still being reported)."""
    start = timezone.make_aware(timezone.datetime(month.year, month.month, 1))
    nm = next_month(month)
    end = timezone.make_aware(timezone.datetime(nm.year, nm.month, 1))
    items = list(
        MeetingItem.objects.filter(unit=unit, opinion_at__isnull=False, meeting__held_at__lt=end)
        .select_related("meeting", "meeting__convener", "appeal")
        .prefetch_related("tasks__unit")
        .order_by("meeting__held_at", "sort_order", "id")
    )
    out = []
    for item in items:
        tasks = list(item.tasks.all())
        if item.meeting.held_at >= start or not item_resolved(item, tasks):
            out.append(item)
    return out


def annex3_rows(*, unit: Unit, month: date) -> list[list]:
    rows = []
    for no, item in enumerate(annex3_items(unit=unit, month=month), start=1):
        tasks = list(item.tasks.all())
        convener = item.meeting.convener
        rows.append(
            [
                no,
                item.project_name,
                item.basic_situation,
                item.problem,
                f"{timezone.localtime(item.meeting.held_at):%Y-%m-%d}",
                f"{convener.display_name}（{item.meeting.get_level_display()}）",
                item.opinion,
                implementation_text(tasks),
                "是" if item_resolved(item, tasks) else "否",
            ]
        )
    return rows


def facts_for(*, month: date | None = None, unit: Unit | None = None) -> QuerySet[CoordinationFact]:
    qs = CoordinationFact.objects.select_related("meeting", "unit", "project", "enterprise")
    if month is not None:
        qs = qs.filter(month=month_start(month))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


# -- tasks --------------------------------------------------------------------------------------


def task_list_for_user(*, user) -> QuerySet[Task]:
    qs = Task.objects.select_related(
        "unit", "appeal", "appeal__enterprise", "meeting_item__meeting", "event_item__event"
    )
    if user_sees_all(user):
        return qs
    q = Q(pk__in=[])
    if user.role == Role.LEADER:
        q |= Q(meeting_item__meeting__convener=user) | Q(event_item__event__chair=user)
    scope = user_scope_unit_ids(user)
    if scope:
        q |= Q(unit__in=scope)
    return qs.filter(q)


def task_get_for_user(*, user, task_id: int) -> Task:
    task = task_list_for_user(user=user).filter(pk=task_id).first()
    if task is None:
        raise AccessDenied()
    return task


def task_filter(
    qs: QuerySet[Task], *, status: str = "", light: str = "", source: str = "", today: date
) -> QuerySet[Task]:
    if status == "open":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if light == "red":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, due__lt=today)
    elif light == "yellow":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, due__gte=today, due__lte=yellow_from(today))
    if source == "meeting":
        qs = qs.filter(meeting_item__isnull=False)
    elif source == "event":
        qs = qs.filter(event_item__isnull=False)
    return qs


def yellow_from(today: date) -> date:
    """Deadlines up to this date have ≤ 2 working days left (SPEC: yellow)."""
    from zhitong.workdays.services import add_workdays

    return add_workdays(today, 2).date


def task_light(task: Task, today: date) -> str:
    """green, yellow (≤ 2 working days left), red (overdue), none (done)."""
    from zhitong.workdays.services import workdays_between

    if task.status == TaskStatus.DONE:
        return "none"
    if today > task.due:
        return "red"
    return "yellow" if workdays_between(today, task.due) <= 2 else "green"


def overdue_workdays(task: Task, today: date) -> int:
    from zhitong.workdays.services import workdays_between

    if task.status == TaskStatus.DONE or today <= task.due:
        return 0
    return max(workdays_between(task.due, today), 0)


def task_counts(qs: QuerySet[Task], *, today: date) -> dict[str, int]:
    open_qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    return {
        "open": open_qs.count(),
        "red": open_qs.filter(due__lt=today).count(),
        "yellow": open_qs.filter(due__gte=today, due__lte=yellow_from(today)).count(),
        "reported": qs.filter(status=TaskStatus.REPORTED).count(),
        "done": qs.filter(status=TaskStatus.DONE).count(),
    }


# -- events ------------------------------------------------------------------------------------


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
    event = event_list_for_user(user=user).filter(pk=event_id).first()
    if event is None:
        raise AccessDenied()
    return event


def event_item_get_for_user(*, user, item_id: int) -> EventItem:
    item = EventItem.objects.filter(pk=item_id).only("pk", "event_id").first()
    if item is None:
        raise AccessDenied()
    event_get_for_user(user=user, event_id=item.event_id)
    return item


def event_items(event: Event) -> QuerySet[EventItem]:
    return (
        event.items.select_related("appeal", "appeal__enterprise", "appeal__project", "unit", "verified_by")
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
    ("组长", "市委常委、常务副市长", LeaderLevel.EXECUTIVE_VICE_MAYOR),
    ("常务副组长", "副市长", LeaderLevel.VICE_MAYOR),
]
TASK_FORCE_UNITS = [
    ("副组长", "市政府副秘书长", "SZFB"),
    ("副组长", "市工业和信息化局局长", "GXJ"),
    ("成员", "市发展改革局局长", "FGW"),
    ("成员", "市人力资源社会保障局局长", "RSJ"),
    ("成员", "市自然资源局局长", "ZRJ"),
    ("成员", "市商务局局长", "SWJ"),
    ("成员", "市政务服务和数据管理局局长", "XZFW"),
    ("成员", "市工商联党组书记、常务副主席", "GSL"),
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


def open_appeals_for_event(*, event: Event, q: str = "", channel: str = "") -> QuerySet[Appeal]:
    """Candidate problems from the channels: open appeals not yet on this event's list."""
    qs = (
        Appeal.objects.filter(status__in=OPEN_STATUSES)
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
    approve, requests reported to them not yet coordinated, their meetings."""
    if getattr(user, "role", None) != Role.LEADER:
        return {"events": [], "requests": 0, "meetings": []}
    events = (
        Event.objects.filter(
            Q(deputy=user, status__in=[EventStatus.CATALOG_SUBMITTED, EventStatus.DOCUMENT_DRAFTED])
            | Q(chair=user, status__in=[EventStatus.REVIEWED, EventStatus.DOCUMENT_REVIEWED])
        )
        .select_related("office_unit")
        .order_by("scheduled_at")
    )
    requests = EscalationRequest.objects.filter(leader=user, status=EscalationStatus.SENT_TO_LEADER).count()
    meetings = (
        Meeting.objects.filter(convener=user).annotate(item_count=Count("items")).order_by("-held_at")[:8]
    )
    return {"events": list(events), "requests": requests, "meetings": list(meetings)}


def event_action_for(event: Event, user) -> str:
    """The label of what `user` is expected to do on `event` now, for lists."""
    if event.deputy_id == user.pk and event.status == EventStatus.CATALOG_SUBMITTED:
        return "审核问题目录，提出处理意见建议"
    if event.chair_id == user.pk and event.status == EventStatus.REVIEWED:
        return "审定现场研究问题清单"
    if event.deputy_id == user.pk and event.status == EventStatus.DOCUMENT_DRAFTED:
        return "审核《企业诉求事项处理意见》"
    if event.chair_id == user.pk and event.status == EventStatus.DOCUMENT_REVIEWED:
        return "审定《企业诉求事项处理意见》"
    return ""


OFFICE_ACTIONS = {
    EventStatus.COLLECTING: "收集问题后发部门核实",
    EventStatus.VERIFYING: "核实完毕后报送问题目录",
    EventStatus.APPROVED: "印发活动通知",
    EventStatus.NOTIFIED: "活动举行后登记召开",
    EventStatus.HELD: "录入现场处理意见，生成处理意见",
    EventStatus.DOCUMENT_APPROVED: "交办并转督查室",
}


def event_office_action(event: Event, user) -> str:
    """What the event's office must do now (for the hub's home), or ""."""
    from .permissions import is_event_office

    if not is_event_office(user, event):
        return ""
    return OFFICE_ACTIONS.get(event.status, "")


BATCH_STATUS_LABELS = dict(BatchStatus.choices)
