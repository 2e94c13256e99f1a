"""/api/v1/coordination: the same services behind a token, with the same who-may-do-what."""

import io
import json
from datetime import date

import pytest
import time_machine
from django.test import Client
from docx import Document

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import EscalationStatus
from zhitong.coordination import services
from zhitong.coordination.choices import EventStatus, TaskStatus
from zhitong.core.downloads import content_disposition

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coordination"


@pytest.fixture
def api():
    def client_for(user):
        _, raw = ApiToken.issue(user=user, name="测试")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

        def call(method, path, data=None):
            fn = getattr(c, method)
            if method == "get":
                return fn(BASE + path, data or {})
            return fn(BASE + path, json.dumps(data or {}), content_type="application/json")

        return call

    return client_for


def test_the_batch_through_the_api_and_the_denied_cases(city, scene, api):
    appeal = scene.appeal()
    req = scene.escalate(appeal, when=at(2025, 9, 3))
    hub, handler, leader = api(city.hub), api(city.handler), api(city.leader)
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):
        r = hub("get", "/batches/2025-09")
        assert r.status_code == 200 and r.json()["cutoff"] == "2025-09-10"
        assert [x["id"] for x in r.json()["requests"]] == [req.pk]
        batch_v, req_v = r.json()["version"], r.json()["requests"][0]["version"]
        assert handler("get", "/batches/2025-09").status_code == 403
        assert handler("post", "/batches/2025-09/moves/start_review", {"version": batch_v}).status_code == 403
        v = {"version": req_v}
        assert hub("post", f"/requests/{req.pk}/moves/accept", v).status_code == 409  # not under review yet
        r = hub("post", "/batches/2025-09/moves/start_review", {"version": batch_v})
        assert r.json()["status"] == "under_review"
        batch_v = r.json()["version"]
        assert handler("post", f"/requests/{req.pk}/moves/accept", v).status_code == 403
        assert api(city.outsider)("post", f"/requests/{req.pk}/moves/accept", v).status_code == 404
        assert hub("post", f"/requests/{req.pk}/moves/return", v | {"reason": ""}).status_code == 400
        r = hub(
            "post", f"/requests/{req.pk}/moves/accept", v | {"leader_id": city.leader2.pk, "note": "同意"}
        )
        assert r.status_code == 200 and r.json()["leader"]["id"] == city.leader2.pk
        assert (
            hub("post", "/batches/2025-09/moves/submit", {"version": batch_v}).json()["status"] == "submitted"
        )
    assert leader("get", "/my-batch").json() == []
    (mine,) = api(city.leader2)("get", "/my-batch").json()
    assert mine["status"] == EscalationStatus.SENT_TO_LEADER and mine["problem"] == req.problem
    assert handler("get", "/my-batch").status_code == 403


def test_a_meeting_and_its_tasks_through_the_api(city, scene, api):
    appeal = scene.appeal(project=city.project)
    hub = api(city.hub)
    r = hub(
        "post",
        "/meetings",
        {
            "title": "项目推进协调会",
            "convener_id": city.leader.pk,
            "held_at": "2025-09-01T08:00:00+08:00",
            "unit_ids": [city.units.gxj.pk],
        },
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    assert (
        api(city.handler)(
            "post",
            "/meetings",
            {"title": "x", "convener_id": city.leader.pk, "held_at": "2025-09-01T08:00:00+08:00"},
        ).status_code
        == 403
    )
    r = hub("post", f"/meetings/{mid}/items", {"appeal_ids": [appeal.pk]})
    item_id, version = r.json()["items"][0]["id"], r.json()["version"]
    opinion = {"item_id": item_id, "unit_ids": [city.units.gxj.pk], "due_workdays": 5}
    r = hub(
        "post", f"/meetings/{mid}/moves/opinion", opinion | {"opinion": "工信局牵头办理", "version": version}
    )
    assert r.status_code == 200, r.content
    (task_id,) = r.json()["items"][0]["task_ids"]
    again = opinion | {"opinion": "再来", "version": r.json()["version"]}
    assert hub("post", f"/meetings/{mid}/moves/opinion", again).status_code == 409
    assert api(city.outsider)("get", f"/tasks/{task_id}").status_code == 404
    v = {"version": api(city.handler)("get", f"/tasks/{task_id}").json()["version"]}
    assert api(city.outsider)("post", f"/tasks/{task_id}/moves/done", v | {"note": "x"}).status_code == 404
    r = api(city.handler)("post", f"/tasks/{task_id}/moves/done", v | {"note": "已办结并回复企业"})
    assert r.json()["status"] == TaskStatus.REPORTED
    v = {"version": r.json()["version"]}
    assert api(city.handler)("post", f"/tasks/{task_id}/moves/confirm", v).status_code == 403
    stale = api(city.supervisor)("post", f"/tasks/{task_id}/moves/confirm", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert api(city.supervisor)("post", f"/tasks/{task_id}/moves/nonsense", v).status_code == 409
    assert (
        api(city.supervisor)("post", f"/tasks/{task_id}/moves/confirm", v).json()["status"] == TaskStatus.DONE
    )
    (row,) = api(city.handler)("get", "/annex3", {"month": "2025-09"}).json()
    assert row[6] == "工信局牵头办理" and row[8] == "是"
    assert (
        api(city.handler)("get", "/annex3", {"month": "2025-09", "unit_id": city.units.swj.pk}).status_code
        == 404
    )
    facts = hub("get", "/facts", {"month": "2025-09"}).json()
    assert [(f["counted_as"], f["project"]["id"]) for f in facts] == [("project_problem", city.project.pk)]
    assert api(city.handler)("get", "/facts").status_code == 403


def test_an_event_end_to_end_through_the_api(city, scene, api):
    picked = scene.appeal(project=city.project)
    office, leader, mayor = api(city.hub_gxj), api(city.leader), api(city.mayor)
    r = office(
        "post",
        "/events",
        {
            "title": "2025年第四季度“面对面”政企交流活动",
            "kind": "quarterly",
            "scheduled_at": "2025-10-13T15:00:00+08:00",
            "chair_id": city.mayor.pk,
            "deputy_id": city.leader.pk,
        },
    )
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    assert r.json()["catalog_due"] == "2025-09-30"
    assert api(city.hub)("post", f"/events/{eid}/appeals", {"appeal_ids": [picked.pk]}).status_code == 403
    office("post", f"/events/{eid}/appeals", {"appeal_ids": [picked.pk]})
    r = office(
        "post",
        f"/events/{eid}/problems",
        {
            "enterprise_id": city.other_enterprise.pk,
            "title": "园区道路未移交",
            "description": "货车通行受限",
            "category_id": city.category.pk,
            "unit_id": city.units.swj.pk,
        },
    )
    assert r.status_code == 201
    items = r.json()["items"]

    def move(as_user, name, data=None):
        """A move of the event with the version the caller just read."""
        version = office("get", f"/events/{eid}").json()["version"]
        return as_user("post", f"/events/{eid}/moves/{name}", {"version": version, **(data or {})})

    move(office, "start_verification")
    assert (
        api(city.outsider)(
            "post", f"/event-items/{items[0]['id']}/verify", {"result": "confirmed", "note": "x"}
        ).status_code
        == 403
    )
    api(city.handler)(
        "post", f"/event-items/{items[0]['id']}/verify", {"result": "confirmed", "note": "属实"}
    )
    api(city.outsider)(
        "post", f"/event-items/{items[1]['id']}/verify", {"result": "confirmed", "note": "属实"}
    )
    with time_machine.travel(at(2025, 9, 26), tick=False):
        r = move(office, "submit_catalog")
    assert r.json()["status"] == EventStatus.CATALOG_SUBMITTED and r.json()["catalog_warning"] == ""
    ids = [i["id"] for i in items]
    assert move(mayor, "review", {"proposals": {str(i): "研究" for i in ids}}).status_code == 403
    move(leader, "review", {"proposals": {str(i): "建议现场研究" for i in ids}})
    assert move(leader, "approve", {"item_ids": ids}).status_code == 403
    move(mayor, "approve", {"item_ids": ids})
    move(office, "notify")
    with time_machine.travel(at(2025, 10, 13, 17), tick=False):
        move(office, "hold")
        for i, unit in zip(ids, [city.units.gxj, city.units.swj], strict=True):
            r = office(
                "post",
                f"/event-items/{i}/opinion",
                {"opinion": "限期办理", "unit_ids": [unit.pk], "due_workdays": 10},
            )
            assert r.status_code == 200, r.content
        r = move(office, "generate_document")
        assert r.json()["status"] == EventStatus.DOCUMENT_DRAFTED and r.json()["has_document"]
        move(leader, "review_document", {"note": "同意"})
        move(mayor, "approve_document")
        r = office("post", f"/events/{eid}/moves/assign", {"version": 1})
        assert r.status_code == 409  # a stale version is refused
        r = office("post", f"/events/{eid}/moves/assign", {})
        assert r.status_code == 422  # and one without a version
        r = move(office, "assign")
    assert r.json()["status"] == EventStatus.ASSIGNED and all(i["task_ids"] for i in r.json()["items"])
    doc = api(city.handler)("get", f"/events/{eid}/document")
    assert doc.status_code == 200
    assert doc["Content-Disposition"] == content_disposition(
        "企业诉求事项处理意见_榕城市_2025年10月_榕面对面办〔2025〕1号.docx",
        fallback=f"opinions-{eid}-2025-10.docx",
    )
    table = Document(io.BytesIO(b"".join(doc.streaming_content))).tables[0]
    assert [c.text for c in table.rows[1].cells][1:3] == [city.enterprise.name, picked.title]
    assert api(city.glq_handler)("get", f"/events/{eid}").status_code == 404
    assert services.catalog_due_for(kind="quarterly", scheduled_at=at(2025, 10, 13, 15))[0] == date(
        2025, 9, 30
    )


def test_collecting_corrections_through_the_api(city, scene, api):
    appeal = scene.appeal()
    office = api(city.hub_gxj)
    eid = office(
        "post",
        "/events",
        {
            "title": "早餐会",
            "kind": "breakfast",
            "scheduled_at": "2025-10-13T08:00:00+08:00",
            "chair_id": city.mayor.pk,
            "deputy_id": city.leader.pk,
        },
    ).json()["id"]
    r = office(
        "post",
        f"/events/{eid}/moves/reschedule",
        {"version": 1, "scheduled_at": "2025-10-20T08:00:00+08:00", "place": "市民服务中心"},
    )
    assert r.status_code == 200 and r.json()["scheduled_at"].startswith("2025-10-20")
    (item,) = office("post", f"/events/{eid}/appeals", {"appeal_ids": [appeal.pk]}).json()["items"]
    assert (
        api(city.hub)("post", f"/event-items/{item['id']}/unit", {"unit_id": city.units.swj.pk}).status_code
        == 403
    )
    r = office("post", f"/event-items/{item['id']}/unit", {"unit_id": city.units.swj.pk})
    assert r.json()["items"][0]["unit"]["id"] == city.units.swj.pk
    assert office("delete", f"/event-items/{item['id']}").json()["items"] == []
