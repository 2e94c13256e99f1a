"""No appeal leaks through a side door (issue 8): every path that returns or links appeals
— the intake's duplicate panel, the duplicate API, intake's "link as duplicate", the merge
move and its choice list, the duplicates shown on a detail page, the workbench search, the
home page — answers from the user's scope. A unit's staff can neither see nor merge into
another unit's appeal, by page or API; what they cannot see is answered like what does not
exist (404).

The people: the handler of unit A (GXJ, which leads `theirs`), the outsider from unit B
(SWJ), who registered `mine` for the same enterprise about the same matter."""

import json

import pytest
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal

pytestmark = pytest.mark.django_db

TITLE = "新厂房用地规划许可办理受阻"


@pytest.fixture
def theirs(flow, city):
    """Unit A's appeal: registered by the hotline, led by GXJ (the outsider's unit is SWJ)."""
    appeal = flow.to(Status.ASSIGNED, title=TITLE)
    assert appeal.lead_unit == city.units.gxj
    return appeal


@pytest.fixture
def mine(flow, city):
    """The outsider's own registration of the same matter (unit B)."""
    return flow.intake(actor=city.outsider, title=TITLE + "，企业再次来电")


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, **kw):
        _, raw = ApiToken.issue(user=user, name="测试")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kw |= {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(client, method)(f"/api/v1{path}", **kw, **auth)

    return call


def intake_data(city, **kw):
    return {
        "enterprise_id": city.enterprise.pk,
        "category_id": city.category.pk,
        "channel": Channel.HOTLINE,
        "title": TITLE,
        "description": "企业新厂房选址已定，规划许可材料提交一个月未受理。",
    } | kw


def merge_page(client, appeal, into_id):
    return client.post(
        reverse("appeals:move", args=[appeal.pk, "merge"]),
        {"merge-expected_version": appeal.version, "merge-into_id": into_id, "merge-reason": "同一事项"},
    )


def unchanged(*appeals):
    for a in appeals:
        before = (a.status, a.version, a.merged_into_id)
        a.refresh_from_db()
        assert (a.status, a.version, a.merged_into_id) == before
    return True


# -- the intake's duplicate panel and the duplicate API --------------------------------------


def test_the_duplicate_panel_does_not_show_another_units_appeal(client, city, theirs, mine):
    client.force_login(city.outsider)
    page = client.post(
        reverse("appeals:intake_duplicates"),
        {"enterprise_id": city.enterprise.pk, "title": TITLE},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert mine.code in page
    assert theirs.code not in page


def test_the_duplicate_panel_shows_it_to_the_unit_that_handles_it(client, city, theirs):
    client.force_login(city.handler)
    page = client.post(
        reverse("appeals:intake_duplicates"),
        {"enterprise_id": city.enterprise.pk, "title": TITLE},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert theirs.code in page


def test_intake_does_not_hold_up_a_registration_over_another_units_appeal(client, city, theirs):
    client.force_login(city.outsider)
    response = client.post(reverse("appeals:intake"), intake_data(city))
    assert response.status_code == 302  # no "possible duplicate" question: nothing visible
    assert theirs.code not in client.get(response["Location"]).content.decode()


def test_the_duplicate_api_does_not_list_another_units_appeal(api, city, theirs, mine):
    params = {"enterprise_id": city.enterprise.pk, "title": TITLE}
    found = [a["id"] for a in api(city.outsider, "get", "/appeals/duplicates", data=params).json()]
    assert found == [mine.pk]
    found = [a["id"] for a in api(city.handler, "get", "/appeals/duplicates", data=params).json()]
    assert found == [theirs.pk]


def test_the_duplicate_check_by_post_is_scoped_the_same_and_takes_5000_characters(api, city, theirs, mine):
    body = {"enterprise_id": city.enterprise.pk, "title": TITLE, "description": "消防验收备案" * 833 + "迟迟"}
    assert len(body["description"]) == 5000
    found = [a["id"] for a in api(city.outsider, "post", "/appeals/duplicates", body).json()]
    assert found == [mine.pk]
    found = [a["id"] for a in api(city.handler, "post", "/appeals/duplicates", body).json()]
    assert found == [theirs.pk]
    too_long = api(city.handler, "post", "/appeals/duplicates", body | {"description": "长" * 5001})
    assert too_long.status_code == 422 and too_long.json()["field"] == "description"


# -- linking as a duplicate at intake ----------------------------------------------------------


def test_intake_cannot_link_to_another_units_appeal_on_the_page(client, city, theirs):
    client.force_login(city.outsider)
    data = intake_data(city, duplicate_of_id=theirs.pk, duplicates_seen=str(theirs.pk))
    response = client.post(reverse("appeals:intake"), data)
    missing = client.post(reverse("appeals:intake"), data | {"duplicate_of_id": 999_999})
    # Not one of the duplicates offered to this user: refused like an id that does not exist.
    assert response.status_code == missing.status_code == 200
    assert (
        list(response.context["form"].errors) == list(missing.context["form"].errors) == ["duplicate_of_id"]
    )
    assert theirs.code not in response.content.decode()
    assert Appeal.objects.count() == 1  # nothing registered, nothing linked
    assert unchanged(theirs)


def test_intake_linking_to_an_appeal_out_of_sight_is_404_and_registers_nothing(flow, city, theirs):
    from zhitong.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        flow.intake(actor=city.outsider, duplicate_of_id=theirs.pk)
    assert Appeal.objects.count() == 1
    assert unchanged(theirs)


def test_intake_cannot_link_to_another_units_appeal_through_the_api(api, city, theirs):
    r = api(city.outsider, "post", "/appeals", intake_data(city, duplicate_of_id=theirs.pk))
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "对象不存在或您无权访问"}
    assert Appeal.objects.count() == 1
    assert unchanged(theirs)


def test_intake_links_to_an_appeal_of_ones_own_unit(api, city, mine):
    r = api(city.swj_head, "post", "/appeals", intake_data(city, duplicate_of_id=mine.pk))
    assert r.status_code == 201
    assert r.json()["merged_into_id"] == mine.pk


# -- the merge move ------------------------------------------------------------------------------


def test_the_merge_form_offers_only_appeals_the_user_may_see(client, city, theirs, mine):
    client.force_login(city.outsider)
    page = client.get(reverse("appeals:detail", args=[mine.pk])).content.decode()
    assert 'name="merge-into_id"' in page
    assert theirs.code not in page


def test_merging_into_another_units_appeal_on_the_page_is_refused_like_a_missing_one(
    client, city, theirs, mine
):
    client.force_login(city.outsider)
    response = merge_page(client, mine, theirs.pk)
    missing = merge_page(client, mine, 999_999)
    assert response.status_code == missing.status_code == 400  # not one of the offered choices
    errors = [r.context["move_forms"][-1][1].errors for r in (response, missing)]
    assert [set(e) for e in errors] == [{"into_id"}, {"into_id"}]
    assert theirs.code not in response.content.decode()
    assert unchanged(theirs, mine)


def test_the_merge_service_refuses_a_target_out_of_sight_as_missing(flow, city, theirs, mine):
    from zhitong.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        flow.move(mine, "merge", city.outsider, into_id=theirs.pk, reason="同一事项")
    assert unchanged(theirs, mine)


def test_merging_into_another_units_appeal_is_404_through_the_api(api, city, theirs, mine):
    body = {"expected_version": mine.version, "data": {"into_id": theirs.pk, "reason": "同一事项"}}
    r = api(city.outsider, "post", f"/appeals/{mine.pk}/moves/merge", body)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert unchanged(theirs, mine)


def test_a_missing_target_is_answered_the_same_as_one_out_of_sight(api, city, mine):
    body = {"expected_version": mine.version, "data": {"into_id": 999_999, "reason": "同一事项"}}
    r = api(city.outsider, "post", f"/appeals/{mine.pk}/moves/merge", body)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_the_hub_who_sees_both_may_merge_them(api, city, theirs, mine):
    body = {"expected_version": mine.version, "data": {"into_id": theirs.pk, "reason": "同一事项"}}
    r = api(city.hub, "post", f"/appeals/{mine.pk}/moves/merge", body)
    assert r.status_code == 200
    assert r.json()["merged_into_id"] == theirs.pk


# -- what a merge leaves on the detail pages ---------------------------------------------------


def test_a_detail_page_lists_only_the_merged_duplicates_the_user_may_see(client, city, flow, theirs, mine):
    flow.move(mine, "merge", city.hub, into_id=theirs.pk, reason="同一事项")
    link = reverse("appeals:detail", args=[mine.pk])
    client.force_login(city.handler)
    response = client.get(reverse("appeals:detail", args=[theirs.pk]))
    assert response.context["duplicates"] == []
    assert link not in response.content.decode() and mine.title not in response.content.decode()
    client.force_login(city.hub)
    response = client.get(reverse("appeals:detail", args=[theirs.pk]))
    assert response.context["duplicates"] == [mine] and link in response.content.decode()


def test_a_merged_appeal_names_its_master_but_does_not_show_one_out_of_sight(
    client, city, flow, theirs, mine
):
    flow.move(mine, "merge", city.hub, into_id=theirs.pk, reason="同一事项")
    client.force_login(city.outsider)
    page = client.get(reverse("appeals:detail", args=[mine.pk])).content.decode()
    assert theirs.code in page
    assert theirs.title not in page.replace(mine.title, "")
    assert reverse("appeals:detail", args=[theirs.pk]) not in page


# -- lists, search and the home page -------------------------------------------------------------


def test_the_workbench_search_by_code_does_not_find_another_units_appeal(client, api, city, theirs):
    client.force_login(city.outsider)
    response = client.get(reverse("appeals:workbench"), {"q": theirs.code})
    assert reverse("appeals:detail", args=[theirs.pk]) not in response.content.decode()
    assert theirs.title not in response.content.decode()
    r = api(city.outsider, "get", "/appeals", data={"q": theirs.code})
    assert r.json()["count"] == 0
    page = client.get(reverse("appeals:workbench"), {"q": theirs.code, "export": "xlsx"})
    assert theirs.code.encode() not in page.content


def test_the_home_page_does_not_show_another_units_appeal(client, city, theirs, mine):
    client.force_login(city.outsider)
    page = client.get("/").content.decode()
    assert theirs.code not in page


def test_another_units_appeal_is_404_for_detail_and_moves(client, api, city, theirs):
    client.force_login(city.outsider)
    assert client.get(reverse("appeals:detail", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("appeals:move", args=[theirs.pk, "sign"]), {"expected_version": theirs.version}
    )
    assert response.status_code == 404
    assert api(city.outsider, "get", f"/appeals/{theirs.pk}").status_code == 404
    assert unchanged(theirs)
