"""Coordination meetings (协调会): a leader convenes, several enterprises' and projects'
appeals are discussed, minutes are filed as evidence, and one opinion per appeal becomes
tasks for units with deadlines. Each step is written on the appeal's timeline."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhitong.appeals.choices import OPEN_STATUSES, EscalationStatus
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeal_require_visible
from zhitong.appeals.services import evidence_check
from zhitong.audit.services import audit_record
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.core.fields import excerpt
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import User

from .. import permissions
from ..machines.meetings import MANAGERS, MEETING
from ..models import EscalationRequest, Meeting, MeetingItem
from ._common import editing, record_opinion, required, said, timeline_note
from .batches import escalation_coordinate, units_by_ids
from .facts import facts_evaluate_meeting
from .tasks import tasks_create_for_item


def _snapshot(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "level": meeting.level,
        "convener_id": meeting.convener_id,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "status": meeting.status,
        "unit_ids": sorted(meeting.units_present.values_list("pk", flat=True)) if meeting.pk else [],
    }


def _meeting_args(meeting: Meeting) -> dict:
    """The meeting as the timeline names it: "<date><leader>召开的协调会「<title>」"."""
    return {
        "date": f"{timezone.localtime(meeting.held_at):%Y-%m-%d}",
        "leader": meeting.convener.display_name,
        "title": meeting.title,
    }


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    title: str,
    convener: User,
    held_at: datetime,
    place: str = "",
    unit_ids=(),
    level: str = "",
    now: datetime | None = None,
) -> Meeting:
    """The hub schedules a meeting for a leader, or a leader schedules their own."""
    now = now or timezone.now()
    if not permissions.can_create_meeting(actor):
        raise Forbidden("只有统筹协调专员或市领导可以安排协调会")
    if actor.role == Role.LEADER and convener.pk != actor.pk:
        raise Forbidden("市领导只能安排本人召开的协调会")
    if convener.role != Role.LEADER or not convener.is_active:
        raise ServiceError("召开协调会的须为市领导或县(市)区主要领导", field="convener_id")
    level = level or convener.leader_level
    if level not in LeaderLevel.values:
        raise ServiceError("请选择召开领导的层级", field="level")
    title = required(title, "请填写会议名称", "title")
    if held_at is None:
        raise ServiceError("请填写召开时间", field="held_at")
    units = units_by_ids(unit_ids)
    meeting = Meeting.objects.create(
        title=title, level=level, convener=convener, held_at=held_at, place=place.strip(), created_by=actor
    )
    meeting.units_present.set(units)
    audit_record(
        action="meeting.create", obj=meeting, actor=actor, before=None, after=_snapshot(meeting), now=now
    )
    return meeting


def _editing(meeting_id: int, actor: User, now: datetime | None):
    """Agenda and details are edited by the same people as the table's moves."""
    return editing(
        MEETING,
        pk=meeting_id,
        actor=actor,
        relations=MANAGERS,
        denied="只有统筹协调专员或召开协调会的领导可以编辑该协调会",
        now=now,
    )


def meeting_update(
    *,
    actor: User,
    meeting_id: int,
    title: str,
    held_at: datetime,
    place: str = "",
    unit_ids=(),
    now: datetime | None = None,
) -> Meeting:
    with _editing(meeting_id, actor, now) as edit:
        meeting = edit.obj
        if meeting.items.filter(opinion_at__isnull=False).exists() and held_at != meeting.held_at:
            raise ConflictError("已有协调意见的协调会不能修改召开时间")
        before = _snapshot(meeting)
        meeting.title = (title or "").strip() or meeting.title
        meeting.held_at = held_at or meeting.held_at
        meeting.place = place.strip()
        meeting.save()
        meeting.units_present.set(units_by_ids(unit_ids))
        edit.audit("update", before=before, after=_snapshot(meeting))
    return meeting


def meeting_add_items(
    *,
    actor: User,
    meeting_id: int,
    appeal_ids=(),
    escalation_ids=(),
    now: datetime | None = None,
) -> list[MeetingItem]:
    """Put appeals on the agenda: from requests reported to the leaders (Annex 2 fields
    carry over), or any open appeal."""
    with _editing(meeting_id, actor, now) as edit:
        return _add_items(edit, appeal_ids=appeal_ids, escalation_ids=escalation_ids)


def _add_items(edit, *, appeal_ids, escalation_ids) -> list[MeetingItem]:
    meeting, actor, now = edit.obj, edit.actor, edit.now
    existing = set(meeting.items.values_list("appeal_id", flat=True))
    order = meeting.items.count()
    added: list[MeetingItem] = []
    escalations = list(
        EscalationRequest.objects.select_related("appeal", "appeal__project", "reporting_unit").filter(
            pk__in=[int(i) for i in escalation_ids]
        )
    )
    if len(escalations) != len(set(escalation_ids)):
        raise ServiceError("所选申报不存在")
    plan: list[tuple[Appeal, EscalationRequest | None]] = []
    for req in escalations:
        if req.status not in (EscalationStatus.SENT_TO_LEADER, EscalationStatus.COORDINATED):
            raise ConflictError(f"申报“{req.project_name}”尚未报送市领导，不能列入协调会")
        plan.append((req.appeal, req))
    # Appeals named directly must be ones the actor may see (404 otherwise, as for one that
    # does not exist); a request reported to the leader brings its own appeal.
    appeal_require_visible(user=actor, appeal_ids=[int(i) for i in appeal_ids])
    appeals = list(
        Appeal.objects.select_related("project", "enterprise").filter(pk__in=[int(i) for i in appeal_ids])
    )
    if len(appeals) != len(set(appeal_ids)):
        raise ServiceError("所选诉求不存在")
    plan.extend((a, None) for a in appeals)
    # seeds/000 五(二)1: a problem coordinated by a county's (or park's) principal leaders is
    # that county's — its Annex 3 lists it and its scorecard counts it, whoever leads the
    # appeal. City leaders' meetings credit the unit that reported the problem.
    credited = _county_of(meeting.convener) if meeting.level == LeaderLevel.COUNTY_PRINCIPAL else None
    for appeal, req in plan:
        if appeal.pk in existing:
            continue
        if appeal.status not in OPEN_STATUSES:
            raise ConflictError(f"诉求{appeal.code}已办结或已合并，不能列入协调会")
        unit = credited or (req.reporting_unit if req else None) or appeal.lead_unit or appeal.received_unit
        project_name = (req.project_name if req else "") or (
            appeal.project.name if appeal.project_id else appeal.enterprise.name
        )
        basic = (
            (req.basic_situation if req else "")
            or (appeal.project.summary if appeal.project_id else "")
            or appeal.description
        )
        problem = (req.problem if req else "") or appeal.title
        order += 1
        item = MeetingItem.objects.create(
            meeting=meeting,
            appeal=appeal,
            escalation=req,
            unit=unit,
            project_name=excerpt(project_name, 200),  # its sources hold 200 too: said if ever cut
            basic_situation=basic,
            problem=problem,
            sort_order=order,
        )
        existing.add(appeal.pk)
        added.append(item)
        edit.audit(
            "add_item",
            after={"item_id": item.pk, "appeal_id": appeal.pk, "escalation_id": req.pk if req else None},
        )
        timeline_note(
            appeal=appeal,
            actor=actor,
            action="coordination.meeting_agenda",
            note=said(
                gettext_noop("列入%(date)s%(leader)s召开的协调会「%(title)s」议题"), **_meeting_args(meeting)
            ),
            data={"meeting_id": meeting.pk, "item_id": item.pk},
            now=now,
        )
    return added


def _county_of(user: User):
    from zhitong.organizations.choices import UnitKind
    from zhitong.organizations.selectors import scope_root

    if not user.unit_id:
        return None
    unit = scope_root(user.unit)
    return unit if unit.kind in (UnitKind.COUNTY, UnitKind.PARK) else None


def meeting_remove_item(*, actor: User, item_id: int, now: datetime | None = None) -> None:
    item = MeetingItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ServiceError("议题不存在")
    with _editing(item.meeting_id, actor, now) as edit:
        meeting = edit.obj
        item = MeetingItem.objects.select_for_update(of=("self",)).select_related("appeal").get(pk=item_id)
        if item.opinion_at:
            raise ConflictError("已有协调意见的议题不能移除")
        edit.audit("remove_item", before={"item_id": item.pk, "appeal_id": item.appeal_id})
        timeline_note(
            appeal=item.appeal,
            actor=actor,
            action="coordination.meeting_agenda_remove",
            note=said(
                gettext_noop("从%(date)s%(leader)s召开的协调会「%(title)s」议题中移除"),
                **_meeting_args(meeting),
            ),
            data={"meeting_id": meeting.pk},
            now=edit.now,
        )
        item.delete()


def _require_held(meeting: Meeting, now: datetime) -> None:
    if meeting.held_at > now:
        raise ConflictError(
            f"协调会定于{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}召开，召开后方可录入"
        )


@MEETING.service("minutes")
def meeting_upload_minutes(
    *,
    actor: User,
    meeting_id: int,
    upload,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """File the minutes (会议纪要) — the evidence seeds/000 五(二)1 asks for."""
    if not upload:
        raise ServiceError("请选择会议纪要文件", field="upload")
    with MEETING.moving(
        pk=meeting_id, move="minutes", actor=actor, expected_version=expected_version, now=now
    ) as step:
        meeting, now = step.obj, step.now
        _require_held(meeting, now)
        # The appeals app's evidence check: type by content (magic bytes), size by
        # ZHITONG_EVIDENCE_MAX_BYTES — minutes are evidence like any other.
        original, data, kind = evidence_check(upload)
        sha = hashlib.sha256(data).hexdigest()
        ext = {"jpeg": "jpg"}.get(kind, kind)
        meeting.minutes.save(f"{meeting.pk}-{sha[:16]}.{ext}", ContentFile(data), save=False)
        meeting.minutes_name, meeting.minutes_size, meeting.minutes_uploaded_at = original, len(data), now
        step.commit(
            fields=["minutes", "minutes_name", "minutes_size", "minutes_uploaded_at"],
            note=original,
            data={"size": len(data), "sha256": sha},
        )
        for item in meeting.items.select_related("appeal"):
            timeline_note(
                appeal=item.appeal,
                actor=actor,
                action="coordination.meeting_minutes",
                note=said(
                    gettext_noop("%(date)s%(leader)s召开的协调会「%(title)s」会议纪要已上传"),
                    **_meeting_args(meeting),
                ),
                data={"meeting_id": meeting.pk},
                now=now,
            )
    return meeting


@MEETING.service("opinion")
def meeting_record_opinion(
    *,
    actor: User,
    item_id: int,
    opinion: str,
    unit_ids,
    due_workdays: int | None = None,
    due_date: date | None = None,
    meeting_id: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> MeetingItem:
    """The meeting's one opinion on one appeal (协调意见), which becomes one task per
    responsible unit with the deadline. Recorded once; later steps are the tasks'. A move
    of the meeting (it is held by then); `meeting_id`, when given, must be the item's."""
    item = MeetingItem.objects.filter(pk=item_id).first()
    if item is None or (meeting_id is not None and int(meeting_id) != item.meeting_id):
        raise ServiceError("议题不存在", field="item_id")
    with MEETING.moving(
        pk=item.meeting_id, move="opinion", actor=actor, expected_version=expected_version, now=now
    ) as step:
        meeting, now = step.obj, step.now
        _require_held(meeting, now)
        item = (
            MeetingItem.objects.select_for_update(of=("self",))
            .select_related("appeal", "escalation")
            .get(pk=item_id)
        )
        if item.opinion_at:
            raise ConflictError("该诉求已有本次协调会的协调意见")
        terms = (unit_ids, due_workdays, due_date)
        units = record_opinion(item, actor, now, opinion, "请填写协调意见", terms, fix_date=True)
        # The request's move first, before the timeline notes take the audit chain's lock,
        # so every writer takes the locks in the same order.
        if item.escalation_id and item.escalation.status == EscalationStatus.SENT_TO_LEADER:
            escalation_coordinate(actor=actor, request_id=item.escalation_id, now=now)
        step.commit(
            note=item.opinion,
            data={"item_id": item.pk, "unit_ids": [u.pk for u in units], "due": item.due_date.isoformat()},
        )
        timeline_note(
            appeal=item.appeal,
            actor=actor,
            action="coordination.meeting_opinion",
            note=said(
                gettext_noop("%(date)s%(leader)s召开的协调会「%(title)s」协调意见：%(opinion)s"),
                opinion=item.opinion,
                **_meeting_args(meeting),
            ),
            data={"meeting_id": meeting.pk, "item_id": item.pk},
            now=now,
        )
        tasks_create_for_item(
            item=item, actor=actor, due=item.due_date, due_provisional=item.due_provisional, now=now
        )
        facts_evaluate_meeting(meeting=meeting, now=now)
    return item


__all__ = [
    "meeting_add_items",
    "meeting_create",
    "meeting_record_opinion",
    "meeting_remove_item",
    "meeting_update",
    "meeting_upload_minutes",
]
