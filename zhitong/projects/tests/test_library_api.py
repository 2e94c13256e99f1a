"""/api/v1/projects: the same scope, filter form, permissions and services as the pages —
an allowed and a denied case for every operation, and every answer in the OpenAPI document."""

import json
from datetime import date

import pytest

from zhitong.api.models import ApiToken
from zhitong.projects.models import Project, ProjectStage, ProjectStageChange

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/api/v1/projects"


def bearer(user):
    _tok, raw = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def get(client, user, url, **params):
    return client.get(url, params, headers=bearer(user))


def send(client, method, user, url, body):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=bearer(user)
    )


# -- list ---------------------------------------------------------------------------------------


def test_the_list_is_scoped_to_the_caller(client, plib):  # noqa: F811
    body = get(client, plib.handler_a, BASE).json()
    assert body["count"] == 1 and [p["code"] for p in body["items"]] == ["XM-A1"]
    other = get(client, plib.outsider_b, BASE).json()
    assert [p["code"] for p in other["items"]] == ["XM-B1"]
    assert body["items"][0]["total_investment"] == "50000.00"


def test_the_list_reads_the_pages_filters_and_ignores_garbage(client, plib):  # noqa: F811
    hub = plib.hub
    assert [p["code"] for p in get(client, hub, BASE, level="city_major").json()["items"]] == ["XM-A1"]
    assert [p["code"] for p in get(client, hub, BASE, location=plib.unit_b.pk).json()["items"]] == ["XM-B1"]
    assert [p["code"] for p in get(client, hub, BASE, q="冷链").json()["items"]] == ["XM-B1"]
    for garbage in (
        {"stage": "bogus"},
        {"location": "abc"},
        {"leader": "-5"},
        {"green": "perhaps"},
        {"owner": "x"},
    ):
        response = get(client, hub, BASE, **garbage)
        assert response.status_code == 200 and response.json()["count"] == 2, garbage


def test_the_stage_counts_equal_the_lists_they_count(client, plib):  # noqa: F811
    for i, stage in enumerate(ProjectStage.values):
        make_project(f"XM-S{i}", owner=plib.ent_a, lead=plib.unit_a, stage=stage)
    body = get(client, plib.handler_a, BASE).json()
    assert sum(body["stage_counts"].values()) == body["count"] == 8
    for stage, n in body["stage_counts"].items():
        assert get(client, plib.handler_a, BASE, stage=stage).json()["count"] == n


def test_the_list_is_paginated(client, plib):  # noqa: F811
    for i in range(5):
        make_project(f"XM-P{i}", owner=plib.ent_a, lead=plib.unit_a)
    page = get(client, plib.hub, BASE, page=2, page_size=3).json()
    assert page["count"] == 7 and len(page["items"]) == 3 and page["page"] == 2
    assert get(client, plib.hub, BASE, page_size=1000).status_code == 422


def test_the_list_needs_a_token(client, plib):  # noqa: F811
    assert client.get(BASE).status_code == 401


# -- detail -------------------------------------------------------------------------------------


def test_the_detail_is_in_scope_only(client, plib):  # noqa: F811
    url = f"{BASE}/{plib.p_a.pk}"
    body = get(client, plib.head_a, url).json()
    assert body["code"] == "XM-A1" and body["version"] == 0 and body["stage_history"] == []
    assert [m["name"] for m in body["moves"]] == ["start_negotiation"]
    denied = get(client, plib.outsider_b, url)
    assert denied.status_code == 404 and denied.json()["code"] == "not_found"


# -- create -------------------------------------------------------------------------------------


def new(plib, **kw):  # noqa: F811
    body = {
        "code": "XM-API1",
        "name": "甲区储能电池生产基地项目",
        "owner_id": plib.ent_a.pk,
        "location_id": plib.unit_a.pk,
        "lead_unit_id": plib.unit_a.pk,
        "level": "key",
        "total_investment": "20000.5",
        "annual_investment": 5000,
        "planned_start": "2026-06-01",
    }
    body.update(kw)
    return body


def test_the_hub_and_a_lead_unit_enter_a_project(client, plib):  # noqa: F811
    response = send(client, "post", plib.handler_a, BASE, new(plib, stage="construction"))
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "stage"
    response = send(client, "post", plib.handler_a, BASE, new(plib))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["stage"] == "reserve"
        and body["total_investment"] == "20000.50"
        and body["lead_unit_id"] == plib.unit_a.pk
    )
    response = send(client, "post", plib.hub, BASE, new(plib, code="XM-API2", lead_unit_id=plib.unit_b.pk))
    assert response.status_code == 201


def test_others_may_not_enter_a_project_nor_for_another_unit(client, plib):  # noqa: F811
    assert send(client, "post", plib.supervisor, BASE, new(plib)).status_code == 403
    refused = send(client, "post", plib.handler_a, BASE, new(plib, lead_unit_id=plib.unit_b.pk))
    assert refused.status_code == 403 and refused.json()["field"] == "lead_unit"
    assert not Project.objects.filter(code="XM-API1").exists()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"code": "XM-A1"}, 409, "code"),
        ({"owner_id": "ent_b"}, 422, "owner_id"),
        ({"annual_investment": 99999}, 422, "annual_investment"),
        ({"total_investment": "1.234"}, 422, "total_investment"),
        ({"level": "galactic"}, 422, "level"),
        ({"location_id": 9223372036854775807}, 422, "location_id"),
        ({"leader_id": "handler"}, 422, "leader"),
    ],
)
def test_a_refused_project_says_why(client, plib, change, status, field):  # noqa: F811
    ids = {"ent_b": plib.ent_b.pk, "handler": plib.handler_a.pk}
    change = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    response = send(client, "post", plib.handler_a, BASE, new(plib, **change))
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["message"] and (body.get("field") or body["details"][0]["field"]) == field


# -- update -------------------------------------------------------------------------------------


def test_the_lead_unit_edits_with_the_version_it_read(client, plib):  # noqa: F811
    url = f"{BASE}/{plib.p_a.pk}"
    response = send(
        client,
        "patch",
        plib.handler_a,
        url,
        {"version": 0, "name": "甲区新材料产业园一期", "planned_start": None},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "甲区新材料产业园一期" and body["version"] == 1 and body["planned_start"] is None
    assert body["leader_id"] == plib.leader.pk  # left out, kept
    stale = send(client, "patch", plib.hub, url, {"version": 0, "name": "另一个名称"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


def test_the_stage_and_the_lead_unit_are_not_facts_of_an_update(client, plib):  # noqa: F811
    url = f"{BASE}/{plib.p_a.pk}"
    for key, value in (("stage", "operating"), ("lead_unit_id", plib.unit_b.pk)):
        response = send(client, "patch", plib.hub, url, {"version": 0, key: value})
        assert response.status_code == 422 and response.json()["details"][0]["field"] == key
    assert send(client, "patch", plib.hub, url, {"name": "改名"}).status_code == 422  # no version


def test_a_unit_that_sees_but_does_not_lead_may_not_edit_and_an_outsider_gets_404(client, plib):  # noqa: F811
    hosted = make_project("XM-PARK", owner=plib.ent_a, lead=plib.dept, location=plib.park_a)
    assert (
        send(client, "patch", plib.handler_a, f"{BASE}/{hosted.pk}", {"version": 0, "name": "x"}).status_code
        == 403
    )
    assert (
        send(
            client, "patch", plib.outsider_b, f"{BASE}/{plib.p_a.pk}", {"version": 0, "name": "x"}
        ).status_code
        == 404
    )


# -- moves --------------------------------------------------------------------------------------


def test_get_moves_lists_what_the_caller_may_do_now(client, plib):  # noqa: F811
    url = f"{BASE}/{plib.p_a.pk}/moves"
    moves = get(client, plib.handler_a, url).json()
    assert [m["name"] for m in moves] == ["start_negotiation"]
    assert [f["name"] for f in moves[0]["fields"]] == ["on", "note"]
    assert get(client, plib.leader, url).json() == []  # reads the project, moves nothing
    assert get(client, plib.outsider_b, url).status_code == 404


def test_a_move_through_the_api_is_the_stage_tables(client, plib):  # noqa: F811
    url = f"{BASE}/{plib.p_a.pk}/moves/start_negotiation"
    response = send(
        client, "post", plib.handler_a, url, {"version": 0, "on": "2026-01-05", "note": "首次洽谈"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "negotiation"
    row = ProjectStageChange.objects.get(project=plib.p_a)
    assert row.on == date(2026, 1, 5) and row.note == "首次洽谈"
    # Stale, unknown key, unknown move, not the caller's, out of sight.
    assert (
        send(
            client,
            "post",
            plib.handler_a,
            f"{BASE}/{plib.p_a.pk}/moves/sign",
            {"version": 0, "on": "2026-01-06"},
        ).status_code
        == 409
    )
    unknown = send(
        client,
        "post",
        plib.handler_a,
        f"{BASE}/{plib.p_a.pk}/moves/sign",
        {"version": 1, "on": "2026-01-06", "reason": "x"},
    )
    assert unknown.status_code == 422
    assert (
        send(client, "post", plib.handler_a, f"{BASE}/{plib.p_a.pk}/moves/fly", {"version": 1}).status_code
        == 409
    )
    assert (
        send(
            client,
            "post",
            plib.leader,
            f"{BASE}/{plib.p_a.pk}/moves/sign",
            {"version": 1, "on": "2026-01-06"},
        ).status_code
        == 403
    )
    assert (
        send(
            client,
            "post",
            plib.outsider_b,
            f"{BASE}/{plib.p_a.pk}/moves/sign",
            {"version": 1, "on": "2026-01-06"},
        ).status_code
        == 404
    )
    assert (
        send(
            client, "post", plib.handler_a, f"{BASE}/{plib.p_a.pk}/moves/sign", {"on": "2026-01-06"}
        ).status_code
        == 422
    )


# -- the document -------------------------------------------------------------------------------


def test_every_operation_documents_its_answers(client, plib):  # noqa: F811
    doc = client.get("/api/v1/openapi.json").json()
    ops = {
        ("get", "/api/v1/projects"): {"200", "401", "422"},
        ("post", "/api/v1/projects"): {"201", "403", "409", "415", "422"},
        ("get", "/api/v1/projects/{project_id}"): {"200", "404"},
        ("patch", "/api/v1/projects/{project_id}"): {"200", "403", "404", "409", "422"},
        ("get", "/api/v1/projects/{project_id}/moves"): {"200", "404"},
        ("post", "/api/v1/projects/{project_id}/moves/{move}"): {"200", "403", "404", "409", "422"},
    }
    for (method, path), codes in ops.items():
        documented = set(doc["paths"][path][method]["responses"])
        assert codes <= documented, (method, path, codes - documented)
