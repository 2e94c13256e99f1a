"""The API of issue 9: POST /enterprises (add at intake), GET /enterprises/review and
POST /enterprises/{id}/moves/{move} — allowed and denied, errors per the contract
({code, message, field, details}), every status in the OpenAPI document."""

import json

import pytest

from zhitong.api.models import ApiToken
from zhitong.enterprises.choices import Industry, ReviewStatus
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import make_credit_code
from zhitong.organizations.choices import Role

pytestmark = pytest.mark.django_db

CODE = make_credit_code(666_001)


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        _, raw = ApiToken.issue(user=user, name="测试")
        kw = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kw |= {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(client, method)(f"/api/v1/enterprises{path}", **kw)

    return call


@pytest.fixture
def clerk(city, user_with_role):
    return user_with_role(Role.CLERK, unit=city.unit_a, username="clerk")


@pytest.fixture
def hub(user_with_role):
    return user_with_role(Role.HUB, username="hub")


def body(city, **kw):
    return {
        "credit_code": CODE,
        "name": "甲区云帆智能装备有限公司",
        "industry": Industry.MANUFACTURING,
        "location_id": city.unit_a.pk,
    } | kw


def test_a_clerk_adds_an_enterprise_pending_review(api, city, clerk):
    r = api(clerk, "post", "", body(city, address="甲区工业路1号"))
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["review_status"], data["added_at_intake"], data["added_by"]) == (
        "pending",
        True,
        clerk.display_name,
    )
    assert data["credit_code"] == CODE and data["moves"] == []
    assert Enterprise.objects.get(pk=data["id"]).review_status == ReviewStatus.PENDING


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR, Role.OVERSEER, Role.ENTERPRISE])
def test_roles_that_do_not_register_appeals_are_refused_with_403(api, city, user_with_role, role):
    r = api(user_with_role(role), "post", "", body(city))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not Enterprise.objects.filter(credit_code=CODE).exists()


def test_a_wrong_check_character_is_400_on_its_field(api, city, clerk):
    r = api(clerk, "post", "", body(city, credit_code=CODE[:-1] + ("1" if CODE[-1] != "1" else "2")))
    assert r.status_code == 400
    assert r.json()["field"] == "credit_code" and "校验码错误" in r.json()["message"]


def test_a_missing_field_is_422(api, city, clerk):
    r = api(clerk, "post", "", {k: v for k, v in body(city).items() if k != "name"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


def test_a_code_in_the_library_is_409_offering_that_enterprise(api, city, clerk):
    r = api(clerk, "post", "", body(city, credit_code=city.enterprise_b.credit_code))
    assert r.status_code == 409
    data = r.json()
    assert (data["code"], data["field"]) == ("enterprise_exists", "credit_code")
    assert data["details"][0]["id"] == city.enterprise_b.pk


def test_a_similar_name_is_409_until_the_client_says_it_has_seen_it(api, city, clerk):
    r = api(clerk, "post", "", body(city, name=city.enterprise_a.name))
    assert r.status_code == 409
    data = r.json()
    assert data["code"] == "similar_enterprises" and [d["id"] for d in data["details"]] == [
        city.enterprise_a.pk
    ]
    seen = [d["id"] for d in data["details"]]
    r = api(clerk, "post", "", body(city, name=city.enterprise_a.name, similar_seen=seen))
    assert r.status_code == 201


def test_the_review_queue_is_the_keepers(api, city, clerk, hub):
    added = api(clerk, "post", "", body(city)).json()
    r = api(hub, "get", "/review")
    assert r.status_code == 200
    assert r.json()["count"] == 1 and r.json()["items"][0]["id"] == added["id"]
    assert r.json()["items"][0]["moves"] == ["approve", "correct"]
    denied = api(clerk, "get", "/review")
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"


def test_the_hub_approves_and_corrects_through_the_moves(api, city, clerk, hub):
    first = api(clerk, "post", "", body(city)).json()
    r = api(hub, "post", f"/{first['id']}/moves/approve", {"expected_version": first["version"]})
    assert r.status_code == 200 and r.json()["review_status"] == "confirmed"
    assert r.json()["reviewed_by"] == hub.display_name

    second = api(
        clerk, "post", "", body(city, credit_code=make_credit_code(666_002), name="乙区海川食品有限公司")
    )
    second = second.json()
    r = api(
        hub,
        "post",
        f"/{second['id']}/moves/correct",
        {"expected_version": second["version"], "data": {"name": "乙区海川食品股份有限公司"}},
    )
    assert r.status_code == 200 and r.json()["name"] == "乙区海川食品股份有限公司"


def test_a_clerk_may_not_approve_and_a_stale_version_is_409(api, city, clerk, hub):
    added = api(clerk, "post", "", body(city)).json()
    r = api(clerk, "post", f"/{added['id']}/moves/approve", {"expected_version": added["version"]})
    assert r.status_code == 403
    r = api(hub, "post", f"/{added['id']}/moves/approve", {"expected_version": added["version"] + 5})
    assert r.status_code == 409 and r.json()["code"] == "stale"
    r = api(hub, "post", f"/{added['id']}/moves/approve", {})
    assert r.status_code == 422


def test_a_move_on_an_enterprise_out_of_sight_is_404(api, city, clerk):
    # The clerk of district A does not see district B's enterprise at all.
    r = api(clerk, "post", f"/{city.enterprise_b.pk}/moves/approve", {"expected_version": 1})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_a_key_the_move_does_not_take_is_422(api, city, clerk, hub):
    added = api(clerk, "post", "", body(city)).json()
    r = api(hub, "post", f"/{added['id']}/moves/approve", {"expected_version": 1, "data": {"name": "x"}})
    assert r.status_code == 422


def test_the_openapi_document_lists_the_answers(client):
    doc = client.get("/api/v1/openapi.json").json()
    add = doc["paths"]["/api/v1/enterprises"]["post"]["responses"]
    assert {"201", "400", "403", "409", "422"} <= set(add)
    move = doc["paths"]["/api/v1/enterprises/{enterprise_id}/moves/{move}"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(move)
    assert {"200", "403"} <= set(doc["paths"]["/api/v1/enterprises/review"]["get"]["responses"])
    detail = doc["components"]["schemas"]["Error"]["properties"]["details"]["items"]["properties"]
    assert "id" in detail
