"""Keeping the catalog (units' staff for their own units, the hub for all) and the policy
library (the hub): pages and API, allowed and denied — handler and head of unit A (工信局),
outsider of unit B (商务局), an enterprise user, anonymous."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.public.choices import CommitmentStatus
from zhitong.public.models import CommitmentItem, Policy

from .conftest import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(city):
    return make_item(city.units.gxj, title="技术改造项目备案", status=CommitmentStatus.DRAFT, committed=5)


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["handler", "head", "hub"])
def test_unit_a_staff_and_the_hub_open_the_item_pages(client, city, draft, who):
    c = _as(client, getattr(city, who))
    for path in (
        "/public/manage/commitments/",
        "/public/manage/commitments/new/",
        f"/public/manage/commitments/{draft.pk}/",
        f"/public/manage/commitments/{draft.pk}/edit/",
        "/public/manage/commitments/import/",
        "/public/manage/commitments/export/",
    ):
        assert c.get(path).status_code == 200, path
    assert "技术改造项目备案" in c.get("/public/manage/commitments/").content.decode()


def test_the_outsider_of_unit_b_sees_no_item_of_unit_a(client, city, draft):
    c = _as(client, city.outsider)
    assert "技术改造项目备案" not in c.get("/public/manage/commitments/").content.decode()
    for path in (f"/public/manage/commitments/{draft.pk}/", f"/public/manage/commitments/{draft.pk}/edit/"):
        assert c.get(path).status_code == 404
    r = c.post(f"/public/manage/commitments/{draft.pk}/move/publish/", {"version": draft.version})
    assert r.status_code == 404
    draft.refresh_from_db()
    assert draft.status == CommitmentStatus.DRAFT


@pytest.mark.parametrize("who", ["enterprise_user", "leader", "supervisor"])
def test_people_who_keep_no_catalog_get_404(client, city, draft, who):
    c = _as(client, getattr(city, who))
    assert c.get("/public/manage/commitments/").status_code == 404
    assert c.get(f"/public/manage/commitments/{draft.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, city, draft):
    for path in (
        "/public/manage/commitments/",
        f"/public/manage/commitments/{draft.pk}/",
        "/public/manage/policies/",
    ):
        r = client.get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_handler_creates_and_publishes_through_the_pages(client, city):
    c = _as(client, city.handler)
    r = c.post(
        "/public/manage/commitments/new/",
        {
            "unit": city.units.gxj.pk,
            "title": "技改备案",
            "category": city.category.pk,
            "legal_days": 10,
            "committed_days": 4,
        },
    )
    item = CommitmentItem.objects.get(title="技改备案")
    assert r.status_code == 302 and item.status == CommitmentStatus.DRAFT and item.category == city.category
    body = c.get(f"/public/manage/commitments/{item.pk}/").content.decode()
    assert 'data-move="publish"' in body
    r = c.post(f"/public/manage/commitments/{item.pk}/move/publish/", {"version": item.version})
    item.refresh_from_db()
    assert item.status == CommitmentStatus.PUBLISHED


def test_the_page_form_says_why_a_committed_limit_over_the_legal_one_is_refused(client, city):
    c = _as(client, city.handler)
    r = c.post(
        "/public/manage/commitments/new/",
        {"unit": city.units.gxj.pk, "title": "技改备案", "legal_days": 10, "committed_days": 11},
    )
    assert r.status_code == 200 and "不得超过法定时限" in r.content.decode()
    assert not CommitmentItem.objects.exists()


def test_the_handler_may_not_create_for_unit_b_by_a_hand_made_post(client, city):
    c = _as(client, city.handler)
    r = c.post(
        "/public/manage/commitments/new/",
        {"unit": city.units.swj.pk, "title": "甲", "legal_days": 10, "committed_days": 5},
    )
    assert r.status_code == 200 and not CommitmentItem.objects.exists()


def test_the_item_list_costs_the_same_queries_for_few_and_many(client, city):
    make_item(city.units.gxj)
    c = _as(client, city.hub)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/public/manage/commitments/").status_code == 200
        return len(ctx.captured_queries)

    c.get("/public/manage/commitments/")  # the first request of a session writes the session
    few = count()
    for i in range(8):
        make_item(city.units.swj if i % 2 else city.units.gxj, category=city.category)
    assert count() == few


# -- the API -----------------------------------------------------------------------------------


def _body(city, **kw):
    return {"unit_id": city.units.gxj.pk, "title": "技改备案", "legal_days": 10, "committed_days": 4} | kw


def test_the_api_creates_a_draft_for_unit_a_staff(api, city):
    r = api(city.handler, "post", "/manage/commitments", _body(city))
    assert r.status_code == 201 and r.json()["status"] == "draft"
    item_id = r.json()["id"]
    r = api(city.head, "post", f"/manage/commitments/{item_id}/moves/publish", {"version": 1})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert [i["title"] for i in api(None, "get", "/commitments").json()] == ["技改备案"]


def test_the_api_refuses_a_committed_limit_over_the_legal_one(api, city):
    r = api(city.handler, "post", "/manage/commitments", _body(city, committed_days=11))
    assert r.status_code == 400 and r.json()["field"] == "committed_days"
    assert r.json()["code"] == "committed_exceeds_legal"


def test_the_api_denies_the_outsider_and_others(api, city, draft):
    assert api(city.outsider, "post", "/manage/commitments", _body(city)).status_code == 403
    assert api(city.outsider, "get", f"/manage/commitments/{draft.pk}").status_code == 404
    r = api(city.outsider, "post", f"/manage/commitments/{draft.pk}/moves/publish", {"version": 1})
    assert r.status_code == 404
    assert api(city.enterprise_user, "get", "/manage/commitments").status_code == 403
    assert api(None, "get", "/manage/commitments").status_code == 401
    assert api(city.outsider, "get", "/manage/commitments").json() == []


def test_the_api_edits_only_drafts_with_the_version(api, city, draft):
    body = _body(city, title="改名", version=draft.version)
    body.pop("unit_id")
    r = api(city.handler, "put", f"/manage/commitments/{draft.pk}", body)
    assert r.status_code == 200 and r.json()["title"] == "改名"
    r = api(city.handler, "put", f"/manage/commitments/{draft.pk}", body)
    assert r.status_code == 409  # stale version


# -- policies --------------------------------------------------------------------------------------


def test_only_the_hub_keeps_the_policy_library(client, city):
    for who in ("handler", "head", "outsider", "enterprise_user"):
        c = _as(client, getattr(city, who))
        assert c.get("/public/manage/policies/").status_code == 404
        assert c.post("/public/manage/policies/new/", {"title": "x"}).status_code == 404
    c = _as(client, city.hub)
    r = c.post(
        "/public/manage/policies/new/",
        {
            "title": "制造业技改补贴",
            "issuer": "市工信局",
            "issued_on": "2025-08-01",
            "industries": ["manufacturing"],
            "sizes": ["above_scale"],
            "summary": "设备投资额的10%",
            "is_published": "on",
        },
    )
    assert r.status_code == 302
    p = Policy.objects.get()
    assert p.industries == ["manufacturing"] and p.sizes == ["above_scale"]


def _policy(title, **kw):
    return Policy.objects.create(
        title=title, issuer="市工信局", issued_on=date(2025, 8, 1), summary="要点", **kw
    )


def test_an_enterprise_sees_the_policies_that_match_it(client, city):
    city.enterprise.above_scale = True
    city.enterprise.save()
    _policy("全体适用")
    _policy("制造业规上", industries=["manufacturing"], sizes=["above_scale"])
    _policy("商贸", industries=["trade"])
    _policy("乡贤企业", tags=["tag_xiangxian"])
    _policy("已过期", valid_until=date(2025, 1, 1))
    _policy("未公开", is_published=False)
    c = _as(client, city.enterprise_user)
    body = c.get("/public/my-policies/").content.decode()
    assert "全体适用" in body and "制造业规上" in body
    for other in ("商贸", "乡贤企业", "已过期", "未公开"):
        assert other not in body
    assert 'data-list-total="2"' in body
    home = c.get("/").content.decode()
    assert 'data-count="policies">2<' in home and "/public/my-policies/" in home
    # The other enterprise (商贸, not above scale) sees its own match.
    c2 = _as(client, city.other_enterprise_user)
    body2 = c2.get("/public/my-policies/").content.decode()
    assert "商贸" in body2 and "制造业规上" not in body2


def test_government_users_have_no_enterprise_policy_page(client, city):
    assert _as(client, city.handler).get("/public/my-policies/").status_code == 404


def test_the_public_policy_list_filters_by_industry_size_and_tag(client, city):
    _policy("全体适用")
    _policy("制造业技改补贴", industries=["manufacturing"])
    _policy("商贸消费券", industries=["trade"])
    body = client.get("/public/policies/?industry=manufacturing").content.decode()
    assert "全体适用" in body and "制造业技改补贴" in body and "商贸消费券" not in body
    body = client.get("/public/policies/?industry=nonsense").content.decode()
    assert 'data-list-total="3"' in body
