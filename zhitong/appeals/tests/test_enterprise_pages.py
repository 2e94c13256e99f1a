"""The enterprise's own list (我的诉求) and its API answers: its appeals only, by public
stage, counted as the home page counts them, without the staff's lights, flags, filters or
export; its moves (the rating) through the same endpoint; constant query counts."""

import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal

from .conftest import pdf

pytestmark = pytest.mark.django_db

LIST = reverse("appeals:workbench")


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def api(client, user, path, **params):
    _, raw = ApiToken.issue(user=user, name="测试")
    return client.get(f"/api/v1/appeals{path}", params, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def mine(city, flow):
    """The city's enterprise's appeals in four stages, and another enterprise's appeal."""
    appeals = {
        "materials": flow.to(Status.MATERIALS_PENDING, title="补正材料的诉求"),
        "handling": flow.to(Status.IN_PROGRESS, title="办理中的诉求"),
        "answered": flow.to(Status.VERIFIED, title="待评价的诉求"),
        "closed": flow.to(Status.CLOSED, title="已办结的诉求"),
    }
    appeals["theirs"] = flow.intake(enterprise_id=city.other_enterprise.pk, title="别家企业的诉求")
    return appeals


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------


def test_the_enterprise_list_shows_its_own_appeals_as_cards_with_stage_and_deadline(client, city, mine):
    client.force_login(city.enterprise_user)
    response = client.get(LIST)
    page = html(response)
    assert "appeals/enterprise/list.html" in [t.name for t in response.templates]
    for key in ("materials", "handling", "answered", "closed"):
        assert mine[key].code in page
    assert mine["theirs"].code not in page
    assert page.count('data-testid="appeal-stage"') == 4
    assert page.count('data-testid="appeal-deadline"') == 4
    assert f'办理期限</span> <span class="zt-date">{mine["handling"].handling_due:%Y-%m-%d}' in page


def test_the_enterprise_list_has_no_staff_lights_flags_filters_or_export(client, city, mine):
    Appeal.objects.filter(pk=mine["handling"].pk).update(is_problem=True, exemption_status="approved")
    client.force_login(city.enterprise_user)
    page = html(client.get(LIST))
    for staff_only in ("问题诉求", "不纳入考核", "红灯", "导出Excel", "待企业评价", "首问", "配合："):
        assert staff_only not in page, staff_only
    # A hand-made export link is the list, not a spreadsheet of internal columns.
    response = client.get(LIST, {"export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")


def test_the_staff_workbench_is_unchanged_for_the_handler(client, city, mine):
    client.force_login(city.handler)
    response = client.get(LIST)
    assert "appeals/workbench.html" in [t.name for t in response.templates]
    assert "导出Excel" in html(response)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [("", 4), ("open", 3), ("materials", 1), ("handling", 1), ("answered", 1), ("closed", 1), ("bogus", 4)],
)
def test_each_stage_tab_counts_what_it_lists(client, city, mine, stage, expected):
    client.force_login(city.enterprise_user)
    response = client.get(LIST, {"stage": stage})
    page = html(response)
    assert len(response.context["rows"]) == expected
    counts = {value: n for value, _label, n in response.context["tabs"]}
    assert counts[stage if stage != "bogus" else ""] == expected
    assert page.count('data-testid="appeal-stage"') == expected


def test_the_home_counts_link_to_the_lists_they_count(client, city, mine):
    client.force_login(city.enterprise_user)
    response = client.get(reverse("home"))
    page = html(response)
    figures = response.context["counts"]
    counts, urls = {c.key: c.value for c in figures}, {c.key: c.url for c in figures}
    assert counts == {"total": 4, "open": 3, "to_rate": 1, "closed": 1}
    for key, n in counts.items():
        assert f'href="{urls[key]}"' in page.replace("&amp;", "&")
        listed = client.get(urls[key]).context["rows"]
        assert len(listed) == n, key
    assert page.count('data-testid="appeal-stage"') == 4


def test_the_search_finds_by_title_within_the_enterprises_own(client, city, mine):
    client.force_login(city.enterprise_user)
    response = client.get(LIST, {"q": "诉求"})
    assert {r.appeal.pk for r in response.context["rows"]} == {
        mine[k].pk for k in ("materials", "handling", "answered", "closed")
    }
    response = client.get(LIST, {"q": "别家企业"})
    assert response.context["rows"] == []


def test_the_enterprise_rates_from_its_own_page(client, city, mine):
    appeal = mine["answered"]
    client.force_login(city.enterprise_user)
    response = client.post(
        reverse("appeals:move", args=[appeal.pk, "rate"]),
        {"rate-expected_version": appeal.version, "rate-rating": 5, "rate-comment": "很满意"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    page = html(client.get(response["Location"]))
    assert 'data-testid="appeal-stage">已办结<' in page
    assert "已评价，诉求办结" in page


def test_a_refused_rating_is_shown_again_on_the_enterprise_page(client, city, mine):
    appeal = mine["answered"]
    client.force_login(city.enterprise_user)
    response = client.post(
        reverse("appeals:move", args=[appeal.pk, "rate"]),
        {"rate-expected_version": appeal.version, "rate-rating": 1, "rate-comment": ""},
    )
    assert response.status_code == 400
    assert "appeals/enterprise/detail.html" in [t.name for t in response.templates]
    assert "请填写不满意的原因" in response.content.decode()


def test_another_enterprises_appeal_is_404_on_the_page_and_the_api(client, city, mine):
    client.force_login(city.enterprise_user)
    assert client.get(reverse("appeals:detail", args=[mine["theirs"].pk])).status_code == 404
    assert api(client, city.enterprise_user, f"/{mine['theirs'].pk}").status_code == 404


def _count(client, url) -> int:
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_enterprise_list_and_detail_cost_the_same_for_few_or_many(client, city, flow):
    client.force_login(city.enterprise_user)
    first = flow.to(Status.CLOSED)
    small = (_count(client, LIST), _count(client, reverse("appeals:detail", args=[first.pk])))
    for _ in range(6):
        flow.to(Status.VERIFIED)
    long = flow.to(Status.IN_PROGRESS)
    for i in range(10):
        flow.move(long, "add_progress", city.handler, note=f"第{i}次进展")
    flow.move(long, "resolve", city.handler, resolution="已办结。", evidence_files=[pdf()])
    flow.move(long, "verify", city.hub)
    flow.move(long, "rate", city.enterprise_user, rating=5)
    large = (_count(client, LIST), _count(client, reverse("appeals:detail", args=[long.pk])))
    assert small == large


# ---------------------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------------------


def test_the_api_lists_the_enterprises_own_appeals_in_its_shape(client, city, mine):
    r = api(client, city.enterprise_user, "")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4
    assert {i["code"] for i in body["items"]} == {
        mine[k].code for k in ("materials", "handling", "answered", "closed")
    }
    item = next(i for i in body["items"] if i["id"] == mine["handling"].pk)
    assert item["audience"] == "enterprise"
    assert (item["stage"], item["stage_label"]) == ("handling", "办理中")
    assert (item["deadline_label"], item["deadline"]) == (
        "办理期限",
        f"{mine['handling'].handling_due:%Y-%m-%d}",
    )
    for staff_key in ("status", "light", "is_problem", "exemption_status", "received_unit", "clock_due"):
        assert staff_key not in item


@pytest.mark.parametrize(("stage", "expected"), [("open", 3), ("answered", 1), ("closed", 1)])
def test_the_api_filters_the_enterprises_list_by_stage(client, city, mine, stage, expected):
    body = api(client, city.enterprise_user, "", stage=stage).json()
    assert body["count"] == len(body["items"]) == expected


@pytest.mark.parametrize(
    ("param", "value"), [("status", "escalated"), ("light", "red"), ("is_problem", "true")]
)
def test_the_api_refuses_staff_filters_to_an_enterprise(client, city, mine, param, value):
    r = api(client, city.enterprise_user, "", **{param: value})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid"
    assert "企业用户" in r.json()["message"]


def test_the_api_refuses_an_unknown_stage(client, city, mine):
    r = api(client, city.hub, "", stage="bogus")
    assert r.status_code == 400


def test_staff_get_their_shape_and_may_filter_by_stage_too(client, city, mine):
    body = api(client, city.hub, "", stage="answered").json()
    assert [i["id"] for i in body["items"]] == [mine["answered"].pk]
    assert body["items"][0]["audience"] == "staff"
    assert body["items"][0]["status"] == Status.VERIFIED


def test_the_enterprise_rates_through_the_api_and_gets_its_shape_back(client, city, flow, mine):
    appeal = mine["answered"]
    _, raw = ApiToken.issue(user=city.enterprise_user, name="测试")
    with time_machine.travel(flow.tick(), tick=False):  # after the flow's last step
        r = client.post(
            f"/api/v1/appeals/{appeal.pk}/moves/rate",
            json.dumps({"expected_version": appeal.version, "data": {"rating": 4}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["audience"], body["stage"]) == ("enterprise", "closed")
    assert body["timeline"][-1]["label"] == "已评价，诉求办结"
    assert "received_by" not in body


def test_the_duplicate_lookup_is_refused_to_an_enterprise_and_open_to_staff(client, city, mine):
    params = {"enterprise_id": city.enterprise.pk, "title": "办理中的诉求"}
    refused = api(client, city.enterprise_user, "/duplicates", **params)
    assert refused.status_code == 403  # the one gate: can_register_appeals
    assert refused.json()["message"] == "仅登记诉求的人员可以使用登记查重"
    r = api(client, city.clerk, "/duplicates", **params)
    assert r.status_code == 200
    assert all(i["audience"] == "staff" for i in r.json())
