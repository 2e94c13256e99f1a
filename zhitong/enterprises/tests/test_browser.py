"""Browser journeys on the demo city: the directory, the enterprise list and detail with
the audited phone reveal (htmx), and an import with a bad row."""

import pytest

from conftest import settle
from zhitong.audit.models import AuditEvent
from zhitong.demo import DEMO_PASSWORD
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import make_credit_code

from .conftest import make_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city(db):
    """The demo city's organisation, enterprises and projects (these journeys need no
    appeals; building only these keeps them independent of the other apps' builders).
    Built once per test process (demo/tests/worlds.py)."""
    from datetime import date

    from django.utils import timezone

    from zhitong.demo.tests.worlds import demo_world

    demo_world(today=date(2026, 3, 16), now=timezone.now(), seed=1)


def test_the_window_directory_is_readable_without_signing_in(page, demo_city, screenshot):
    page.goto("/organizations/directory/")
    assert page.locator("h1").inner_text().startswith("企业服务窗口")
    assert page.locator("#window-GXJ").is_visible()
    assert "工业和信息化企业的生产经营" in page.locator("#window-GXJ").inner_text()
    screenshot(page, "org_directory")


def test_the_hub_finds_an_enterprise_and_reveals_a_phone(page, login, demo_city, screenshot):
    login(page, "hub", DEMO_PASSWORD)
    page.goto("/enterprises/")
    page.fill("input[name=q]", "华信电子")
    page.wait_for_function(
        "() => !document.querySelector('#enterprise-results').innerText.includes('共 230')"
    )
    screenshot(page, "enterprises_list_search")
    page.get_by_role("link", name="榕城华信电子科技有限公司").click()
    settle(page)
    masked = page.locator("[data-testid=phone-masked]").first
    assert "****" in masked.inner_text()
    page.get_by_role("button", name="显示完整号码").first.click()
    full = page.locator("[data-testid=phone-full]").first
    full.wait_for()
    assert "****" not in full.inner_text() and len(full.inner_text()) == 11
    assert AuditEvent.objects.filter(action="enterprise.contact_phone_revealed").count() == 1
    screenshot(page, "enterprise_detail_revealed")


def test_the_overseer_sees_masked_phones_only(page, login, demo_city, screenshot):
    login(page, "overseer", DEMO_PASSWORD)
    e = Enterprise.objects.get(name="榕城华信电子科技有限公司")
    page.goto(f"/enterprises/{e.pk}/")
    assert page.get_by_role("button", name="显示完整号码").count() == 0
    assert "****" in page.locator("[data-testid=phone-masked]").first.inner_text()
    screenshot(page, "enterprise_detail_overseer")


def test_the_hub_imports_a_file_with_a_bad_row_then_only_the_good_rows(
    page, login, demo_city, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    good = make_credit_code(700_001)
    rows = [
        ["统一社会信用代码", "企业名称", "行业", "所在县区/园区", "规上企业"],
        [good, "榕城新导入科技有限公司", "制造业", "鼓楼区", "是"],
        [good[:-1] + "O", "坏代码有限公司", "制造业", "鼓楼区", "否"],
        [make_credit_code(700_003), "无处可寻有限公司", "制造业", "火星区", "也许"],
    ]
    path = tmp_path / "企业.xlsx"
    path.write_bytes(make_xlsx(rows).getvalue())
    login(page, "hub", DEMO_PASSWORD)
    page.goto("/enterprises/import/")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="上传并导入").click()
    settle(page)
    assert "未导入任何数据" in page.locator("[data-testid=import-summary]").inner_text()
    assert page.locator("[data-testid=import-errors] tbody tr").count() == 3
    screenshot(page, "enterprise_import_report")
    page.get_by_role("button", name="仅导入无误的行（1 行）").click()
    settle(page)
    assert "仅导入无误的1行" in page.locator("[data-testid=import-summary]").inner_text()
    assert Enterprise.objects.filter(credit_code=good).exists()
    screenshot(page, "enterprise_import_good_rows")
