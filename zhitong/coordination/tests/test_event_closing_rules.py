"""seeds/001 四(七)(八): an event is 办结 only when each problem on its list is 办结 — its appeal
resolved and verified — or was explicitly carried on to regular handling (转入常态化办理/继续
跟踪, the `carry_on` move, with a reason, by the event's office); and the enterprises are
asked to rate only an appeal that is 办结 and waits for its rating."""

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.common.transitions import state_changes
from zhitong.coordination import services
from zhitong.coordination.choices import EventStatus, TaskStatus
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.models import Event, EventItem, Task
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import PDF, at
from .test_api import BASE
from .test_events import new_event, run_to_held

pytestmark = pytest.mark.django_db

REASON = "涉及国土空间规划调整，需省厅批复，转入常态化办理"


def _pdf():
    return SimpleUploadedFile("办结报告.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def other_user(city):
    """A user of the second enterprise (the registered problem's)."""
    return UserFactory(
        username="t_ent_other", role=Role.ENTERPRISE, unit=None, enterprise=city.other_enterprise
    )


@pytest.fixture
def collecting(city, scene):
    """An event with two problems (as test_events' `collected`): an open appeal of the
    first enterprise picked (GXJ leads it), one of the second registered on the spot."""
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


@pytest.fixture
def assigned(city, collecting):
    """That event, assigned: a task for each of its two problems."""
    event, picked, item2 = collecting
    items = run_to_held(city, event)
    for item in items:
        services.event_record_opinion(
            actor=city.hub_gxj,
            item_id=item.pk,
            opinion="限期办理并回复企业",
            unit_ids=[item.unit_id],
            due_workdays=10,
            now=at(2025, 10, 13, 18),
        )
    services.event_generate_document(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 14))
    services.event_review_document(
        actor=city.leader, event_id=event.pk, approve=True, now=at(2025, 10, 14, 10)
    )
    services.event_approve_document(actor=city.mayor, event_id=event.pk, now=at(2025, 10, 14, 11))
    services.event_assign(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 15))
    first, second = (EventItem.objects.get(pk=i.pk) for i in items)
    return Event.objects.get(pk=event.pk), first, second


def _tasks_done(city, *items):
    for task in Task.objects.filter(event_item__in=items):
        actor = city.handler if task.unit == city.units.gxj else city.outsider
        services.task_report_done(actor=actor, task_id=task.pk, note="已办结并回复企业", now=at(2025, 10, 20))
        services.task_confirm(actor=city.supervisor, task_id=task.pk, now=at(2025, 10, 20, 15))


def _resolve(city, appeal, *, verify=True, rate=None):
    """The picked appeal (GXJ leads it) resolved, verified, rated — through the appeals app."""
    appeal_services.appeal_move(
        appeal_id=appeal.pk,
        move="resolve",
        actor=city.handler,
        resolution="已协调消防部门完成备案",
        evidence_files=[_pdf()],
        now=at(2025, 10, 20, 10),
    )
    if verify:
        appeal_services.appeal_move(
            appeal_id=appeal.pk, move="verify", actor=city.hub, now=at(2025, 10, 20, 11)
        )
    if rate:
        appeal_services.appeal_move(
            appeal_id=appeal.pk,
            move="rate",
            actor=city.enterprise_user,
            rating=rate,
            now=at(2025, 10, 20, 12),
        )
    return Appeal.objects.get(pk=appeal.pk)


def _carry_on(city, event, item, reason=REASON, *, actor=None, now=None):
    return services.event_carry_on(
        actor=actor or city.hub_gxj,
        event_id=event.pk,
        item_id=item.pk,
        carry_on_reason=reason,
        now=now or at(2025, 10, 21, 10),
    )


def _close(city, event):
    return services.event_close(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 22))


def _kinds(user):
    return list(user.notifications.values_list("kind", flat=True))


# -- the guard of `close` ------------------------------------------------------------------------


def test_done_tasks_do_not_close_an_event_whose_appeals_are_not_resolved(city, assigned):
    event, first, second = assigned
    _tasks_done(city, first, second)
    with pytest.raises(ConflictError, match="还有2个问题的诉求尚未办结") as exc:
        _close(city, event)
    assert exc.value.status == 409
    assert "close" not in [
        m.name for m in EVENT.available(city.hub_gxj, event, today=at(2025, 10, 22).date())
    ]
    assert Event.objects.get(pk=event.pk).status == EventStatus.ASSIGNED


def test_resolved_but_not_verified_is_not_yet_concluded(city, assigned, scene):
    event, first, second = assigned
    _tasks_done(city, first, second)
    _resolve(city, first.appeal, verify=False)  # 已办结待核验: verification may still send it back
    _carry_on(city, event, second)
    with pytest.raises(ConflictError, match="还有1个问题的诉求尚未办结"):
        _close(city, event)
    appeal_services.appeal_move(
        appeal_id=first.appeal_id, move="verify", actor=city.hub, now=at(2025, 10, 21, 11)
    )
    assert _close(city, event).status == EventStatus.CLOSED


def test_open_tasks_still_hold_the_event(city, assigned):
    event, first, second = assigned
    _tasks_done(city, second)
    _resolve(city, first.appeal)
    _carry_on(city, event, second)
    with pytest.raises(ConflictError, match="还有1项交办任务未办结"):
        _close(city, event)


# -- carry on: explicit, with a reason, by the office, through the table ---------------------------


def test_carrying_on_is_recorded_on_the_item_the_history_and_the_appeal(
    city, assigned, other_user, django_capture_on_commit_callbacks
):
    event, first, second = assigned
    with django_capture_on_commit_callbacks(execute=True):
        event = _carry_on(city, event, second, "  " + REASON + " ")
    item = EventItem.objects.get(pk=second.pk)
    assert (item.carried_on_by, item.carried_on_reason) == (city.hub_gxj, REASON)
    assert item.carried_on_at == at(2025, 10, 21, 10)
    row = list(state_changes(event))[-1]
    assert (row.action, row.from_status, row.to_status, row.note) == (
        "carry_on",
        EventStatus.ASSIGNED,
        EventStatus.ASSIGNED,
        REASON,
    )
    assert row.data == {"item_id": item.pk, "appeal_id": item.appeal_id, "appeal_code": item.appeal.code}
    note = item.appeal.transitions.get(action="coordination.event_carry_on")
    assert REASON in note.note and note.actor == city.hub_gxj
    assert item.appeal.status == Status.SUBMITTED  # the appeal goes on in its own workflow
    assert "event_carry_on" in _kinds(other_user) and "event_carry_on" in _kinds(city.supervisor)
    assert "event_rate" not in _kinds(other_user)


def test_carry_on_needs_a_reason_and_an_unsettled_problem_of_the_list(city, assigned, scene):
    event, first, second = assigned
    with pytest.raises(ServiceError) as exc:
        _carry_on(city, event, second, "   ")
    assert (exc.value.status, exc.value.field) == (400, "carry_on_reason")
    with pytest.raises(ServiceError) as exc:
        services.event_carry_on(
            actor=city.hub_gxj, event_id=event.pk, item_id=None, carry_on_reason=REASON, now=at(2025, 10, 21)
        )
    assert exc.value.field == "item_id"
    # An item of another event is not on this one's list.
    other = services.event_create(
        actor=city.hub_gxj,
        title="民营企业家早餐会",
        kind="breakfast",
        scheduled_at=at(2025, 11, 5, 8),
        chair=city.mayor,
        deputy=city.leader,
        now=at(2025, 10, 1),
    )
    stranger = services.event_add_appeals(
        actor=city.hub_gxj,
        event_id=other.pk,
        appeal_ids=[scene.appeal(title="其他问题").pk],
        now=at(2025, 10, 2),
    )
    stranger_item = EventItem.objects.get(event=other)
    with pytest.raises(ServiceError, match="不在本活动的现场研究问题清单中"):
        _carry_on(city, event, stranger_item)
    assert stranger is not None
    # Not a problem twice.
    _carry_on(city, event, second)
    with pytest.raises(ConflictError, match="已于2025-10-21转入常态化办理"):
        _carry_on(city, event, second)
    # Nothing left to carry on: the move is no longer offered, and says why.
    _resolve(city, first.appeal)
    assert "carry_on" not in [
        m.name for m in EVENT.available(city.hub_gxj, event, today=at(2025, 10, 21).date())
    ]
    with pytest.raises(ConflictError, match="均已办结或已转入常态化办理"):
        _carry_on(city, event, first)


def test_a_concluded_appeal_is_not_carried_on(city, assigned):
    event, first, second = assigned
    _resolve(city, first.appeal)
    with pytest.raises(ConflictError, match="已办结，无需转入常态化办理") as exc:
        _carry_on(city, event, first)
    assert exc.value.status == 409
    assert not EventItem.objects.get(pk=first.pk).carried_on_at


def test_only_the_events_office_carries_on(city, assigned):
    event, first, second = assigned
    for person in (city.hub, city.leader, city.mayor, city.supervisor, city.handler, city.enterprise_user):
        with pytest.raises(Forbidden):
            _carry_on(city, event, second, actor=person)
    assert not EventItem.objects.get(pk=second.pk).carried_on_at


def test_carry_on_only_while_the_tasks_are_followed(city, collecting):
    event, _, second = collecting  # nothing assigned yet
    with pytest.raises(ConflictError, match="不能执行“转入常态化办理”"):
        _carry_on(city, event, second)


def test_a_carried_on_problems_tasks_stay_under_supervision_and_do_not_hold_the_event(city, assigned):
    event, first, second = assigned
    _tasks_done(city, first)
    _resolve(city, first.appeal)
    _carry_on(city, event, second)
    event = _close(city, event)
    assert event.status == EventStatus.CLOSED
    (open_task,) = Task.objects.filter(event_item=second)
    assert open_task.status == TaskStatus.ASSIGNED  # still the supervision office's to follow


# -- who is asked to rate (seeds/001 四(八): 办结后提醒企业评价) -----------------------------------


def test_only_an_appeal_that_is_concluded_and_waits_for_its_rating_is_asked(
    city, assigned, other_user, django_capture_on_commit_callbacks
):
    event, first, second = assigned
    _tasks_done(city, first, second)
    _resolve(city, first.appeal)
    _carry_on(city, event, second)
    with django_capture_on_commit_callbacks(execute=True):
        _close(city, event)
    (asked,) = city.enterprise_user.notifications.filter(kind="event_rate")
    assert asked.url == f"/appeals/{first.appeal_id}/"
    assert "event_rate" not in _kinds(other_user)  # carried on: not solved, not asked


def test_an_appeal_already_rated_is_not_asked_again(city, assigned, django_capture_on_commit_callbacks):
    event, first, second = assigned
    _tasks_done(city, first, second)
    assert _resolve(city, first.appeal, rate=5).status == Status.CLOSED
    _carry_on(city, event, second)
    with django_capture_on_commit_callbacks(execute=True):
        _close(city, event)
    assert "event_rate" not in _kinds(city.enterprise_user)


def test_a_merged_duplicate_follows_the_appeal_it_was_merged_into(
    city, assigned, scene, other_user, django_capture_on_commit_callbacks
):
    event, first, second = assigned
    _tasks_done(city, first, second)
    _resolve(city, first.appeal)
    # The registered problem repeats an appeal of the same enterprise, led by SWJ and verified.
    master = scene.appeal(enterprise=city.other_enterprise, lead=city.units.swj, title="物流园区道路移交")
    appeal_services.appeal_move(
        appeal_id=master.pk,
        move="resolve",
        actor=city.outsider,
        resolution="道路已移交",
        evidence_files=[_pdf()],
        now=at(2025, 10, 20, 10),
    )
    appeal_services.appeal_move(
        appeal_id=second.appeal_id,
        move="merge",
        actor=city.hub,
        into_id=master.pk,
        reason="重复",
        now=at(2025, 10, 20, 12),
    )
    with pytest.raises(ConflictError, match="还有1个问题的诉求尚未办结"):
        _close(city, event)  # its master is resolved but not verified yet
    appeal_services.appeal_move(appeal_id=master.pk, move="verify", actor=city.hub, now=at(2025, 10, 21, 9))
    with django_capture_on_commit_callbacks(execute=True):
        _close(city, event)
    (asked,) = other_user.notifications.filter(kind="event_rate")
    assert asked.url == f"/appeals/{master.pk}/"


# -- the page and the API ---------------------------------------------------------------------------


def test_the_page_offers_carry_on_to_the_office_and_refuses_others(city, assigned, client):
    event, first, second = assigned
    _tasks_done(city, first, second)
    url = reverse("coordination:event_detail", args=[event.pk])
    move_url = reverse("coordination:event_move", args=[event.pk, "carry_on"])
    with time_machine.travel(at(2025, 10, 21, 10), tick=False):
        client.force_login(city.hub_gxj)
        page = client.get(url).content.decode()
        assert move_url in page and "转入常态化办理的理由" in page
        assert "还有2个问题的诉求尚未办结" in page  # close is blocked, and says why
        missing = client.post(move_url, {"carry_on-version": event.version, "carry_on-item_id": second.pk})
        assert missing.status_code == 400
        assert 'role="alert">转入常态化办理的理由：请填写此项' in missing.content.decode()
        client.force_login(city.hub)  # another coordinating office: sees the event, may not act
        denied = client.post(
            move_url,
            {
                "carry_on-version": event.version,
                "carry_on-item_id": second.pk,
                "carry_on-carry_on_reason": REASON,
            },
        )
        assert denied.status_code == 403
        client.force_login(city.hub_gxj)
        r = client.post(
            move_url,
            {
                "carry_on-version": event.version,
                "carry_on-item_id": second.pk,
                "carry_on-carry_on_reason": REASON,
            },
        )
        assert r.status_code == 302
        page = client.get(url).content.decode()
    assert "已转入常态化办理，继续跟踪" in page and REASON in page
    assert EventItem.objects.get(pk=second.pk).carried_on_by == city.hub_gxj


def test_the_api_carries_on_and_refuses_the_close_in_chinese(city, assigned):
    event, first, second = assigned
    _tasks_done(city, first, second)

    def call(user, move, data):
        _, raw = ApiToken.issue(user=user, name="测试")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        path = f"{BASE}/events/{event.pk}/moves/{move}"
        return c.post(path, json.dumps(data), content_type="application/json")

    version = Event.objects.get(pk=event.pk).version
    with time_machine.travel(at(2025, 10, 21, 10), tick=False):
        r = call(city.hub_gxj, "close", {"version": version})
        assert r.status_code == 409
        assert r.json()["code"] == "move_not_possible" and "尚未办结" in r.json()["message"]
        r = call(city.hub, "carry_on", {"version": version, "item_id": second.pk, "carry_on_reason": REASON})
        assert r.status_code == 403
        r = call(city.hub_gxj, "carry_on", {"version": version, "item_id": second.pk})
        assert r.status_code == 400 and r.json()["field"] == "carry_on_reason"
        r = call(city.hub_gxj, "carry_on", {"version": version, "item_id": "x", "carry_on_reason": REASON})
        assert r.status_code == 422
        r = call(
            city.hub_gxj, "carry_on", {"version": version, "item_id": second.pk, "carry_on_reason": REASON}
        )
        assert r.status_code == 200
        item = next(i for i in r.json()["items"] if i["id"] == second.pk)
        assert item["carried_on_reason"] == REASON and item["carried_on_at"]
        assert item["appeal_status"] == Status.SUBMITTED
