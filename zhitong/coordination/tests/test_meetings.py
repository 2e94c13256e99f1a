from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals.choices import EscalationStatus
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import MeetingStatus, TaskStatus
from zhitong.coordination.models import Task
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError

from .conftest import PDF, at

pytestmark = pytest.mark.django_db


def meeting_for(city, *, convener=None, held_at=None, actor=None):
    return services.meeting_create(
        actor=actor or city.hub,
        title="重点项目推进协调会",
        convener=convener or city.leader,
        held_at=held_at or at(2025, 9, 20, 15),
        place="市政府第一会议室",
        unit_ids=[city.units.gxj.pk, city.units.zjj.pk, city.units.glq.pk],
        now=at(2025, 9, 12),
    )


@pytest.fixture
def sent(city, scene):
    """A request reported to 陈副市长 in September 2025's batch."""
    appeal = scene.appeal(project=city.project)
    req = scene.escalate(appeal, when=at(2025, 9, 3))
    services.batch_start_review(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
    services.escalation_accept(actor=city.hub, request_id=req.pk, now=at(2025, 9, 11, 10))
    services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 11))
    req.refresh_from_db()
    return req


def test_the_hub_arranges_a_meeting_for_a_leader_and_a_leader_for_themself(city):
    m1 = meeting_for(city)
    assert m1.level == "vice_mayor" and m1.status == MeetingStatus.PLANNED
    m2 = meeting_for(city, convener=city.leader, actor=city.leader)
    assert m2.convener == city.leader


def test_a_leader_cannot_arrange_a_meeting_for_another_leader_nor_staff_for_anyone(city):
    with pytest.raises(Forbidden):
        meeting_for(city, convener=city.leader2, actor=city.leader)
    for person in (city.handler, city.head, city.outsider, city.supervisor):
        with pytest.raises(Forbidden):
            meeting_for(city, actor=person)


def test_the_convener_must_be_a_leader(city):
    with pytest.raises(ServiceError):
        meeting_for(city, convener=city.head)


def test_requests_reported_to_the_leader_carry_their_annex2_fields_onto_the_agenda(city, sent):
    meeting = meeting_for(city)
    assert list(selectors.meeting_candidates(meeting=meeting)) == [sent]
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    assert item.escalation == sent
    assert item.unit == city.units.gxj
    assert item.problem == sent.problem and item.project_name == sent.project_name
    assert list(selectors.meeting_candidates(meeting=meeting)) == []
    assert sent.appeal.transitions.filter(action="coordination.meeting_agenda").exists()


def test_the_opinion_waits_for_the_meeting_to_be_held(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    with pytest.raises(ConflictError):
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion="由市住建局牵头",
            unit_ids=[city.units.zjj.pk],
            due_workdays=10,
            now=at(2025, 9, 19),
        )


def test_an_opinion_becomes_tasks_with_deadlines_and_shows_on_the_appeal_timeline(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    services.meeting_record_opinion(
        actor=city.leader,
        item_id=item.pk,
        opinion="由市住建局牵头，鼓楼区配合，联合办理消防验收备案",
        unit_ids=[city.units.zjj.pk, city.units.glq.pk],
        due_workdays=10,
        now=at(2025, 9, 22, 10),  # Monday
    )
    tasks = list(Task.objects.filter(meeting_item=item).order_by("pk"))
    assert [(t.unit, t.is_lead) for t in tasks] == [(city.units.zjj, True), (city.units.glq, False)]
    # 10 working days after Monday 22 September 2025: the National Day holiday (1–8
    # October) is skipped; the adjusted working days Sunday 28 September and Saturday
    # 11 October count, and the tenth is that Saturday.
    assert {t.due for t in tasks} == {date(2025, 10, 11)}
    assert all(t.status == TaskStatus.ASSIGNED for t in tasks)
    actions = list(sent.appeal.transitions.values_list("action", flat=True))
    assert "coordination.meeting_opinion" in actions and "coordination.task_assign" in actions
    note = sent.appeal.transitions.get(action="coordination.meeting_opinion").note
    assert "联合办理消防验收备案" in note and "陈副市长" in note
    sent.refresh_from_db()
    assert sent.status == EscalationStatus.COORDINATED
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_one_opinion_per_appeal_per_meeting(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    kw = dict(
        opinion="由市住建局牵头",
        unit_ids=[city.units.zjj.pk],
        due_date=date(2025, 10, 31),
        now=at(2025, 9, 22),
    )
    services.meeting_record_opinion(actor=city.hub, item_id=item.pk, **kw)
    with pytest.raises(ConflictError):
        services.meeting_record_opinion(actor=city.hub, item_id=item.pk, **kw)


def test_the_deadline_is_working_days_or_a_date_not_both_nor_neither(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    for kw in ({}, {"due_workdays": 5, "due_date": date(2025, 10, 31)}, {"due_date": date(2025, 9, 1)}):
        with pytest.raises(ServiceError):
            services.meeting_record_opinion(
                actor=city.hub,
                item_id=item.pk,
                opinion="意见",
                unit_ids=[city.units.zjj.pk],
                now=at(2025, 9, 22),
                **kw,
            )


def test_only_the_hub_or_the_convener_records_the_opinion(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    for person in (city.leader2, city.handler, city.head, city.outsider, city.supervisor):
        with pytest.raises(Forbidden):
            services.meeting_record_opinion(
                actor=person,
                item_id=item.pk,
                opinion="意见",
                unit_ids=[city.units.zjj.pk],
                due_workdays=5,
                now=at(2025, 9, 22),
            )


def test_minutes_are_checked_by_content_and_filed(city, sent):
    meeting = meeting_for(city)
    fake = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError):
        services.meeting_upload_minutes(
            actor=city.hub, meeting_id=meeting.pk, upload=fake, now=at(2025, 9, 22)
        )
    with pytest.raises(Forbidden):
        services.meeting_upload_minutes(
            actor=city.handler,
            meeting_id=meeting.pk,
            upload=SimpleUploadedFile("纪要.pdf", PDF),
            now=at(2025, 9, 22),
        )
    services.meeting_upload_minutes(
        actor=city.hub,
        meeting_id=meeting.pk,
        upload=SimpleUploadedFile("会议纪要.pdf", PDF),
        now=at(2025, 9, 22),
    )
    meeting.refresh_from_db()
    assert meeting.minutes_name == "会议纪要.pdf" and meeting.minutes_size == len(PDF)
    assert meeting.minutes.read() == PDF


def test_who_sees_a_meeting(city, sent):
    meeting = meeting_for(city)
    services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    for person in (city.hub, city.supervisor, city.leader, city.handler, city.head, city.glq_handler):
        assert selectors.meeting_get_for_user(user=person, meeting_id=meeting.pk) == meeting
    for person in (city.outsider, city.enterprise_user, city.clerk):
        with pytest.raises(AccessDenied):
            selectors.meeting_get_for_user(user=person, meeting_id=meeting.pk)


def test_annex3_rows_follow_the_opinions_and_their_tasks(city, sent):
    meeting = meeting_for(city)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[sent.pk], now=at(2025, 9, 12)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="由市住建局牵头办理",
        unit_ids=[city.units.zjj.pk],
        due_workdays=10,
        now=at(2025, 9, 22),
    )
    (row,) = selectors.annex3_rows(unit=city.units.gxj, month=date(2025, 9, 1))
    assert row[:7] == [
        1,
        sent.project_name,
        sent.basic_situation,
        sent.problem,
        "2025-09-20",
        "陈副市长（副市长）",
        "由市住建局牵头办理",
    ]
    assert row[7] == "市住房和城乡建设局：待办理" and row[8] == "否"
    # Another unit's Annex 3 does not list it.
    assert selectors.annex3_rows(unit=city.units.swj, month=date(2025, 9, 1)) == []


def test_projects_in_construction_without_a_meeting_this_month_are_listed(city, scene):
    assert list(selectors.projects_not_coordinated(month=date(2025, 9, 1))) == [city.project]
    appeal = scene.appeal(project=city.project)
    meeting = meeting_for(city)  # 20 September
    services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 12)
    )
    assert list(selectors.projects_not_coordinated(month=date(2025, 9, 1))) == []
    assert list(selectors.projects_not_coordinated(month=date(2025, 10, 1))) == [city.project]
