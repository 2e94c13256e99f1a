"""The public pages: no sign-in, no personal data, throttled per client address, and the
status lookup that answers a wrong pair exactly as a missing appeal."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals.choices import Status
from zhitong.organizations.models import ServiceWindow
from zhitong.organizations.tests.factories import UnitFactory
from zhitong.public.models import Policy

from .conftest import make_item

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/public/",
    "/public/windows/",
    "/public/commitments/",
    "/public/lookup/",
    "/public/policies/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_visitors_open_every_public_page(client, city, window, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_signed_in_users_open_them_too(client, city, window, path):
    client.force_login(city.outsider)
    assert client.get(path).status_code == 200


def test_the_directory_shows_the_window_and_its_services(client, city, window):
    make_item(city.units.gxj, title="技术改造项目备案", committed=5)
    make_item(city.units.gxj, title="草稿事项", status="draft")
    body = client.get("/public/windows/").content.decode()
    for text in (
        "市工业和信息化局",
        "王建国",
        "企业服务科",
        "0591-87654321",
        "榕城市政务中心三楼",
        "工作日 8:30—17:30",
        "技术改造项目备案",
    ):
        assert text in body
    assert "草稿事项" not in body


def test_the_public_pages_expose_no_personal_data(client, city, window, flow):
    # A window's staff member's own phone, an account's phone, enterprise contacts: none of
    # them is published (only the window's public phone and its leader, seeds/003 三).
    appeal = flow.to(Status.IN_PROGRESS)
    make_item(city.units.gxj, category=city.category)
    Policy.objects.create(title="政策", issuer="市工信局", issued_on=date(2025, 8, 1), summary="要点")
    pages = [client.get(p).content.decode() for p in PUBLIC_PAGES]
    pages.append(
        client.post(
            "/public/lookup/", {"code": appeal.code, "credit_code": city.enterprise.credit_code}
        ).content.decode()
    )
    pages += [
        client.get(p).content.decode() for p in ("/api/v1/public/windows", "/api/v1/public/commitments")
    ]
    for body in pages:
        assert "13912345678" not in body and "李小红" not in body  # window staff
        assert city.handler.phone not in body and city.handler.username not in body
        assert appeal.title not in body and appeal.description not in body
        assert not re.search(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])", body), (
            "a mobile number on a public page"
        )


def test_the_catalog_lists_only_published_items_with_both_limits(client, city):
    make_item(city.units.gxj, title="技术改造项目备案", committed=5, legal=20)
    make_item(city.units.swj, title="撤回的事项", status="withdrawn")
    body = client.get("/public/commitments/").content.decode()
    assert "技术改造项目备案" in body and "承诺 5 个工作日" in body and "法定 20 个工作日" in body
    assert "撤回的事项" not in body
    assert 'data-list-total="1"' in body


def test_the_catalog_exports_what_it_lists(client, city):
    make_item(city.units.gxj, title="技术改造项目备案")
    r = client.get("/public/commitments/export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_hand_edited_catalog_filter_lists_as_if_unset(client, city):
    make_item(city.units.gxj)
    assert 'data-list-total="1"' in client.get("/public/commitments/?unit=abc").content.decode()


# -- throttling --------------------------------------------------------------------------------


def test_too_many_requests_from_one_address_get_a_chinese_429(client, city, settings):
    settings.ZHITONG_PUBLIC_PAGE_LIMIT = 3
    codes = [client.get("/public/commitments/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/public/windows/")
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert "访问过于频繁" in r.content.decode()
    # Another address is not affected.
    assert client.get("/public/windows/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_public_api_is_throttled_too(client, city, settings):
    settings.ZHITONG_PUBLIC_PAGE_LIMIT = 1
    assert client.get("/api/v1/public/commitments").status_code == 200
    r = client.get("/api/v1/public/commitments")
    assert r.status_code == 429 and r.json()["code"] == "throttled"


# -- the status lookup ---------------------------------------------------------------------------


def _answer(body: str) -> str:
    m = re.search(r'<section class="zt-card[^"]*"[^>]*data-testid="lookup-answer">.*?</section>', body, re.S)
    return m.group(0) if m else ""


def test_the_lookup_shows_the_public_stage_and_the_one_deadline(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    body = client.post(
        "/public/lookup/", {"code": appeal.code.lower(), "credit_code": city.enterprise.credit_code}
    ).content.decode()
    answer = _answer(body)
    assert "办理中" in answer and "办理期限" in answer
    assert f"{appeal.handling_due.year}年{appeal.handling_due.month}月{appeal.handling_due.day}日" in answer
    assert city.units.gxj.name not in answer and appeal.title not in answer


def test_a_wrong_pair_and_a_missing_appeal_get_the_same_answer(client, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    wrong = client.post(
        "/public/lookup/", {"code": appeal.code, "credit_code": city.other_enterprise.credit_code}
    )
    missing = client.post(
        "/public/lookup/", {"code": "ZT-2025-999999", "credit_code": city.other_enterprise.credit_code}
    )
    assert wrong.status_code == missing.status_code == 200
    assert _answer(wrong.content.decode()) == _answer(missing.content.decode()) != ""
    assert "未查询到" in _answer(wrong.content.decode())


def test_the_lookup_api_answers_alike_for_wrong_and_missing(api, city, flow):
    appeal = flow.to(Status.IN_PROGRESS)
    ok = api(None, "post", "/lookup", {"code": appeal.code, "credit_code": city.enterprise.credit_code})
    assert ok.status_code == 200 and ok.json()["found"] is True and ok.json()["stage"] == "办理中"
    assert ok.json()["due"] == appeal.handling_due.isoformat()
    wrong = api(
        None, "post", "/lookup", {"code": appeal.code, "credit_code": city.other_enterprise.credit_code}
    )
    missing = api(
        None, "post", "/lookup", {"code": "ZT-2025-999999", "credit_code": city.enterprise.credit_code}
    )
    assert (
        wrong.json()
        == missing.json()
        == {"found": False, "code": "", "stage": "", "deadline_label": "", "due": None, "hint": ""}
    )


def test_the_lookup_is_throttled_per_address(client, city, settings):
    settings.ZHITONG_PUBLIC_LOOKUP_LIMIT = 2
    data = {"code": "ZT-2025-000001", "credit_code": city.enterprise.credit_code}
    codes = [client.post("/public/lookup/", data).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# -- query counts ---------------------------------------------------------------------------------


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_catalog_costs_the_same_queries_for_few_and_many_items(client, city):
    make_item(city.units.gxj)
    few = _queries(client, "/public/commitments/")
    for i in range(8):
        make_item(city.units.swj if i % 2 else city.units.tcj)
    assert _queries(client, "/public/commitments/") == few


def test_the_directory_costs_the_same_queries_for_few_and_many_windows(client, city, window):
    make_item(city.units.gxj)
    few = _queries(client, "/public/windows/")
    for i in range(5):
        unit = UnitFactory(code=f"U{i}", name=f"单位{i}", parent=city.units.root)
        ServiceWindow.objects.create(unit=unit, leader_name="甲", section_name="乙", phone="0591-1")
        make_item(unit)
        make_item(unit)
    assert _queries(client, "/public/windows/") == few


def test_the_policy_list_costs_the_same_queries_for_few_and_many(client, city):
    Policy.objects.create(title="政策0", issuer="市工信局", issued_on=date(2025, 8, 1), summary="要点")
    few = _queries(client, "/public/policies/")
    for i in range(6):
        Policy.objects.create(
            title=f"政策{i + 1}", issuer="市工信局", issued_on=date(2025, 8, 1), summary="要点"
        )
    assert _queries(client, "/public/policies/") == few
