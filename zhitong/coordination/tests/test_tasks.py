from datetime import date

import pytest

from zhitong.coordination import selectors, services
from zhitong.coordination.choices import TaskStatus
from zhitong.coordination.models import Task
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(city, scene):
    """A task for GXJ (unit A) from a meeting opinion, due 10 September 2025."""
    appeal = scene.appeal(project=city.project)
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 2, 15), now=at(2025, 9, 1)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="市工信局牵头协调供电公司增容",
        unit_ids=[city.units.gxj.pk],
        due_date=date(2025, 9, 10),
        now=at(2025, 9, 2, 17),
    )
    return Task.objects.get(meeting_item=item)


def test_the_units_staff_report_progress_and_then_completion(city, task):
    services.task_report_progress(
        actor=city.handler, task_id=task.pk, note="已与供电公司对接", now=at(2025, 9, 3)
    )
    # Section staff act for their department.
    services.task_report_progress(
        actor=city.section_handler, task_id=task.pk, note="现场踏勘完成", now=at(2025, 9, 4)
    )
    services.task_report_done(
        actor=city.head, task_id=task.pk, note="增容已完成，已回复企业", now=at(2025, 9, 5)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED and task.last_note == "增容已完成，已回复企业"
    assert [r.kind for r in task.reports.all()] == ["progress", "progress", "done"]
    assert task.appeal.transitions.filter(action="coordination.task_done").exists()


def test_an_outsider_cannot_report_on_another_units_task(city, task):
    for person in (city.outsider, city.swj_head, city.hub, city.leader, city.enterprise_user):
        with pytest.raises(Forbidden):
            services.task_report_progress(actor=person, task_id=task.pk, note="进展", now=at(2025, 9, 3))


def test_a_report_needs_a_note(city, task):
    with pytest.raises(ServiceError):
        services.task_report_done(actor=city.handler, task_id=task.pk, note=" ", now=at(2025, 9, 3))


def test_the_hub_or_the_supervisor_confirms_and_the_unit_may_not(city, task):
    services.task_report_done(actor=city.handler, task_id=task.pk, note="已办结", now=at(2025, 9, 5))
    for person in (city.handler, city.head, city.leader):
        with pytest.raises(Forbidden):
            services.task_confirm(actor=person, task_id=task.pk, now=at(2025, 9, 6))
    services.task_confirm(actor=city.supervisor, task_id=task.pk, note="核实无误", now=at(2025, 9, 8))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.confirmed_by == city.supervisor


def test_a_confirmer_may_send_it_back_with_a_reason(city, task):
    services.task_report_done(actor=city.handler, task_id=task.pk, note="已办结", now=at(2025, 9, 5))
    with pytest.raises(ServiceError):
        services.task_reject(actor=city.hub, task_id=task.pk, reason="", now=at(2025, 9, 6))
    services.task_reject(actor=city.hub, task_id=task.pk, reason="企业反映尚未通电", now=at(2025, 9, 6))
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(ConflictError):
        services.task_confirm(actor=city.hub, task_id=task.pk, now=at(2025, 9, 6))


def test_a_stale_form_is_refused(city, task):
    services.task_report_progress(
        actor=city.handler, task_id=task.pk, note="一", expected_version=task.version, now=at(2025, 9, 3)
    )
    with pytest.raises(ConflictError):
        services.task_report_progress(
            actor=city.head, task_id=task.pk, note="二", expected_version=task.version, now=at(2025, 9, 3)
        )


def test_the_light_turns_yellow_two_working_days_ahead_and_red_when_overdue(city, task):
    # Due Wednesday 10 September 2025.
    assert selectors.task_light(task, date(2025, 9, 5)) == "green"  # Fri: 3 working days left
    assert selectors.task_light(task, date(2025, 9, 8)) == "yellow"  # Mon: 2 left
    assert selectors.task_light(task, date(2025, 9, 10)) == "yellow"
    assert selectors.task_light(task, date(2025, 9, 11)) == "red"
    assert selectors.overdue_workdays(task, date(2025, 9, 15)) == 3
    assert list(selectors.task_filter(Task.objects.all(), light="red", today=date(2025, 9, 11))) == [task]
    assert list(selectors.task_filter(Task.objects.all(), light="yellow", today=date(2025, 9, 8))) == [task]
    assert list(selectors.task_filter(Task.objects.all(), light="red", today=date(2025, 9, 10))) == []


def test_who_sees_a_task(city, task):
    for person in (city.handler, city.head, city.section_handler, city.hub, city.supervisor, city.leader):
        assert selectors.task_get_for_user(user=person, task_id=task.pk) == task
    for person in (city.outsider, city.swj_head, city.enterprise_user, city.clerk):
        with pytest.raises(AccessDenied):
            selectors.task_get_for_user(user=person, task_id=task.pk)


@pytest.mark.parametrize("who", ["handler", "head", "hub", "supervisor"])
def test_the_home_panels_counts_equal_the_task_lists_they_open(city, task, client, who):
    """common.panels protocol: each HomeCount's url, opened by the same user, lists `value` tasks."""
    import time_machine

    from zhitong.coordination.home import home_panels

    user = getattr(city, who)
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):  # past the task's due date: red
        client.force_login(user)
        (panel,) = [p for p in home_panels(user, today=date(2025, 9, 11)) if p.counts]
        figures = {c.label: c.value for c in panel.counts}
        assert figures["未办结"] == 1 and figures["超期"] == 1 and figures["临期"] == 0
        for count in panel.counts:
            page = client.get(count.url)
            assert page.status_code == 200
            assert len(page.context["page"].object_list) == count.value, count
        home = client.get("/").content.decode()
    assert panel.title in home and 'href="/coordination/tasks/?status=open&amp;light=red"' in home


@pytest.mark.parametrize("who", ["leader", "outsider", "enterprise_user"])
def test_no_task_panel_for_those_who_neither_report_nor_confirm(city, task, who):
    from zhitong.coordination.home import home_panels

    panels = home_panels(getattr(city, who), today=date(2025, 9, 11))
    assert not [p for p in panels if p.template == "coordination/_home_tasks.html"]
