"""Every move of the event's table (machines/events.py), allowed for its actors and refused
(403) for everyone else; stale versions (409); the history rows; the page and the API
dispatching through the table.

The parameters come from EVENT.moves: a move added to the table without an entry in SETUP
below fails `test_every_move_has_a_test_setup` and its parametrized case."""

import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.common.transitions import state_changes
from zhitong.coordination import services
from zhitong.coordination.choices import EventStatus, Verification
from zhitong.coordination.machines.events import CHAIR, DEPUTY, EVENT, HUB, OFFICE, SUPERVISOR
from zhitong.coordination.models import Event, Task
from zhitong.core.errors import ConflictError, Forbidden

from .conftest import at
from .test_api import BASE
from .test_events import new_event, verify_all

pytestmark = pytest.mark.django_db

S = EventStatus

# Who holds each relation to the events of these tests (new_event: the GXJ hub opens it,
# leader is the deputy, mayor the chair).
PEOPLE = ("hub_gxj", "hub", "leader", "mayor", "leader2", "supervisor", "handler", "head", "enterprise_user")
HOLDER = {OFFICE: "hub_gxj", DEPUTY: "leader", CHAIR: "mayor"}


def _opinions(city, event):
    for item in event.items.filter(in_final_list=True):
        services.event_record_opinion(
            actor=city.hub_gxj,
            item_id=item.pk,
            opinion="限期办理",
            unit_ids=[item.unit_id],
            due_workdays=10,
            now=at(2025, 10, 13, 18),
        )


def _tasks_done(city, event):
    for task in Task.objects.filter(event_item__event=event):
        actor = city.handler if task.unit == city.units.gxj else city.outsider
        services.task_report_done(actor=actor, task_id=task.pk, note="已办结", now=at(2025, 10, 20))
        services.task_confirm(actor=city.supervisor, task_id=task.pk, now=at(2025, 10, 21))


def _ids(event):
    return [i.pk for i in event.items.order_by("pk")]


def _carry_on_all(city, event):
    """seeds/001 四(八): the appeals of these tests are not 办结; each is carried on explicitly."""
    for item in event.items.filter(in_final_list=True).order_by("pk"):
        services.event_carry_on(
            actor=city.hub_gxj,
            event_id=event.pk,
            item_id=item.pk,
            carry_on_reason="涉及规划调整，转入常态化办理",
            now=at(2025, 10, 21, 15),
        )


def _first_final(event):
    return event.items.filter(in_final_list=True).order_by("pk").first().pk


# The stages an event goes through in these tests, in order: (name, what gets it there).
STAGES = [
    ("start_verification", lambda c, e: services.event_start_verification(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 9, 17))),
    ("verified", verify_all),
    ("submit_catalog", lambda c, e: services.event_submit_catalog(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 9, 26))),
    ("review", lambda c, e: services.event_review(actor=c.leader, event_id=e.pk, proposals={i: "研究" for i in _ids(e)}, now=at(2025, 9, 29))),
    ("approve", lambda c, e: services.event_approve(actor=c.mayor, event_id=e.pk, item_ids=_ids(e), now=at(2025, 9, 30))),
    ("notify", lambda c, e: services.event_notify(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 9, 30, 15))),
    ("hold", lambda c, e: services.event_hold(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 10, 13, 17))),
    ("opinions", _opinions),
    ("generate_document", lambda c, e: services.event_generate_document(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 10, 14))),
    ("review_document", lambda c, e: services.event_review_document(actor=c.leader, event_id=e.pk, now=at(2025, 10, 14, 11))),
    ("approve_document", lambda c, e: services.event_approve_document(actor=c.mayor, event_id=e.pk, now=at(2025, 10, 14, 12))),
    ("assign", lambda c, e: services.event_assign(actor=c.hub_gxj, event_id=e.pk, now=at(2025, 10, 15))),
    ("tasks_done", _tasks_done),
    ("settled", _carry_on_all),
]  # fmt: skip


def advance(city, event, *, through: str | None):
    """Run the stages up to and including `through` (None: none)."""
    if through is None:
        return event
    for name, step in STAGES:
        step(city, event)
        if name == through:
            break
    return Event.objects.get(pk=event.pk)


# move → (the last stage before it, its data for the event, its `now`)
SETUP = {
    "reschedule": (None, lambda e: {"scheduled_at": at(2025, 10, 20, 15), "place": "会议中心"}, at(2025, 9, 16, 12)),
    "start_verification": (None, lambda e: {}, at(2025, 9, 17)),
    "submit_catalog": ("verified", lambda e: {}, at(2025, 9, 26)),
    "review": ("submit_catalog", lambda e: {"proposals": {i: "建议现场研究" for i in _ids(e)}, "note": ""}, at(2025, 9, 29)),
    "approve": ("review", lambda e: {"item_ids": _ids(e)[:1], "note": "同意"}, at(2025, 9, 30)),
    "notify": ("approve", lambda e: {}, at(2025, 9, 30, 15)),
    "hold": ("notify", lambda e: {}, at(2025, 10, 13, 17)),
    "generate_document": ("opinions", lambda e: {}, at(2025, 10, 14)),
    "withdraw_document": ("generate_document", lambda e: {"note": "意见需调整"}, at(2025, 10, 14, 10)),
    "review_document": ("generate_document", lambda e: {"note": ""}, at(2025, 10, 14, 11)),
    "return_document": ("generate_document", lambda e: {"reason": "第2项时限不明确"}, at(2025, 10, 14, 11)),
    "approve_document": ("review_document", lambda e: {"note": ""}, at(2025, 10, 14, 12)),
    "assign": ("approve_document", lambda e: {}, at(2025, 10, 15)),
    "carry_on": ("tasks_done", lambda e: {"item_id": _first_final(e), "carry_on_reason": "待国家政策明确"}, at(2025, 10, 22)),
    "close": ("settled", lambda e: {}, at(2025, 10, 22)),
}  # fmt: skip


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api():
    def client_for(user):
        _, raw = ApiToken.issue(user=user, name="测试")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return lambda method, path, data=None: getattr(c, method)(
            BASE + path,
            *(() if method == "get" else (json.dumps(data or {}),)),
            content_type="application/json",
        )

    return client_for


@pytest.fixture
def event(city, scene):
    """An event with two problems (GXJ's and SWJ's), collecting."""
    picked = scene.appeal(project=city.project)
    event = new_event(city)
    services.event_add_appeals(
        actor=city.hub_gxj, event_id=event.pk, appeal_ids=[picked.pk], now=at(2025, 9, 16)
    )
    services.event_register_problem(
        actor=city.hub_gxj,
        event_id=event.pk,
        enterprise=city.other_enterprise,
        title="物流园区道路未移交",
        description="货车通行受限",
        category=city.category,
        unit=city.units.swj,
        now=at(2025, 9, 16, 10),
    )
    return Event.objects.get(pk=event.pk)


def test_every_move_has_a_service_and_a_test_setup():
    assert EVENT.unserved() == []
    assert set(SETUP) == set(EVENT.moves)


def test_the_relations_of_the_people(city, event):
    expected = {
        "hub_gxj": {OFFICE},
        "hub": {HUB},
        "leader": {DEPUTY},
        "mayor": {CHAIR},
        "leader2": set(),
        "supervisor": {SUPERVISOR},
        "handler": set(),
        "enterprise_user": set(),
    }
    for name, rel in expected.items():
        assert EVENT.relations_of(getattr(city, name), event) == rel, name
    city.hub_gxj.is_active = False
    assert EVENT.relations_of(city.hub_gxj, event) == set()


@pytest.mark.parametrize("name", list(EVENT.moves))
def test_each_move_is_its_actors_and_no_one_elses(city, event, name):
    move = EVENT.moves[name]
    before_stage, data, now = SETUP[name]
    event = advance(city, event, through=before_stage)
    assert event.status in move.sources
    allowed = {HOLDER[a] for a in move.actors}
    for person in PEOPLE:
        if person in allowed:
            continue
        with pytest.raises(Forbidden):
            services.event_move(
                event_id=event.pk, move=name, actor=getattr(city, person), now=now, **data(event)
            )
    assert Event.objects.get(pk=event.pk).version == event.version  # nothing changed
    rows = state_changes(event).count()
    (actor,) = allowed
    result = services.event_move(
        event_id=event.pk,
        move=name,
        actor=getattr(city, actor),
        expected_version=event.version,
        now=now,
        **data(event),
    )
    fresh = Event.objects.get(pk=event.pk)
    assert result.pk == event.pk and fresh.version == event.version + 1
    assert fresh.status == (move.target or event.status)
    last = list(state_changes(event))[-1]
    assert state_changes(event).count() == rows + 1
    assert (last.action, last.from_status, last.to_status, last.actor) == (
        name,
        event.status,
        fresh.status,
        getattr(city, actor),
    )
    # The same move again is refused for the state (unless the status stays or returns).
    if move.target and move.target not in move.sources:
        with pytest.raises(ConflictError):
            services.event_move(
                event_id=event.pk, move=name, actor=getattr(city, actor), now=now, **data(event)
            )


def test_a_stale_version_is_refused(city, event):
    with pytest.raises(ConflictError) as exc:
        services.event_move(
            event_id=event.pk,
            move="start_verification",
            actor=city.hub_gxj,
            expected_version=event.version - 1,
            now=at(2025, 9, 17),
        )
    assert exc.value.code == "stale"
    assert Event.objects.get(pk=event.pk).status == S.COLLECTING


def test_the_guards_give_their_reasons(city, event):
    event = advance(city, event, through="start_verification")
    assert [m.name for m in EVENT.available(city.hub_gxj, event)] == ["reschedule"]  # not submit_catalog
    with pytest.raises(ConflictError, match="还有2个问题未核实"):
        services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 19))
    for item in event.items.all():
        services.event_item_verify(
            actor=city.hub_gxj,
            item_id=item.pk,
            result=Verification.NOT_CONFIRMED,
            note="已解决",
            now=at(2025, 9, 19),
        )
    with pytest.raises(ConflictError, match="没有核实属实的问题"):
        services.event_submit_catalog(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 19))
    empty = new_event(city)
    assert [m.name for m in EVENT.available(city.hub_gxj, empty)] == ["reschedule"]
    with pytest.raises(ConflictError, match="请先收集企业问题"):
        services.event_start_verification(actor=city.hub_gxj, event_id=empty.pk, now=at(2025, 9, 17))


def test_the_history_of_a_whole_event(city, event):
    advance(city, event, through="settled")
    services.event_close(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 10, 22))
    rows = list(state_changes(event))
    assert [r.action for r in rows] == [
        "create",
        "start_verification",
        "submit_catalog",
        "review",
        "approve",
        "notify",
        "hold",
        "generate_document",
        "review_document",
        "approve_document",
        "assign",
        "carry_on",
        "carry_on",
        "close",
    ]
    assert [r.to_status for r in rows][-1] == S.CLOSED
    assert rows[4].data == {"item_ids": _ids(event)} and rows[4].actor == city.mayor


def test_an_opinion_after_the_draft_withdraws_it_with_a_history_row(city, event):
    event = advance(city, event, through="generate_document")
    item = event.items.filter(in_final_list=True).first()
    services.event_record_opinion(
        actor=city.hub_gxj,
        item_id=item.pk,
        opinion="改",
        unit_ids=[item.unit_id],
        due_workdays=5,
        now=at(2025, 10, 14, 9),
    )
    last = list(state_changes(event))[-1]
    assert (last.action, last.from_status, last.to_status) == (
        "withdraw_document",
        S.DOCUMENT_DRAFTED,
        S.HELD,
    )


# -- the page and the API dispatch through the table -------------------------------------------


def test_the_page_shows_the_moves_of_the_user_and_posts_them(city, event, as_user):
    page = as_user(city.hub_gxj).get(reverse("coordination:event_detail", args=[event.pk])).content.decode()
    assert reverse("coordination:event_move", args=[event.pk, "start_verification"]) in page
    assert reverse("coordination:event_move", args=[event.pk, "reschedule"]) in page
    assert "办理记录" in page and "创建活动" in page
    other = as_user(city.hub).get(reverse("coordination:event_detail", args=[event.pk])).content.decode()
    assert "/move/" not in other and "待专班办公室办理" in other
    url = reverse("coordination:event_move", args=[event.pk, "start_verification"])
    with time_machine.travel(at(2025, 9, 17), tick=False):
        assert as_user(city.hub).post(url, {"start_verification-version": event.version}).status_code == 403
        stale = as_user(city.hub_gxj).post(url, {"start_verification-version": event.version - 1})
        assert stale.status_code == 409 and "已被他人更新" in stale.content.decode()
        r = as_user(city.hub_gxj).post(url, {"start_verification-version": event.version})
        assert r.status_code == 302
    assert Event.objects.get(pk=event.pk).status == S.VERIFYING
    assert as_user(city.glq_handler).post(url, {}).status_code == 404  # not visible
    missing = as_user(city.hub_gxj).post(reverse("coordination:event_move", args=[event.pk, "nope"]))
    assert missing.status_code == 404
    page = as_user(city.hub_gxj).get(reverse("coordination:event_detail", args=[event.pk])).content.decode()
    assert "还有2个问题未核实，不能报送目录" in page  # the blocked move says why


def test_the_page_reschedules_with_the_declared_fields(city, event, as_user):
    url = reverse("coordination:event_move", args=[event.pk, "reschedule"])
    bad = as_user(city.hub_gxj).post(url, {"reschedule-version": event.version, "reschedule-place": "x"})
    assert bad.status_code == 400 and "活动时间" in bad.content.decode()
    r = as_user(city.hub_gxj).post(
        url,
        {
            "reschedule-version": event.version,
            "reschedule-scheduled_at": "2025-10-20T15:00",
            "reschedule-place": "x",
        },
    )
    assert r.status_code == 302
    fresh = Event.objects.get(pk=event.pk)
    assert fresh.scheduled_at == at(2025, 10, 20, 15) and fresh.place == "x"


def test_the_api_dispatches_moves(city, event, api):
    office = api(city.hub_gxj)
    path = f"/events/{event.pk}/moves/start_verification"
    with time_machine.travel(at(2025, 9, 17), tick=False):
        assert office("get", f"/events/{event.pk}").json()["moves"] == ["reschedule", "start_verification"]
        r = api(city.leader)("post", path, {"version": event.version})
        assert r.status_code == 403 and r.json()["code"] == "forbidden_move"
        assert api(city.glq_handler)("post", path, {"version": event.version}).status_code == 404
        r = office("post", path, {"version": event.version - 1})
        assert r.status_code == 409 and r.json()["code"] == "stale"
        r = office("post", f"/events/{event.pk}/moves/nope", {"version": event.version})
        assert r.status_code == 409
        assert office("post", path, {}).status_code == 422  # no version: refused before anything
        r = office("post", path, {"version": event.version})
        assert r.status_code == 200 and r.json()["status"] == S.VERIFYING
        r = office("post", path, {"version": r.json()["version"]})
        assert r.status_code == 409 and r.json()["code"] == "illegal_move"
