"""Issue 9 in a real browser: a 12345 clerk types an appeal with a 5,000-character
description for an enterprise missing from the library, adds the enterprise in the page
(htmx) without losing a character of what was typed, and registers the appeal; the hub finds
the enterprise in its review queue and confirms it. Screenshots of the intake page with the
add panel at 1366 and 390 px (var/screenshots/intake_add_*.png)."""

import pytest
from playwright.sync_api import expect

from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.choices import Industry, ReviewStatus
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import EnterpriseFactory, make_credit_code
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import PASSWORD, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = make_credit_code(314_159)
DESCRIPTION = ("企业新建厂房设备已进场，用电增容报装提交一个月仍未批复，影响投产。" * 160)[:5000]


@pytest.fixture
def town(db):
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    hotline = UnitFactory(code="HOTLINE", name="市12345政务服务便民热线管理办公室", parent=root)
    fgw = UnitFactory(code="FGW", name="市发展和改革委员会", kind=UnitKind.DEPARTMENT, parent=root)
    glq = UnitFactory(code="GLQ", name="鼓楼区", kind=UnitKind.COUNTY, parent=root)
    EnterpriseFactory(name="榕城精密机械有限公司", industry=Industry.MANUFACTURING, location=glq)
    assert Category.objects.filter(code="SCJY").exists(), "categories are seeded by migration 0005"
    return {
        "glq": glq,
        "clerk": UserFactory(username="ix_clerk", full_name="陈晓燕", role=Role.CLERK, unit=hotline),
        "hub": UserFactory(username="ix_hub", full_name="王统筹", role=Role.HUB, unit=fgw),
    }


def sign_in(page, login, username):
    page.goto("about:blank")  # first: see conftest.browser_login
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    assert "/accounts/login/" not in page.url


def test_a_clerk_adds_the_enterprise_in_the_intake_page_and_registers_the_appeal(
    page, login, screenshot, town
):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(page, login, "ix_clerk")
    page.goto("/appeals/intake/")

    # The appeal first, as the caller tells it: its duplicate check posts the whole text.
    page.select_option("#id_category_id", label="生产经营")
    page.select_option("#id_channel", label="12345热线")
    page.fill("#id_title", "新厂房用电增容报装迟迟未批")
    with page.expect_response(lambda r: "/intake/duplicates/" in r.url) as dup:
        page.fill("#id_description", DESCRIPTION)
        page.locator("#id_title").focus()  # the change event of the description
    assert dup.value.status == 200 and dup.value.request.method == "POST"
    page.fill("#id_contact_name", "周经理")

    # The enterprise is not in the library: the clerk adds it in the page.
    page.fill("#id_enterprise_q", "云帆智能")
    expect(page.locator("#ent-results")).to_contain_text("可在下方新增")
    page.locator("#ent-add summary").click()
    page.fill("#id_new-credit_code", CODE[:8] + " " + CODE[8:].lower())  # as read out
    page.fill("#id_new-name", "鼓楼区云帆智能装备有限公司")
    page.select_option("#id_new-industry", label="制造业")
    page.select_option("#id_new-location_id", label="鼓楼区")
    page.fill("#id_new-address", "鼓楼区工业路8号")
    screenshot(page, "intake_add_1366_form")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#ent-add").scroll_into_view_if_needed()
    screenshot(page, "intake_add_390_form")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name="新增企业并选用").click()
    expect(page.locator("#ent-block .zt-msg-success")).to_be_visible()
    expect(page.locator("#ent-block .zt-msg-success")).to_contain_text("鼓楼区云帆智能装备有限公司")
    new = Enterprise.objects.get(credit_code=CODE)
    assert (new.review_status, new.added_by) == (ReviewStatus.PENDING, town["clerk"])
    expect(page.locator(f"#ent-results input[value='{new.pk}']")).to_be_checked()
    # Nothing typed was lost.
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_title")).to_have_value("新厂房用电增容报装迟迟未批")
    expect(page.locator("#id_contact_name")).to_have_value("周经理")
    screenshot(page, "intake_add_1366_added")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "intake_add_390_added")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name="登记诉求").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已登记为 ZT-")
    appeal = Appeal.objects.get()
    assert (appeal.enterprise, len(appeal.description)) == (new, 5000)
    assert failed == []

    # The hub finds it in the review queue and confirms it.
    sign_in(page, login, "ix_hub")
    page.goto("/enterprises/review/")
    row = page.locator(f"#ent-{new.pk}")
    expect(row).to_contain_text("陈晓燕")
    screenshot(page, "intake_review_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "intake_review_390")
    page.set_viewport_size({"width": 1366, "height": 900})
    row.get_by_role("button", name="核实无误").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已核实")
    new.refresh_from_db()
    assert new.review_status == ReviewStatus.CONFIRMED
