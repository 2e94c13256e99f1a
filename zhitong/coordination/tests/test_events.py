"""The face-to-face event through the eight steps of seeds/001 四."""

import io
from datetime import date

import pytest
from docx import Document

from zhitong.appeals.choices import Channel
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import EventKind, EventStatus, NoticeKind, TaskStatus, Verification
from zhitong.coordination.models import Event, Task
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver

from .conftest import at

pytestmark = pytest.mark.django_db


def new_event(city, *, when=None, kind=EventKind.QUARTERLY, actor=None):
    return services.event_create(
        actor=actor or city.hub_gxj,
        title="2025年第四季度“面对面”政企交流活动",
        kind=kind,
        scheduled_at=when or at(2025, 10, 13, 15),
        chair=city.mayor,
        deputy=city.leader,
        place="市民服务中心第三会议室",
        now=at(2025, 9, 15),
    )


# -- the catalog deadline in working days ----------------------------------------------------


def test_the_catalog_is_due_four_working_days_before_an_event_on_a_monday_after_a_holiday(city):
    # Monday 13 October 2025, after the National Day holiday (1–8 October): counting back
    # Sat 11 (adjusted working day), Fri 10, Thu 9, then over the holiday to Tue 30 Sep.
    event = new_event(city)
    assert event.catalog_due == date(2025, 9, 30)


def test_the_office_is_the_department_of_the_hub_who_opens_the_event(city):
    event = new_event(city)
    assert event.office_unit == city.units.gxj  # the hub sits in a section of it


def test_a_regular_event_has_no_catalog_deadline(city):
    event = new_event(city, kind=EventKind.BREAKFAST)
    assert event.catalog_due is None
    assert services.catalog_warning(event, date(2025, 10, 13)) == ""


def test_the_warning_counts_the_working_days_late(city):
    event = new_event(city)
    assert services.catalog_warning(event, date(2025, 9, 30)) == ""
    # 9 October is the first working day after the holiday: one working day late.
    assert services.catalog_warning(event, date(2025, 10, 9)) == (
        "目录应于活动日前4个工作日报市府办公室，截止日为 2025-09-30，已逾期 1 个工作日"
    )
    assert services.catalog_lateness(event, date(2025, 10, 11)) == 3


# -- the workflow ---------------------------------------------------------------------------------


@pytest.fixture
def collected(city, scene):
    """An event with two problems: an open appeal picked, and one registered on the spot."""
    picked = scene.appeal(project=city.project)
    event = new_event(city)
    services.event_add_appeals(
        actor=city.hub_gxj, event_id=event.pk, appeal_ids=[picked.pk], now=at(2025, 9, 16)
    )
    item2 = services.event_register_problem(
        actor=city.hub_gxj,
        event_id=event.pk,
        enterprise=city.other_enterprise,
        title="物流园区道路未移交导致货车通行受限",
        description="园区道路已建成两年未移交，货车通行受限。",
        category=city.category,
        unit=city.units.swj,
        now=at(2025, 9, 16, 10),
    )
    return event, picked, item2


def verify_all(city, event):
    for item in event.items.all():
        actor = city.handler if item.unit == city.units.gxj else city.outsider
        services.event_item_verify(
            actor=actor,
            item_id=item.pk,
            result=Verification.CONFIRMED,
            note="经核实情况属实",
            now=at(2025, 9, 18),
        )


def test_a_registered_problem_becomes_a_face_to_face_appeal(city, collected):
    event, picked, item2 = collected
    assert item2.appeal.channel == Channel.FACE_TO_FACE
    assert item2.appeal.enterprise == city.other_enterprise
    assert item2.unit == city.units.swj
    assert picked.transitions.filter(action="coordination.event_collect").exists()


def test_only_the_events_own_office_runs_it(city, collected, scene):
    event, picked, _ = collected
    other = scene.appeal(title="其他问题")
    for person in (city.hub, city.handler, city.leader, city.supervisor):
        with pytest.raises(Forbidden):
            services.event_add_appeals(
                actor=person, event_id=event.pk, appeal_ids=[other.pk], now=at(2025, 9, 16)
            )
    with pytest.raises(Forbidden):
        services.event_create(
            actor=city.handler,
            title="x",
            kind=EventKind.VISIT,
            scheduled_at=at(2025, 10, 13),
            chair=city.mayor,
            deputy=city.leader,
        )


def test_the_department_verifies_its_own_problems_only(city, collected):
    event, picked, item2 = collected
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    item1 = event.items.get(appeal=picked)
    with pytest.raises(Forbidden):
        services.event_item_verify(
            actor=city.outsider,
            item_id=item1.pk,
            result=Verification.CONFIRMED,
            note="属实",
            now=at(2025, 9, 18),
        )
    services.event_item_verify(
        actor=city.handler,
        item_id=item1.pk,
        result=Verification.CONFIRMED,
        note="经核实属实",
        now=at(2025, 9, 18),
    )
    services.event_item_verify(
        actor=city.outsider,
        item_id=item2.pk,
        result=Verification.NOT_CONFIRMED,
        note="道路已于上月移交",
        now=at(2025, 9, 18),
    )
    item1.refresh_from_db()
    assert item1.verification == Verification.CONFIRMED and item1.verified_by == city.handler
    assert picked.transitions.filter(action="coordination.event_verify").exists()


def test_the_catalog_waits_for_every_verification_and_records_lateness(city, collected):
    event, _, _ = collected
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    with pytest.raises(ConflictError, match="2个问题未核实"):
        services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 19))
    verify_all(city, event)
    event = services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 9, 10))
    assert event.status == EventStatus.CATALOG_SUBMITTED
    assert event.catalog_late_workdays == 1
    assert "已逾期 1 个工作日" in services.catalog_warning(event, date(2025, 10, 13))


# -- seeds/001 四(二): a catalog reported after its due day ---------------------------------------


def verified_event(city, scene, *, when):
    """A quarterly event on `when` whose one problem is verified, ready to report."""
    event = new_event(city, when=when)
    services.event_add_appeals(
        actor=city.hub_gxj, event_id=event.pk, appeal_ids=[scene.appeal().pk], now=at(2025, 9, 15)
    )
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 15, 10))
    verify_all(city, event)
    return Event.objects.get(pk=event.pk)


def late_warnings():
    return list(OutboxMessage.objects.filter(payload__kind="event_catalog_late"))


@pytest.mark.parametrize(
    ("reported", "late", "workdays"),
    [
        (at(2025, 9, 30, 23, 59), False, 0),  # the due day, to its last minute
        (at(2025, 10, 1, 0, 0), True, 0),  # the next day from 00:00: a rest day (国庆), still late
        (at(2025, 10, 9, 10, 0), True, 1),  # the first working day after the holiday
    ],
    ids=["due-day-23:59", "next-day-00:00-rest-day", "first-working-day-after"],
)
def test_a_catalog_reported_after_its_due_day_is_recorded_late(city, scene, reported, late, workdays):
    # Monday 13 October 2025: the due day reaches back over the National Day holiday to
    # Tuesday 30 September (Asia/Shanghai calendar days).
    event = verified_event(city, scene, when=at(2025, 10, 13, 15))
    assert event.catalog_due == date(2025, 9, 30)
    event = services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=reported)
    assert (event.catalog_late, event.catalog_late_workdays) == (late, workdays)
    warning = services.catalog_warning(event, date(2025, 10, 13))
    assert bool(warning) is late
    assert len(late_warnings()) == (2 if late else 0)  # the office's hub and the deputy
    if late and not workdays:
        assert warning.endswith("截止日为 2025-09-30，2025-10-01（休息日）报送，已逾期")


def test_a_late_catalog_warns_the_office_and_the_deputy(city, scene):
    event = verified_event(city, scene, when=at(2025, 10, 13, 15))
    services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 1, 0, 0))
    outbox_deliver()
    for person in (city.hub_gxj, city.leader):  # the office's hub, the deputy leader
        (note,) = person.notifications.filter(kind="event_catalog_late")
        assert note.title == f"面对面活动「{event.title}」问题目录逾期报送"
        assert "已逾期" in note.body
    assert not city.hub.notifications.filter(kind="event_catalog_late").exists()  # not the office


@pytest.mark.parametrize(
    ("reported", "late"),
    [(at(2025, 9, 19, 23, 59), False), (at(2025, 9, 20, 0, 0), True), (at(2025, 9, 22, 0, 0), True)],
    ids=["friday-23:59", "saturday-00:00", "monday-00:00"],
)
def test_a_catalog_due_on_a_friday_is_late_over_the_weekend(city, scene, reported, late):
    # Thursday 25 September: Wed 24, Tue 23, Mon 22, Fri 19 — due Friday 19 September.
    event = verified_event(city, scene, when=at(2025, 9, 25, 15))
    assert event.catalog_due == date(2025, 9, 19)
    event = services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=reported)
    assert event.catalog_late is late


def test_a_due_day_that_becomes_a_rest_day_reaches_back_to_the_working_day_before(city, scene):
    # The seed counts 4 working days back from the event: a due day the calendar turns into a
    # rest day is re-timed to the working day before it, never to the one after.
    from zhitong.organizations.tests.factories import UserFactory
    from zhitong.workdays import services as workdays

    event = verified_event(city, scene, when=at(2025, 9, 25, 15))
    admin = UserFactory(role="admin", unit=None)
    workdays.calendar_day_set(actor=admin, day=date(2025, 9, 19), kind="holiday", name="临时休假")
    event.refresh_from_db()
    assert event.catalog_due == date(2025, 9, 18)
    event = services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 19, 0, 0))
    assert (event.catalog_late, event.catalog_late_workdays) == (True, 0)
    assert "2025-09-19（休息日）报送，已逾期" in services.catalog_warning(event, date(2025, 9, 25))


def test_an_unreported_catalog_past_its_due_day_is_shown_late(city, scene):
    event = verified_event(city, scene, when=at(2025, 10, 13, 15))
    assert services.catalog_state(event, date(2025, 9, 30)) == ("09-30前报送", False)
    assert services.catalog_state(event, date(2025, 10, 1)) == ("逾期未报", True)
    assert services.catalog_warning(event, date(2025, 10, 1)).endswith("2025-10-01（休息日）尚未报送，已逾期")


def run_to_held(city, event):
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    verify_all(city, event)
    services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 26))
    items = list(event.items.order_by("pk"))
    services.event_review(
        actor=city.leader,
        event_id=event.pk,
        proposals={i.pk: "建议现场研究，由职能部门提出解决方案" for i in items},
        now=at(2025, 9, 29),
    )
    services.event_approve(
        actor=city.mayor, event_id=event.pk, item_ids=[i.pk for i in items], now=at(2025, 9, 30)
    )
    services.event_notify(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 30, 15))
    services.event_hold(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 13, 17))
    return items


def test_the_deputy_reviews_and_the_chair_approves_no_one_else(city, collected):
    event, _, _ = collected
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    verify_all(city, event)
    services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 26))
    proposals = {i.pk: "建议现场研究" for i in event.items.all()}
    for person in (city.mayor, city.leader2, city.hub_gxj, city.head):
        with pytest.raises(Forbidden):
            services.event_review(actor=person, event_id=event.pk, proposals=proposals, now=at(2025, 9, 29))
    with pytest.raises(ServiceError):
        services.event_review(actor=city.leader, event_id=event.pk, proposals={}, now=at(2025, 9, 29))
    services.event_review(actor=city.leader, event_id=event.pk, proposals=proposals, now=at(2025, 9, 29))
    ids = list(proposals)
    for person in (city.leader, city.exec_leader, city.hub_gxj):
        with pytest.raises(Forbidden):
            services.event_approve(actor=person, event_id=event.pk, item_ids=ids, now=at(2025, 9, 30))
    event = services.event_approve(actor=city.mayor, event_id=event.pk, item_ids=ids[:1], now=at(2025, 9, 30))
    assert event.status == EventStatus.APPROVED
    assert list(event.items.filter(in_final_list=True).values_list("pk", flat=True)) == ids[:1]


def test_notices_go_to_department_heads_and_enterprise_principals(
    city, collected, django_capture_on_commit_callbacks
):
    event, picked, _ = collected
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    verify_all(city, event)
    services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 26))
    items = list(event.items.order_by("pk"))
    services.event_review(
        actor=city.leader, event_id=event.pk, proposals={i.pk: "研究" for i in items}, now=at(2025, 9, 29)
    )
    services.event_approve(
        actor=city.mayor, event_id=event.pk, item_ids=[i.pk for i in items], now=at(2025, 9, 30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_notify(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 30, 15))
    notices = {(n.kind, n.unit_id or n.enterprise_id) for n in event.notices.all()}
    assert notices == {
        (NoticeKind.DEPARTMENT, city.units.gxj.pk),
        (NoticeKind.DEPARTMENT, city.units.swj.pk),
        (NoticeKind.ENTERPRISE, city.enterprise.pk),
        (NoticeKind.ENTERPRISE, city.other_enterprise.pk),
    }
    assert city.head.notifications.filter(kind="event_notice").exists()
    assert city.enterprise_user.notifications.filter(kind="event_notice").exists()
    assert not city.handler.notifications.filter(kind="event_notice").exists()  # heads only
    row = event.notices.get(kind=NoticeKind.ENTERPRISE, enterprise=city.enterprise)
    assert (row.name, row.position, row.phone) == ("林总", "董事长", "13800000011")


def test_an_event_cannot_be_held_before_its_day(city, collected):
    event, _, _ = collected
    services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 17))
    verify_all(city, event)
    services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 26))
    items = list(event.items.all())
    services.event_review(
        actor=city.leader, event_id=event.pk, proposals={i.pk: "研究" for i in items}, now=at(2025, 9, 29)
    )
    services.event_approve(
        actor=city.mayor, event_id=event.pk, item_ids=[i.pk for i in items], now=at(2025, 9, 30)
    )
    services.event_notify(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 30, 15))
    with pytest.raises(ConflictError):
        services.event_hold(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 12))


def test_opinions_make_the_document_then_review_approval_and_assignment_make_tasks(city, collected):
    event, picked, item2 = collected
    items = run_to_held(city, event)
    services.event_record_opinion(
        actor=city.hub_gxj,
        item_id=items[0].pk,
        opinion="由市工信局牵头协调消防部门，30日内完成备案",
        unit_ids=[city.units.gxj.pk, city.units.zjj.pk],
        due_workdays=15,
        now=at(2025, 10, 13, 18),
    )
    with pytest.raises(ConflictError, match="1个问题未录入处理意见"):
        services.event_generate_document(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 14))
    services.event_record_opinion(
        actor=city.hub_gxj,
        item_id=items[1].pk,
        opinion="由市商务局督促园区于年底前完成道路移交",
        unit_ids=[city.units.swj.pk],
        due_date=date(2025, 12, 31),
        now=at(2025, 10, 13, 18),
    )
    event = services.event_generate_document(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 14, 10))
    assert event.status == EventStatus.DOCUMENT_DRAFTED
    assert event.document_number == "榕面对面办〔2025〕1号"

    doc = Document(io.BytesIO(event.document.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "榕城市“面对面”政企交流活动工作专班办公室" in text
    assert "企业诉求事项处理意见" in text and "榕面对面办〔2025〕1号" in text
    # The draft: marked 送审稿, its date left open until the leader approves it.
    assert text.startswith("送审稿\n")
    assert "2025年\u3000\u3000月\u3000\u3000日" in text and "2025年10月14日" not in text
    (table,) = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "企业名称", "诉求事项", "处理意见", "责任单位", "办理时限"]
    assert rows[1] == [
        "1",
        "榕城精密机械有限公司",
        picked.title,
        "由市工信局牵头协调消防部门，30日内完成备案",
        "市工业和信息化局（牵头）、市住房和城乡建设局",
        "自印发之日起15个工作日内",
    ]
    assert rows[2][1:] == [
        "闽江商贸有限公司",
        "物流园区道路未移交导致货车通行受限",
        "由市商务局督促园区于年底前完成道路移交",
        "市商务局",
        "2025年12月31日前",
    ]
    assert len(rows) == 3

    # Reviewed by the deputy (or sent back), approved by the chair; nobody else.
    with pytest.raises(Forbidden):
        services.event_review_document(
            actor=city.mayor, event_id=event.pk, approve=True, now=at(2025, 10, 14, 11)
        )
    with pytest.raises(ServiceError):
        services.event_review_document(
            actor=city.leader, event_id=event.pk, approve=False, note="", now=at(2025, 10, 14, 11)
        )
    services.event_review_document(
        actor=city.leader, event_id=event.pk, approve=True, now=at(2025, 10, 14, 11)
    )
    with pytest.raises(Forbidden):
        services.event_approve_document(actor=city.leader, event_id=event.pk, now=at(2025, 10, 14, 12))
    event = services.event_approve_document(actor=city.mayor, event_id=event.pk, now=at(2025, 10, 14, 12))
    # Approved: dated the day of approval, the working days counted from it.
    doc = Document(io.BytesIO(event.document.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "送审稿" not in text and "2025年10月14日\n" in text
    (table,) = doc.tables
    assert table.rows[1].cells[5].text == "自2025年10月14日起15个工作日内（2025年11月4日前）"
    assert table.rows[2].cells[5].text == "2025年12月31日前"
    with pytest.raises(Forbidden):
        services.event_assign(actor=city.hub, event_id=event.pk, now=at(2025, 10, 15))
    event = services.event_assign(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 15, 9))
    assert event.status == EventStatus.ASSIGNED

    tasks = list(Task.objects.filter(event_item__event=event).order_by("pk"))
    assert [(t.unit, t.is_lead) for t in tasks] == [
        (city.units.gxj, True),
        (city.units.zjj, False),
        (city.units.swj, True),
    ]
    # 15 working days from the document's date, Tuesday 14 October 2025, as it states them
    # (assigned the next day).
    assert tasks[0].due == date(2025, 11, 4)
    assert tasks[0].due_base == date(2025, 10, 14)
    assert tasks[2].due == date(2025, 12, 31)
    timeline = list(picked.transitions.values_list("action", flat=True))
    for action in (
        "coordination.event_collect",
        "coordination.event_verify",
        "coordination.event_list",
        "coordination.event_opinion",
        "coordination.task_assign",
    ):
        assert action in timeline

    # The supervision office sees every task; unit A sees its own, unit B its own.
    assert set(selectors.task_list_for_user(user=city.supervisor)) == set(tasks)
    assert set(selectors.task_list_for_user(user=city.handler)) == {tasks[0]}
    assert set(selectors.task_list_for_user(user=city.outsider)) == {tasks[2]}

    with pytest.raises(ConflictError, match="3项交办任务未办结"):
        services.event_close(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 11, 1))


def test_an_opinion_changed_after_generation_needs_a_new_document(city, collected):
    event, _, _ = collected
    items = run_to_held(city, event)
    for item in items:
        services.event_record_opinion(
            actor=city.hub_gxj,
            item_id=item.pk,
            opinion="办理",
            unit_ids=[item.unit_id],
            due_workdays=10,
            now=at(2025, 10, 13, 18),
        )
    services.event_generate_document(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 14))
    services.event_record_opinion(
        actor=city.hub_gxj,
        item_id=items[0].pk,
        opinion="修改后的意见",
        unit_ids=[items[0].unit_id],
        due_workdays=10,
        now=at(2025, 10, 14, 9),
    )
    event.refresh_from_db()
    assert event.status == EventStatus.HELD


def test_closing_after_every_task_is_done_and_the_satisfaction_summary(city, collected, scene):
    event, picked, _ = collected
    items = run_to_held(city, event)
    for item in items:
        services.event_record_opinion(
            actor=city.hub_gxj,
            item_id=item.pk,
            opinion="办理",
            unit_ids=[item.unit_id],
            due_workdays=10,
            now=at(2025, 10, 13, 18),
        )
    services.event_generate_document(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 14))
    services.event_review_document(
        actor=city.leader, event_id=event.pk, approve=True, now=at(2025, 10, 14, 1)
    )
    services.event_approve_document(actor=city.mayor, event_id=event.pk, now=at(2025, 10, 14, 2))
    services.event_assign(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 15))
    for task in Task.objects.filter(event_item__event=event):
        actor = city.handler if task.unit == city.units.gxj else city.outsider
        services.task_report_done(actor=actor, task_id=task.pk, note="已办结并回复企业", now=at(2025, 10, 20))
        services.task_confirm(actor=city.supervisor, task_id=task.pk, now=at(2025, 10, 21))
    # seeds/001 四(八): the tasks are done but neither appeal is 办结 — each is carried on.
    with pytest.raises(ConflictError, match="还有2个问题的诉求尚未办结"):
        services.event_close(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 22))
    for item in items:
        services.event_carry_on(
            actor=city.hub_gxj,
            event_id=event.pk,
            item_id=item.pk,
            carry_on_reason="需上级部门审批，转入常态化办理",
            now=at(2025, 10, 21, 16),
        )
    event = services.event_close(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 22))
    assert event.status == EventStatus.CLOSED
    assert all(t.status == TaskStatus.DONE for t in Task.objects.filter(event_item__event=event))
    summary = selectors.event_satisfaction(event)
    assert (summary.total, summary.rated, summary.rate) == (2, 0, None)


def test_the_task_force_is_seven_plus_the_departments_the_list_touches(city, collected):
    event, _, _ = collected
    force = selectors.task_force_for(event)
    assert [u.code for u in force.seven] == ["GXJ", "FGW", "RSJ", "ZRJ", "SWJ", "XZFW", "GSL"]
    assert force.n_units == []  # GXJ and SWJ verify: both among the seven
    items = run_to_held(city, event)
    services.event_record_opinion(
        actor=city.hub_gxj,
        item_id=items[0].pk,
        opinion="住建、鼓楼区配合",
        unit_ids=[city.units.gxj.pk, city.units.zjj.pk, city.units.glq.pk],
        due_workdays=10,
        now=at(2025, 10, 13, 18),
    )
    force = selectors.task_force_for(event)
    assert [u.code for u in force.n_units] == ["ZJJ", "GLQ"] or {u.code for u in force.n_units} == {
        "ZJJ",
        "GLQ",
    }
    assert force.label == "7+2"
    assert force.leaders[1][2] == city.leader  # 常务副组长: the event's deputy, a vice mayor


def test_who_sees_an_event(city, collected):
    event, _, _ = collected
    for person in (
        city.hub,
        city.hub_gxj,
        city.supervisor,
        city.leader,
        city.mayor,
        city.handler,
        city.outsider,
    ):
        assert selectors.event_get_for_user(user=person, event_id=event.pk) == event
    for person in (city.glq_handler, city.enterprise_user, city.clerk):
        with pytest.raises(AccessDenied):
            selectors.event_get_for_user(user=person, event_id=event.pk)
