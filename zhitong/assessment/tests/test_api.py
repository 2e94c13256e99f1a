"""/api/v1/assessment: the pages' scope behind a token."""

import json

import pytest
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.assessment.models import AssessmentMonth, Scheme

from .month_by_hand import make_september

BASE = "/api/v1/assessment"


@pytest.fixture
def api():
    def client_for(user):
        _, raw = ApiToken.issue(user=user, name="测试")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

        def call(method, path, data=None):
            if method == "get":
                return c.get(BASE + path, data or {})
            return c.post(BASE + path, json.dumps(data or {}), content_type="application/json")

        return call

    return client_for


@pytest.fixture
def sep(build):
    return make_september(build)


def test_the_scorecards_are_scoped_like_the_pages(api, people, sep):
    everyone = api(people.supervisor)("get", "/scorecards", {"month": "2025-09"}).json()
    assert {r["unit"] for r in everyone} >= {"鼓楼区", "仓山区", "市商务局"}
    own = api(people.handler)("get", "/scorecards", {"month": "2025-09"}).json()
    assert [r["unit"] for r in own] == ["市工业和信息化局"]
    assert api(people.enterprise_user)("get", "/scorecards", {"month": "2025-09"}).status_code == 403


def test_a_units_scorecard_lists_what_each_number_counted(api, people, sep):
    glq = people.units.glq.pk
    r = api(people.overseer)("get", f"/scorecards/2025-09/units/{glq}")
    assert r.status_code == 200
    body = r.json()
    assert body["values"]["coordinated"] == str(body["counts"]["coordinated"]) == "3"
    assert "五(二)" in body["clauses"]["coordinated"]
    # Every figure links to its list, whose length is the figure.
    for key, url in body["lists"].items():
        listed = api(people.overseer)("get", url.removeprefix(BASE)).json()
        if key in body["counts"]:
            assert len(listed["items"]) == listed["count"] == body["counts"][key], key
        else:
            assert len(listed["numerator"]) == body["rates"][key]["numerator"], key
            assert len(listed["denominator"]) == body["rates"][key]["denominator"], key
    coordinated = api(people.overseer)("get", body["lists"]["coordinated"].removeprefix(BASE)).json()
    assert [e["id"] for e in coordinated["items"]] == [sep["f1"].pk, sep["f2"].pk, sep["f3"].pk]
    lists = f"/scorecards/2025-09/units/{glq}/lists/coordinated"
    assert api(people.handler)("get", lists).status_code == 404  # another unit's
    assert api(people.enterprise_user)("get", lists).status_code == 403
    assert api(people.overseer)("get", f"/scorecards/2025-09/units/{glq}/lists/nonsense").status_code == 400
    assert api(people.handler)("get", f"/scorecards/2025-09/units/{glq}").status_code == 404
    assert api(people.glq_handler)("get", f"/scorecards/2025-09/units/{glq}").status_code == 200


def test_only_the_hub_adds_a_scheme_version(api, people):
    data = {
        "audience": "departments",
        "effective_month": "2025-11",
        "target_score": "65",
        "weights": {"resolved": "30", "response_rate": "10"},
    }
    assert api(people.head)("post", "/schemes", data).status_code == 403
    assert api(people.supervisor)("post", "/schemes", data).status_code == 403
    r = api(people.hub)("post", "/schemes", data)
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["weights"]["reported"] == "0.00"
    assert Scheme.objects.filter(audience="departments").count() == 2
    bad = api(people.hub)("post", "/schemes", {**data, "weights": {"nonsense": "1"}})
    assert bad.status_code in (400, 422) and bad.json()["code"]
    assert api(people.supervisor)("get", "/schemes").status_code == 200
    assert api(people.handler)("get", "/schemes").status_code == 403


def test_only_the_hub_closes_a_month_through_the_api(api, people, sep):
    assert api(people.supervisor)("post", "/months/2025-09/moves/close", {"version": 1}).status_code == 403
    assert api(people.handler)("post", "/months/2025-09/moves/close", {"version": 1}).status_code == 403
    r = api(people.hub)("post", "/months/2025-09/moves/close", {"version": 1, "note": "结账"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and len(r.json()["digest"]) == 64
    again = api(people.hub)("post", "/months/2025-09/moves/close", {"version": 2})
    assert again.status_code == 409
    assert AssessmentMonth.objects.get().status == "closed"
    assert [m["month"] for m in api(people.overseer)("get", "/months").json()] == ["2025-09"]
    assert api(people.head)("get", "/months").status_code == 403
