"""Reads of the coordination meetings, their items and Annex 3 (the follow-up of what
meetings decided)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhitong.appeals.choices import EscalationStatus
from zhitong.appeals.selectors import appeals_visible
from zhitong.core.scope import get_in_scope
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import user_scope_unit_ids, user_sees_all

from ..choices import TaskStatus
from ..models import EscalationRequest, Meeting, MeetingItem, Task
from ..services._common import next_month
from ._common import item_get_for_user


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


def meetings_listed(*, user, mine: bool = False) -> QuerySet[Meeting]:
    """The meeting list page's rows, newest first (`mine`: those the leader convened) — also
    what the leader home's "我召开的协调会" counts."""
    meetings = meeting_list_for_user(user=user).order_by("-held_at")
    return meetings.filter(convener=user) if mine else meetings


def meeting_get_for_user(*, user, meeting_id: int) -> Meeting:
    return get_in_scope(meeting_list_for_user(user=user), None, meeting_id)


def meeting_item_get_for_user(*, user, item_id: int) -> MeetingItem:
    return item_get_for_user(
        MeetingItem, user=user, item_id=item_id, parent="meeting", parent_get_for_user=meeting_get_for_user
    )


def appeal_ids_by_codes(*, user, codes) -> list[int]:
    """The ids of the appeals with these codes that `user` may see (a code of an appeal out
    of sight is answered like a code that does not exist)."""
    return list(appeals_visible(user).filter(code__in=list(codes)).values_list("pk", flat=True))


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
    """是否已解决, derived from the item's tasks and never typed: 是 when the opinion gave tasks
    and every one is done (confirmed by the hub or the supervision office), so the column
    always agrees with 协调意见落实情况 beside it. An appeal closed while a task of the opinion
    is still open is not yet 已解决 in the follow-up table."""
    return bool(tasks) and all(t.status == TaskStatus.DONE for t in tasks)


def implementation_text(tasks: list[Task]) -> str:
    return implementation_text_of([(t.unit.display_name, t.get_status_display(), t.last_note) for t in tasks])


def implementation_text_of(tasks: list[tuple[str, str, str]]) -> str:
    """What the tasks of a coordination opinion came to, from (unit's name, status label,
    last note) of each task: the same text as `implementation_text` without model instances
    (the Annex 1 ledger builds it from plain values)."""
    parts = []
    for unit_name, status_label, last_note in tasks:
        text = _("%(unit)s：%(status)s") % {"unit": unit_name, "status": status_label}
        if last_note:
            # The parts are joined by "；": a note's own closing stop would double it.
            text += _("，%(note)s") % {"note": last_note.strip().rstrip("。；;.")}
        parts.append(text)
    return _("；").join(parts)


# seeds/000 附件3 is the follow-up of the city leaders' meetings (市领导召开“一企一议”协调会);
# what a county's (or park's) principal leaders coordinated is followed up by the county
# itself (seeds/000 三: 各县(市)区政府…协调解决问题情况由各县(市)区政府督查室督查落实) and is
# listed in the county's own table, not under the city leaders' title.
ANNEX3_CITY, ANNEX3_COUNTY = "city", "county"
ANNEX3_SECTIONS = (ANNEX3_CITY, ANNEX3_COUNTY)


def annex3_items(*, unit: Unit, month: date, section: str = ANNEX3_CITY) -> list[MeetingItem]:
    """The unit's coordinated items for Annex 3 of `month`: those of meetings held that
    month, and earlier ones not yet solved (their follow-up is still being reported).
    `section`: the city leaders' meetings (Annex 3 itself) or the county principal's."""
    start = timezone.make_aware(timezone.datetime(month.year, month.month, 1))
    nm = next_month(month)
    end = timezone.make_aware(timezone.datetime(nm.year, nm.month, 1))
    qs = MeetingItem.objects.filter(unit=unit, opinion_at__isnull=False, meeting__held_at__lt=end)
    county = Q(meeting__level=LeaderLevel.COUNTY_PRINCIPAL)
    qs = qs.filter(county) if section == ANNEX3_COUNTY else qs.exclude(county)
    items = list(
        qs.select_related("meeting", "meeting__convener", "appeal")
        .prefetch_related("tasks__unit")
        .order_by("meeting__held_at", "sort_order", "id")
    )
    out = []
    for item in items:
        tasks = list(item.tasks.all())
        if item.meeting.held_at >= start or not item_resolved(item, tasks):
            out.append(item)
    return out


def annex3_rows(*, unit: Unit, month: date, section: str = ANNEX3_CITY) -> list[list]:
    rows = []
    for no, item in enumerate(annex3_items(unit=unit, month=month, section=section), start=1):
        tasks = list(item.tasks.all())
        convener = item.meeting.convener
        rows.append(
            [
                no,
                item.project_name,
                item.basic_situation,
                item.problem,
                f"{timezone.localtime(item.meeting.held_at):%Y-%m-%d}",
                _("%(leader)s（%(level)s）")
                % {"leader": convener.display_name, "level": item.meeting.get_level_display()},
                item.opinion,
                implementation_text(tasks),
                _("是") if item_resolved(item, tasks) else _("否"),
            ]
        )
    return rows


def annex3_has_county_table(unit: Unit, county_rows: list) -> bool:
    """A county or park keeps its own table (also when empty: it says nothing was
    coordinated); another unit only when its principal's meetings credited it."""
    return unit.kind in (UnitKind.COUNTY, UnitKind.PARK) or bool(county_rows)
