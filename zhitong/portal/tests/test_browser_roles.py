"""The first journey: every demo login signs in through the real form, lands on its own
home page, and signs out. Screenshots: var/screenshots/roles_<username>.png."""

import pytest

from conftest import settle
from zhitong.demo import DEMO_PASSWORD
from zhitong.demo.organizations import MAIN_LOGINS
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The heading each role's home page opens with (the page's own h1).
HOME_HEADINGS = {
    Role.ENTERPRISE: "企业服务首页",
    Role.CLERK: "受理登记员工作台",
    Role.HANDLER: "承办人工作台",
    Role.UNIT_HEAD: "单位负责人工作台",
    Role.HUB: "统筹协调专员工作台",
    Role.LEADER: "市领导工作台",
    Role.SUPERVISOR: "督查工作台",
    Role.OVERSEER: "人大监督工作台",
    Role.ADMIN: "系统管理工作台",
    Role.SECURITY_ADMIN: "安全管理工作台",
    Role.AUDIT_ADMIN: "安全审计工作台",
}


@pytest.mark.parametrize("username", MAIN_LOGINS)
def test_each_demo_login_signs_in_lands_on_its_home_and_signs_out(
    page, login, screenshot, demo_organisation, username
):
    user = User.objects.get(username=username)

    login(page, username, DEMO_PASSWORD)

    assert page.url.endswith("/"), f"{username} stayed on {page.url}"
    assert page.locator("body").get_attribute("data-home") == user.role
    assert HOME_HEADINGS[user.role] in page.locator("main h1").first.inner_text()
    header = page.locator("header.zt-header").inner_text()
    assert user.display_name in header
    assert str(user.get_role_display()) in header
    screenshot(page, f"roles_{username}")

    page.get_by_role("button", name="退出登录").click()
    settle(page)
    assert "/accounts/login/" in page.url
    page.goto("/")
    assert "/accounts/login/" in page.url  # really signed out


def test_the_sign_in_page_is_chinese_and_a_wrong_password_says_so_in_chinese(
    page, screenshot, demo_organisation
):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", name="登录直通平台").is_visible()
    screenshot(page, "login_zh")

    page.fill("input[name=username]", "handler")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    settle(page)

    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"
    screenshot(page, "login_wrong_password")


def test_the_header_switches_to_english_and_back(page, login, screenshot, demo_organisation):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    settle(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Sign in to Zhitong").is_visible()
    screenshot(page, "login_en")

    login(page, "supervisor", DEMO_PASSWORD)  # the choice survives signing in
    assert page.locator("main h1").first.inner_text() == "Supervision workbench"
    assert page.locator("nav.zt-nav").get_by_role("link", name="Home", exact=True).is_visible()
    screenshot(page, "roles_supervisor_en")

    page.get_by_role("button", name="简体中文").click()
    settle(page)
    assert page.locator("main h1").first.inner_text() == "督查工作台"
