"""Reads of the supervision office (seeds/000 三、四), scoped in the query (supervision.scope).

The three lists of the office and of the People's Congress view — each one definition, used
by its page, its API operation and the home counts:

- **overdue** (解决不及时, seeds/000 四 "问题上报后解决不及时"): appeals signed for by their lead
  unit and past their deadline (the appeals' red light in the handling stage), and the
  coordination tasks past their deadline (the tasks' red light);
- **unreported** (不上报, seeds/000 三 "未及时协调或报送企业困难问题", 四 "发现问题不上报"): appeals
  that no lead unit has taken into its ledger within the limit — registered, not routed or
  not signed for by the lead unit, past that step's deadline (the appeals' red light in the
  intake stage; the overseer's home counts the same);
- **stalled** (久拖不动): appeals a unit owes (waiting for its signature or in its hands) and
  open tasks with no recorded action for N working days (settings
  ZHITONG_SUPERVISION_STALLED_WORKDAYS), counted on the working-day calendar.

A county supervision office sees the appeals its county's units lead or received, and the
tasks of its county's units; the city's office, the overseer, the hub and the admin see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhitong.appeals import deadlines as appeal_deadlines
from zhitong.appeals.choices import Light, Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.appeals.selectors import STAGES
from zhitong.coordination.choices import TaskStatus
from zhitong.coordination.models import Task, TaskReport
from zhitong.coordination.selectors import task_light_q
from zhitong.core.errors import AccessDenied
from zhitong.organizations import capabilities as can
from zhitong.organizations.selectors import user_scope_unit_ids

from .choices import OPEN_ORDER_STATUSES, UNCLOSED_ORDER_STATUSES, OrderStatus
from .models import Finding, RectificationOrder
from .scope import supervised_unit_ids

LISTS = ("overdue", "unreported", "stalled")
# The appeals a unit owes an action on (a stalled one waits on the unit, not on the hub or
# the enterprise): waiting for its signature, or in its hands.
STALLABLE_APPEAL_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)
STALLABLE_TASK_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


def stalled_workdays() -> int:
    return int(getattr(settings, "ZHITONG_SUPERVISION_STALLED_WORKDAYS", 5))


def stalled_since(today: date) -> datetime:
    """An item with no action on or after this moment is stalled: the start of the day N
    working days before `today` (Asia/Shanghai)."""
    from zhitong.workdays.services import subtract_workdays

    day = subtract_workdays(today, stalled_workdays()).date
    return timezone.make_aware(datetime.combine(day, time.min))


# -- the base querysets, scoped ------------------------------------------------------------------


def _require_reader(user) -> set[int] | None:
    if not can.reads_supervision(user):
        raise AccessDenied()
    return supervised_unit_ids(user)


def _appeals(user) -> QuerySet[Appeal]:
    ids = _require_reader(user)
    qs = Appeal.objects.select_related("enterprise", "lead_unit", "received_unit")
    if ids is not None:
        qs = qs.filter(Q(lead_unit_id__in=ids) | Q(received_unit_id__in=ids))
    return qs


def _tasks(user) -> QuerySet[Task]:
    ids = _require_reader(user)
    qs = Task.objects.select_related("unit", "appeal", "appeal__enterprise")
    if ids is not None:
        qs = qs.filter(unit_id__in=ids)
    return qs


@dataclass
class SupervisionList:
    """One list of the office: its appeals and its tasks (querysets, ordered)."""

    key: str
    appeals: QuerySet[Appeal]
    tasks: QuerySet[Task]
    # The same rows without the list's sort annotation (a GROUP BY), when it has one: what
    # total() counts.
    appeals_to_count: QuerySet[Appeal] | None = None
    tasks_to_count: QuerySet[Task] | None = None

    def total(self) -> int:
        return self.appeal_count() + self.task_count()

    def appeal_count(self) -> int:
        appeals = self.appeals if self.appeals_to_count is None else self.appeals_to_count
        return appeals.count()

    def task_count(self) -> int:
        tasks = self.tasks if self.tasks_to_count is None else self.tasks_to_count
        return tasks.count()

    def home_total(self, user, today: date) -> int:
        """total() for a home page: the appeals' part, a COUNT over every open appeal (the
        stalled list probes each one's timeline: 690 ms at the province's 3 M appeals), is
        kept under the appeal counts' freshness rule (appeals/counters.py: exact after any
        appeal move, one day, the user's scope), as the workbench figures are; the tasks'
        part (a few hundred rows) is counted."""
        from zhitong.appeals import counters

        appeals = counters.cached_count(user, f"supervision:{self.key}", {}, self.appeal_count, today=today)
        return appeals + self.task_count()


def supervision_list(*, user, key: str, today: date | None = None) -> SupervisionList:
    """The list `key` (LISTS) for `user`; AccessDenied for a user who reads none."""
    today = today or timezone.localdate()
    appeals, tasks = _appeals(user), _tasks(user)
    red_appeal = appeal_deadlines.light_q(Light.RED, today)
    if key == "overdue":
        appeals = appeals.filter(red_appeal, status__in=STAGES["handling"]).order_by("clock_due", "id")
        tasks = tasks.filter(task_light_q(Light.RED, today)).order_by("due", "id")
    elif key == "unreported":
        appeals = appeals.filter(red_appeal, status__in=STAGES["intake"]).order_by("clock_due", "id")
        tasks = tasks.none()
    elif key == "stalled":
        since = stalled_since(today)
        # "Last action before `since`" (COALESCE(MAX(action), start) < since), written as
        # EXISTS probes so that counting the list (the homes' figure) needs no GROUP BY over
        # every open appeal's timeline (issue 14: 60 ms of the supervisor's home at 300k);
        # the list itself still sorts by the last action.
        appeals = appeals.filter(status__in=STALLABLE_APPEAL_STATUSES).filter(
            _no_action_since(Transition, "appeal", since, "received_at")
        )
        tasks = tasks.filter(status__in=STALLABLE_TASK_STATUSES).filter(
            _no_action_since(TaskReport, "task", since, "assigned_at")
        )
        return SupervisionList(
            key,
            appeals.annotate(last_action_at=Coalesce(Max("transitions__at"), "received_at")).order_by(
                "last_action_at", "id"
            ),
            tasks.annotate(last_action_at=Coalesce(Max("reports__at"), "assigned_at")).order_by(
                "last_action_at", "id"
            ),
            appeals_to_count=appeals,
            tasks_to_count=tasks,
        )
    else:
        raise ValueError(key)
    return SupervisionList(key, appeals, tasks)


def _no_action_since(model, fk: str, since: datetime, start: str) -> Q:
    """COALESCE(MAX(action.at), start) < since, as probes: no action at or after `since`,
    and either some action (all before it) or, with none, a start before it."""
    actions = model.objects.filter(**{fk: OuterRef("pk")})
    return ~Exists(actions.filter(at__gte=since)) & (Exists(actions) | Q(**{f"{start}__lt": since}))


def appeal_get_supervised(*, user, appeal_id) -> Appeal:
    obj = _appeals(user).filter(pk=appeal_id).first()
    if obj is None:
        raise AccessDenied()
    return obj


# -- rectification orders ------------------------------------------------------------------------


def order_scope_q(user) -> Q:
    """Orders `user` may read: the supervision readers' (a county office: to its county's
    units), and the orders addressed to a unit staff member's unit (its subtree)."""
    if can.reads_supervision(user):
        ids = supervised_unit_ids(user)
        return Q() if ids is None else Q(unit_id__in=ids)
    if can.is_unit_staff(user):
        ids = user_scope_unit_ids(user)
        if ids:
            return Q(unit_id__in=ids)
    return Q(pk__in=[])


def orders_for_user(user) -> QuerySet[RectificationOrder]:
    return RectificationOrder.objects.filter(order_scope_q(user)).select_related("unit", "issued_by")


def order_get_for_user(*, user, order_id) -> RectificationOrder:
    order = (
        orders_for_user(user)
        .select_related("closed_by", "issued_by__unit")
        .prefetch_related("appeals", "tasks__unit", "tasks__appeal", "meetings", "findings")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise AccessDenied()
    return order


ORDER_FILTERS = ("open", "reported", "red", "closed")


def order_filter(qs, *, status: str = "", today: date | None = None):
    today = today or timezone.localdate()
    if status == "open":
        return qs.filter(status__in=OPEN_ORDER_STATUSES)
    if status == "reported":
        return qs.filter(status=OrderStatus.REPORTED)
    if status == "red":
        return qs.filter(status__in=OPEN_ORDER_STATUSES, due__lt=today)
    if status == "closed":
        return qs.filter(status__in=(OrderStatus.VERIFIED, OrderStatus.FAILED))
    return qs


def order_light(order: RectificationOrder, today: date) -> str:
    """Red when the unit is past the deadline, yellow from `yellow_from` (the appeals' light
    rule), green otherwise; none once reported (the clock waits on the office) or closed."""
    if order.status not in OPEN_ORDER_STATUSES:
        return Light.NONE
    return appeal_deadlines.light_for(order.due, order.yellow_from, today)


def order_overdue_workdays(order: RectificationOrder, today: date) -> int:
    from zhitong.workdays.services import workdays_between

    if order.status not in OPEN_ORDER_STATUSES or today <= order.due:
        return 0
    return max(workdays_between(order.due, today), 0)


def unclosed(qs):
    return qs.filter(status__in=UNCLOSED_ORDER_STATUSES)


# -- findings ------------------------------------------------------------------------------------


def findings_for_user(user) -> QuerySet[Finding]:
    ids = _require_reader(user)
    qs = Finding.objects.select_related("unit", "recorded_by", "order", "appeal", "task")
    return qs if ids is None else qs.filter(unit_id__in=ids)


def finding_get_for_user(*, user, finding_id) -> Finding:
    try:
        obj = findings_for_user(user).filter(pk=finding_id).first()
    except AccessDenied:
        obj = None
    if obj is None:
        raise AccessDenied()
    return obj


def findings_deductions(*, units, month_start: date, month_end: date) -> list[dict]:
    """The findings of the supervision office and the People's Congress about `units` (ids or
    Unit rows) in the months from `month_start` to `month_end` (inclusive), as the fields of
    assessment's `Deduction` (SHARED_CONTRACTS.md): the scorecard shows each as a deduction
    linking to its finding (seeds/000 五(一) 以及市人大、市政府督查室监督督查的结果). Stable order."""
    from django.urls import reverse
    from django.utils import translation

    from zhitong.core.fields import excerpt

    unit_ids = [getattr(u, "pk", u) for u in units]
    rows = Finding.objects.filter(
        unit_id__in=unit_ids, month__gte=month_start.replace(day=1), month__lte=month_end
    ).order_by("unit_id", "month", "id")
    # The scorecard is the city's document: its words in Chinese whatever the reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "unit_id": f.unit_id,
                "points": Decimal(f.points),
                "source_key": f"supervision.{f.source}",
                "label": f"{f.get_source_display()}：{excerpt(f.basis, 60)}",
                "clause": f.clause,
                "url": reverse("supervision:finding_detail", args=[f.pk]),
                "object_id": f.pk,
                "when": f.month,
            }
            for f in rows
        ]
