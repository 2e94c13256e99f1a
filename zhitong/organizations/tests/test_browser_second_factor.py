"""The second factor in a browser: a supervisor's first sign-in enrols (QR code and secret),
the next one types a code (issue 15). Screenshots at 1366 and 390 px go to
ZHITONG_SECAUTH_SHOTS (default var/screenshots)."""

import os
from pathlib import Path

import pytest

from conftest import settle
from zhitong.organizations import totp
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = Path(
    os.environ.get("ZHITONG_SECAUTH_SHOTS", Path(__file__).resolve().parents[3] / "var" / "screenshots")
)


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True, caret="initial")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_enrol_then_sign_in_with_a_code(page):
    UserFactory(username="sup_browser", role=Role.SUPERVISOR, full_name="周督查")
    page.goto("/accounts/login/")
    settle(page)
    page.fill("input[name=username]", "sup_browser")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
    assert page.url.endswith("/accounts/login/enrol/")
    assert page.locator(".zt-qr svg").count() == 1
    _shoot(page, "secauth-enrol")
    secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
    page.fill("input[name=code]", totp.code_for(secret))
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
    assert page.locator("[data-testid=signin-recovery-codes] li").count() == 10
    with page.expect_navigation(wait_until="load"):
        page.click("[data-testid=signin-recovery-codes] button[type=submit]")
    assert page.locator("body[data-home]").count() == 1

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    settle(page)
    page.fill("input[name=username]", "sup_browser")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
    assert page.url.endswith("/accounts/login/code/")
    _shoot(page, "secauth-code")
    page.fill("input[name=code]", totp.code_for(secret, step=totp.current_step() + 1))
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
    assert page.locator("body[data-home]").count() == 1
