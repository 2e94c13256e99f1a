"""Fixtures for the API-wide tests: the coordination tests' small city (its people, frozen
start, media directory) and `world`, one object of every kind the API serves, made through
the real services and the API itself, so every path parameter can name a real object."""

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.coordination.tests import conftest as coordination
from zhitong.coordination.tests.conftest import at
from zhitong.projects.dispatch import services as dispatch_services

# The coordination tests' fixtures, shared: the city, its scenes, frozen start, media directory.
city, scene = coordination.city, coordination.scene
_frozen_start, _media, _fresh_calendar_cache = (
    coordination._frozen_start,
    coordination._media,
    coordination._fresh_calendar_cache,
)


def token_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, path, body):
    r = client.post("/api/v1/coordination" + path, json.dumps(body), content_type="application/json")
    assert r.status_code in (200, 201), r.content
    return r.json()


@pytest.fixture
def world(city, scene):
    """An appeal in progress with an escalation request in September's batch, a meeting with
    an item and the task its opinion assigned, and an event with an item."""
    appeal = scene.appeal(project=city.project)
    request = scene.escalate(appeal, when=at(2025, 9, 3))
    other = scene.appeal(title="园区道路尚未移交，货车通行受限")
    hub, office = token_client(city.hub), token_client(city.hub_gxj)
    meeting = _post(
        hub,
        "/meetings",
        {
            "title": "项目推进协调会",
            "convener_id": city.leader.pk,
            "held_at": "2025-09-01T08:00:00+08:00",
            "unit_ids": [city.units.gxj.pk],
        },
    )
    meeting = _post(hub, f"/meetings/{meeting['id']}/items", {"appeal_ids": [appeal.pk]})
    meeting_item = meeting["items"][0]["id"]
    meeting = _post(
        hub,
        f"/meetings/{meeting['id']}/moves/opinion",
        {
            "version": meeting["version"],
            "item_id": meeting_item,
            "opinion": "工信局牵头办理",
            "unit_ids": [city.units.gxj.pk],
            "due_workdays": 5,
        },
    )
    (task,) = meeting["items"][0]["task_ids"]
    event = _post(
        office,
        "/events",
        {
            "title": "2025年第四季度“面对面”政企交流活动",
            "kind": "quarterly",
            "scheduled_at": "2025-10-13T15:00:00+08:00",
            "chair_id": city.mayor.pk,
            "deputy_id": city.leader.pk,
        },
    )
    event = _post(office, f"/events/{event['id']}/appeals", {"appeal_ids": [other.pk]})
    certification = _county_certification(city, scene, hub)
    roadmap = hub.post(
        f"/api/v1/projects/{city.project.pk}/roadmap",
        json.dumps({"direction": "reverse", "anchor": "2025-12-31", "items": [{"kind": "land"}]}),
        content_type="application/json",
    )
    assert roadmap.status_code == 201, roadmap.content
    # Major projects: a city dispatch session with the project on it, and the quarter's draw.
    session = dispatch_services.dispatch_session_create(
        actor=city.hub, level="city", held_on=at(2025, 9, 1).date(), convener=city.leader
    )
    dispatch_services.dispatch_entry_save(
        actor=city.hub, session_id=session.pk, project_id=city.project.pk, decisions="加快办理施工许可"
    )
    draw = dispatch_services.inspection_draw(
        actor=city.hub, quarter=at(2025, 9, 1).date(), seed="2025Q3", seed_source="测试"
    )
    # A rectification order to GXJ and a finding (supervision, seeds/000 三).
    from zhitong.supervision import services as supervision

    order = supervision.order_issue(
        actor=city.supervisor, unit_id=city.units.gxj.pk, title="超期", requirement="限期整改", workdays=5
    )
    finding = supervision.finding_record(
        actor=city.supervisor,
        unit_id=city.units.gxj.pk,
        month=at(2025, 9, 1).date(),
        points=1,
        clause="三",
        basis="发现",
    )
    return SimpleNamespace(
        order=order.pk,
        finding=finding.pk,
        city=city,
        appeal=appeal,
        request=request,
        month="2025-09",
        meeting=meeting["id"],
        meeting_item=meeting_item,
        task=task,
        event=event["id"],
        event_item=event["items"][0]["id"],
        contact=city.enterprise.contacts.first(),
        certification=certification,
        milestone=roadmap.json()[0]["id"],
        session=session.pk,
        draw=draw.pk,
    )


def _county_certification(city, scene, hub) -> int:
    """A county principal's meeting with an opinion: its month's certification (seeds/000
    五(二)1) is opened for the hub."""
    from zhitong.coordination.models import FactCertification
    from zhitong.organizations.choices import LeaderLevel, Role
    from zhitong.organizations.tests.factories import UserFactory

    leader = UserFactory(role=Role.LEADER, unit=city.units.glq, leader_level=LeaderLevel.COUNTY_PRINCIPAL)
    appeal = scene.appeal(lead=city.units.glq, title="县区协调问题")
    meeting = _post(
        hub,
        "/meetings",
        {"title": "鼓楼区调度会", "convener_id": leader.pk, "held_at": "2025-09-01T08:00:00+08:00"},
    )
    meeting = _post(hub, f"/meetings/{meeting['id']}/items", {"appeal_ids": [appeal.pk]})
    _post(
        hub,
        f"/meetings/{meeting['id']}/moves/opinion",
        {
            "version": meeting["version"],
            "item_id": meeting["items"][0]["id"],
            "opinion": "鼓楼区牵头办理",
            "unit_ids": [city.units.glq.pk],
            "due_workdays": 5,
        },
    )
    return FactCertification.objects.get(unit=city.units.glq).pk
