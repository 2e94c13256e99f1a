import pytest

from conftest import settle
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_sees_the_official_and_the_provisional_year(page, login, screenshot):
    UserFactory(username="admin_wd", full_name="李管理", role=Role.ADMIN)
    login(page, "admin_wd", PASSWORD)
    page.goto("/workdays/?year=2026")
    # 14 Feb 2026 (Saturday) is an adjusted working day; 16 Feb a Spring Festival holiday.
    assert page.locator('[data-date="2026-02-14"]').get_attribute("data-kind") == "workday"
    assert page.locator('[data-date="2026-02-16"]').get_attribute("data-kind") == "holiday"
    assert page.locator('[data-testid="provisional-banner"]').count() == 0
    screenshot(page, "workdays_2026")
    page.goto("/workdays/?year=2027")
    assert (
        "预测：2027年官方放假安排尚未发布，按《全国年节及纪念日放假办法》推算"
        in page.locator('[data-testid="provisional-banner"]').inner_text()
    )
    assert page.locator('[data-date="2027-10-01"]').get_attribute("data-kind") == "provisional_holiday"
    assert (
        page.locator('[data-date="2027-02-05"]').get_attribute("data-kind") == "provisional_holiday"
    )  # 除夕
    assert page.locator('[data-date="2027-10-09"]').get_attribute("data-kind") == "provisional_workday"
    screenshot(page, "workdays_2027")


def test_the_admin_marks_a_day_from_the_grid(page, login):
    UserFactory(username="admin_wd2", role=Role.ADMIN)
    login(page, "admin_wd2", PASSWORD)
    page.goto("/workdays/?year=2026")
    page.click('[data-date="2026-03-03"]')
    page.select_option("select[name=kind]", "holiday")
    page.fill("input[name=name]", "测试假日")
    page.click("#edit button[type=submit]")
    settle(page)
    assert page.locator('[data-date="2026-03-03"]').get_attribute("data-kind") == "holiday"
    assert "已设置为法定节假日" in page.content()
