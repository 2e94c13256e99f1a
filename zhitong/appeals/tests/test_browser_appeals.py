"""One appeal through the pages in a real browser: registered by a hotline clerk, routed
by the hub from the triage queue, signed, progressed and resolved with a PDF by the lead
unit's handler, verified by the hub. Screenshots of the intake form, the triage queue,
the workbench and the detail page (var/screenshots/appeals_*.png)."""

import re

import pytest
from playwright.sync_api import expect

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, AppealEvidence, Category
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import PASSWORD, UnitFactory, UserFactory

# Transactional (the live server reads committed rows). The rows the migrations seed
# (categories, routing rules, the official calendar) come back after each flush through
# post_migrate, so no serialized_rollback (whose restore clashes with that, order-dependently).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tiny_pdf() -> bytes:
    """A minimal but well-formed one-page PDF (catalog, pages, page, xref, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.fixture
def town(db):
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    units = {
        code: UnitFactory(code=code, name=name, kind=kind, parent=root)
        for code, name, kind in [
            ("FGW", "市发展和改革委员会", UnitKind.DEPARTMENT),
            ("GXJ", "市工业和信息化局", UnitKind.DEPARTMENT),
            ("SWJ", "市商务局", UnitKind.DEPARTMENT),
            ("TCJ", "市投资促进局", UnitKind.DEPARTMENT),
            ("HOTLINE", "市12345政务服务便民热线管理办公室", UnitKind.DEPARTMENT),
            ("GLQ", "鼓楼区", UnitKind.COUNTY),
        ]
    }
    enterprise = EnterpriseFactory(
        name="榕城精密机械有限公司", industry=Industry.MANUFACTURING, location=units["GLQ"]
    )
    ContactFactory(enterprise=enterprise, name="林建国", phone="13905911234")
    EnterpriseFactory(name="榕城精工模具有限公司", industry=Industry.MANUFACTURING, location=units["GLQ"])
    people = {
        "clerk": UserFactory(username="rx_clerk", full_name="陈晓燕", role=Role.CLERK, unit=units["HOTLINE"]),
        "hub": UserFactory(username="rx_hub", full_name="王统筹", role=Role.HUB, unit=units["FGW"]),
        "handler": UserFactory(
            username="rx_handler", full_name="李承办", role=Role.HANDLER, unit=units["GXJ"]
        ),
    }
    assert Category.objects.filter(code="SCJY").exists(), "categories are seeded by migration 0005"
    return {"units": units, "enterprise": enterprise, **people}


def sign_in(page, login, username):
    page.goto("about:blank")  # first: see conftest.browser_login
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    assert "/accounts/login/" not in page.url


@pytest.mark.slow
def test_an_appeal_goes_from_the_hotline_to_verification_through_the_pages(page, login, screenshot, town):
    # 1. The hotline clerk registers it.
    sign_in(page, login, "rx_clerk")
    page.get_by_role("link", name="登记诉求").first.click()
    expect(page.get_by_role("heading", name="登记诉求", level=1)).to_be_visible()
    page.fill("#id_enterprise_q", "精密机械")
    page.locator("label.zt-ent", has_text="榕城精密机械有限公司").click()
    expect(page.locator("#id_contact_name")).to_have_value("林建国")  # filled from the enterprise
    page.select_option("#id_category_id", label="生产经营")
    expect(page.locator("#materials")).to_contain_text("企业情况说明")
    page.select_option("#id_channel", label="12345热线")
    page.fill("#id_title", "新厂房用电增容报装进展缓慢")
    page.fill(
        "#id_description",
        "企业新上两条数控生产线，需增容至2000千伏安。报装申请已提交一个月，供电方案仍未答复，影响设备调试。",
    )
    page.fill("#id_contact_phone", "13905911234")
    screenshot(page, "appeals_intake")
    page.get_by_role("button", name="登记诉求").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已登记为 ZT-")
    appeal = Appeal.objects.get(title="新厂房用电增容报装进展缓慢")
    assert appeal.received_by == town["clerk"]
    assert appeal.status == Status.SUBMITTED

    # 2. The hub routes it as the rules suggest, from the triage queue.
    sign_in(page, login, "rx_hub")
    page.goto("/appeals/triage/")
    row = page.locator(f"#row-{appeal.pk}")
    expect(row).to_contain_text("市工业和信息化局")
    row.locator("summary", has_text="调整后分办").click()
    expect(row.locator("form[data-move=assign]")).to_be_visible()
    screenshot(page, "appeals_triage")
    row.locator("summary", has_text="调整后分办").click()
    row.get_by_role("button", name="按建议分办").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已完成“分办”")
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED and appeal.lead_unit == town["units"]["GXJ"]

    # 3. The lead unit's handler finds it on the workbench, signs, reports, resolves.
    sign_in(page, login, "rx_handler")
    page.goto("/appeals/")
    expect(page.locator("#wb-table")).to_contain_text(appeal.code)
    screenshot(page, "appeals_workbench")
    page.get_by_role("link", name=appeal.code).click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已完成“签收”")

    page.locator("summary", has_text="填报进展").click()
    page.fill("#id_add_progress-note", "已约供电公司现场勘查，初步方案为新建10千伏专线。")
    page.locator("form[data-move=add_progress]").get_by_role("button", name="填报进展").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已完成“填报进展”")

    page.locator("summary", has_text=re.compile("^办结$")).click()
    page.fill("#id_resolve-resolution", "供电方案已批复，专线工程列入本月施工计划，企业已确认。")
    page.set_input_files(
        "#id_resolve-evidence_files",
        files=[{"name": "供电方案批复.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}],
    )
    # The chosen file's name is shown beside the button (static/zhitong/site.js).
    expect(page.locator("form[data-move=resolve] .zt-file-names")).to_have_text("供电方案批复.pdf")
    page.locator("form[data-move=resolve]").get_by_role("button", name="办结").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已完成“办结”")
    expect(page.locator("#timeline")).to_contain_text("供电方案批复.pdf")
    screenshot(page, "appeals_detail")
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert AppealEvidence.objects.filter(appeal=appeal, kind="pdf").count() == 1

    # 4. The hub verifies it.
    sign_in(page, login, "rx_hub")
    page.goto(f"/appeals/{appeal.pk}/")
    page.locator("summary", has_text="核验通过").click()
    page.locator("form[data-move=verify]").get_by_role("button", name="核验通过").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("已完成“核验通过”")
    appeal.refresh_from_db()
    assert appeal.status == Status.VERIFIED
    screenshot(page, "appeals_detail_verified")
