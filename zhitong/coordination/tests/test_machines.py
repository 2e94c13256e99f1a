"""Every move of the coordination tables (tasks, meetings, batches, escalation requests),
allowed for its actors and refused (403) for everybody else, refused (409) from a stale
form, and written to the object's history.

The parameters come from the tables themselves: a move added without an entry in SETUP
fails `test_every_move_has_a_setup` and its parametrized case.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals.choices import EscalationStatus
from zhitong.common.transitions import state_changes
from zhitong.coordination import services
from zhitong.coordination.choices import BatchStatus, TaskStatus
from zhitong.coordination.machines import BATCH, ESCALATION, MEETING, TASK
from zhitong.coordination.models import EscalationBatch, MeetingItem, Task, TaskReport
from zhitong.core.errors import ConflictError, Forbidden

from .conftest import PDF, at

pytestmark = pytest.mark.django_db

# Everybody the tables are asked about (conftest `city`).
PEOPLE = (
    "hub",
    "hub_gxj",
    "supervisor",
    "handler",
    "head",
    "section_handler",
    "outsider",
    "clerk",
    "leader",
    "leader2",
    "enterprise_user",
)
HUBS = {"hub", "hub_gxj"}
GXJ_STAFF = {"handler", "head", "section_handler"}  # the responsible unit and its section
NOW = at(2025, 9, 11, 10)  # after the September cut-off; the meeting below was held


def _meeting(c, scene):
    appeal = scene.appeal(project=c.project)
    meeting = services.meeting_create(
        actor=c.hub, title="协调会", convener=c.leader, held_at=at(2025, 9, 2, 15), now=at(2025, 9, 1)
    )
    (item,) = services.meeting_add_items(
        actor=c.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )
    return meeting, item


def _task(status):
    def build(c, scene):
        meeting, item = _meeting(c, scene)
        services.meeting_record_opinion(
            actor=c.hub,
            item_id=item.pk,
            opinion="市工信局牵头协调供电公司增容",
            unit_ids=[c.units.gxj.pk],
            due_date=date(2025, 9, 30),
            now=at(2025, 9, 2, 17),
        )
        task = Task.objects.get(meeting_item=item)
        if status in (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED):
            services.task_report_progress(actor=c.handler, task_id=task.pk, note="已对接", now=at(2025, 9, 3))
        if status == TaskStatus.REPORTED:
            services.task_report_done(actor=c.handler, task_id=task.pk, note="已增容", now=at(2025, 9, 4))
        return Task.objects.get(pk=task.pk)

    return build


def _planned_meeting(c, scene):
    meeting = _meeting(c, scene)[0]
    meeting.refresh_from_db()  # adding the item moved its version on
    assert meeting.version == 2
    return meeting


def _request(status):
    """An escalation request of September's batch in `status` (the batch under review, or
    submitted for the moves that follow it)."""

    def build(c, scene):
        req = scene.escalate(scene.appeal(project=c.project), when=at(2025, 9, 3))
        services.batch_start_review(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
        if status == EscalationStatus.SUBMITTED:
            return req.__class__.objects.get(pk=req.pk)
        services.escalation_accept(actor=c.hub, request_id=req.pk, now=at(2025, 9, 11, 9))
        if status == EscalationStatus.ACCEPTED:
            # The state `send` starts from: accepted, with its batch already reported (the
            # batch's own submit sends every accepted request at once).
            EscalationBatch.objects.filter(month=date(2025, 9, 1)).update(status=BatchStatus.SUBMITTED)
            return req.__class__.objects.get(pk=req.pk)
        services.batch_submit(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
        # On the agenda of a meeting whose opinion on it is recorded (`coordinate`'s guard).
        meeting, _ = _meeting(c, scene)
        MeetingItem.objects.create(
            meeting=meeting,
            appeal=req.appeal,
            escalation=req,
            unit=c.units.gxj,
            project_name=req.project_name,
            problem=req.problem,
            opinion="已协调",
            opinion_at=at(2025, 9, 11, 9),
        )
        return req.__class__.objects.get(pk=req.pk)

    return build


def _batch(status):
    def build(c, scene):
        services.batch_get_or_open(month=date(2025, 9, 1))
        if status == BatchStatus.UNDER_REVIEW:
            services.batch_start_review(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
        return EscalationBatch.objects.get(month=date(2025, 9, 1))

    return build


# (machine, move) → (build(city, scene) → object, data(city, object), the allowed people)
SETUP = {
    (TASK, "progress"): (_task(TaskStatus.ASSIGNED), lambda c, o: {"note": "已对接供电公司"}, GXJ_STAFF),
    (TASK, "done"): (_task(TaskStatus.IN_PROGRESS), lambda c, o: {"note": "已增容并回复企业"}, GXJ_STAFF),
    (TASK, "confirm"): (_task(TaskStatus.REPORTED), lambda c, o: {"note": "核实"}, HUBS | {"supervisor"}),
    (TASK, "reject"): (
        _task(TaskStatus.REPORTED),
        lambda c, o: {"reason": "未回复企业"},
        HUBS | {"supervisor"},
    ),
    (MEETING, "minutes"): (
        _planned_meeting,
        lambda c, o: {"upload": SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")},
        HUBS | {"leader"},
    ),
    (MEETING, "opinion"): (
        _planned_meeting,
        lambda c, o: {
            "item_id": o.items.get().pk,
            "opinion": "工信局牵头办理",
            "unit_ids": [c.units.gxj.pk],
            "due_workdays": 5,
        },
        HUBS | {"leader"},
    ),
    (BATCH, "start_review"): (_batch(BatchStatus.OPEN), lambda c, o: {}, HUBS),
    (BATCH, "submit"): (_batch(BatchStatus.UNDER_REVIEW), lambda c, o: {}, HUBS),
    (ESCALATION, "accept"): (
        _request(EscalationStatus.SUBMITTED),
        lambda c, o: {"leader_id": c.leader2.pk, "note": "同意"},
        HUBS,
    ),
    (ESCALATION, "return"): (
        _request(EscalationStatus.SUBMITTED),
        lambda c, o: {"reason": "不属市级协调"},
        HUBS,
    ),
    (ESCALATION, "withdraw"): (
        _request(EscalationStatus.SUBMITTED),
        lambda c, o: {"reason": "申报单位已自行协调解决"},
        HUBS,
    ),
    (ESCALATION, "send"): (_request(EscalationStatus.ACCEPTED), lambda c, o: {}, HUBS),
    (ESCALATION, "coordinate"): (
        _request(EscalationStatus.SENT_TO_LEADER),
        lambda c, o: {},
        HUBS | {"leader", "leader2"},
    ),
}
TABLES = (TASK, MEETING, BATCH, ESCALATION)
CASES = [(m, name) for m in TABLES for name in m.moves]


def test_every_move_has_a_setup_and_a_service():
    assert sorted((m.kind, n) for m, n in CASES) == sorted((m.kind, n) for m, n in SETUP)
    assert [m.unserved() for m in TABLES] == [[], [], [], []]


def _pk(machine, obj):
    return obj.month if machine is BATCH else obj.pk


def _history(machine, obj):
    if machine is TASK:
        return [(r.kind, r.task.status) for r in TaskReport.objects.filter(task=obj).select_related("task")]
    return [(h.action, h.to_status) for h in state_changes(obj)]


@pytest.mark.parametrize(("machine", "name"), CASES, ids=[f"{m.kind}.{n}" for m, n in CASES])
def test_each_move_is_allowed_for_its_actors_only(city, scene, machine, name):
    build, data, allowed = SETUP[(machine, name)]
    obj = build(city, scene)
    move = machine.moves[name]
    assert obj.status in move.sources
    for who in PEOPLE:
        person = getattr(city, who)
        assert machine.can(person, obj, name, today=NOW.date()) == (who in allowed), who
        assert (move in machine.available(person, obj, today=NOW.date())) == (who in allowed), who
    denied = next(getattr(city, w) for w in PEOPLE if w not in allowed)
    actor = getattr(city, sorted(allowed)[0])
    pk, version = _pk(machine, obj), obj.version

    # Denied: 403, nothing written.
    with pytest.raises(Forbidden):
        machine.dispatch(pk=pk, move=name, actor=denied, now=NOW, **data(city, obj))
    # A stale form (the version moved on since it was rendered): 409.
    with pytest.raises(ConflictError) as stale:
        machine.dispatch(
            pk=pk, move=name, actor=actor, expected_version=version - 1, now=NOW, **data(city, obj)
        )
    assert stale.value.code == "stale"
    before = _history(machine, obj)

    machine.dispatch(pk=pk, move=name, actor=actor, expected_version=version, now=NOW, **data(city, obj))

    obj.refresh_from_db()
    assert obj.version == version + 1
    assert obj.status == (move.target or move.alt_target or obj.status)
    history = _history(machine, obj)
    assert len(history) == len(before) + 1
    assert history[-1][0] == name
    # The same form again is stale now.
    with pytest.raises(ConflictError):
        machine.dispatch(pk=pk, move=name, actor=actor, expected_version=version, now=NOW, **data(city, obj))


def test_a_move_the_state_does_not_allow_is_a_conflict_not_a_refusal(city, scene):
    task = _task(TaskStatus.ASSIGNED)(city, scene)
    with pytest.raises(ConflictError) as exc:
        TASK.dispatch(pk=task.pk, move="confirm", actor=city.handler, now=NOW)
    assert exc.value.code == "illegal_move"
    with pytest.raises(ConflictError) as exc:
        TASK.dispatch(pk=task.pk, move="nonsense", actor=city.hub, now=NOW)
    assert exc.value.code == "unknown_move"


def test_the_batch_cannot_start_review_before_its_cutoff(city, scene):
    batch = _batch(BatchStatus.OPEN)(city, scene)
    assert not BATCH.can(city.hub, batch, "start_review", today=date(2025, 9, 10))
    with pytest.raises(ConflictError) as exc:
        services.batch_start_review(actor=city.hub, month=batch.month, now=at(2025, 9, 10, 17))
    assert "截止日之后方可开始审核" in exc.value.message


def test_the_whole_batch_writes_each_objects_history(city, scene):
    req = scene.escalate(scene.appeal(project=city.project), when=at(2025, 9, 3))
    month = date(2025, 9, 1)
    services.batch_start_review(actor=city.hub, month=month, now=at(2025, 9, 11, 9))
    services.escalation_accept(actor=city.hub, request_id=req.pk, now=at(2025, 9, 11, 9))
    services.batch_submit(actor=city.hub, month=month, now=at(2025, 9, 11, 10))
    batch = EscalationBatch.objects.get(month=month)
    assert [(h.action, h.to_status) for h in state_changes(batch)] == [
        ("start_review", BatchStatus.UNDER_REVIEW),
        ("submit", BatchStatus.SUBMITTED),
    ]
    assert [(h.action, h.to_status, h.actor_id) for h in state_changes(req)] == [
        ("accept", EscalationStatus.ACCEPTED, city.hub.pk),
        ("send", EscalationStatus.SENT_TO_LEADER, city.hub.pk),
    ]
