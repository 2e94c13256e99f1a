"""Issue 9 in a real browser: a text over its limit is shown, not cut, and the idle sign-out
warns first and keeps what was being typed (static/zhitong/site.js). Screenshots at 1366
and 390 px: forms_counter_*.png, forms_idle_warning_*.png."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from zhitong.appeals.tests.test_browser_appeals import sign_in, town  # noqa: F401 (fixture)
from zhitong.organizations.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_text_over_its_limit_is_counted_and_said_never_cut(page, login, screenshot, town):  # noqa: F811
    sign_in(page, login, "rx_clerk")
    page.goto(f"/appeals/intake/?enterprise_id={town['enterprise'].pk}")
    title, description = page.locator("#id_title"), page.locator("#id_description")
    counter = page.locator("#id_title-counter")
    expect(counter).to_have_text("0/200")
    expect(page.locator("#id_description-counter")).to_have_text("0/5000")
    assert title.get_attribute("maxlength") is None  # the browser would cut a paste at it

    title.fill("长" * 180)
    expect(counter).to_have_class("zt-counter zt-counter-near")
    # Pasted text over the limit stays whole; the counter and the message say what is wrong.
    title.focus()
    page.keyboard.insert_text("长" * 21)
    assert len(title.input_value()) == 201
    expect(counter).to_have_class("zt-counter zt-counter-over")
    expect(counter).to_contain_text("内容过长：最多 200 个字，当前 201 个字，请删减后再提交")
    expect(counter).to_contain_text("201/200")
    expect(title).to_have_attribute("aria-invalid", "true")
    # Characters as the server counts them: a line break once, an emoji once.
    description.fill("第一行\n第二行😀")
    expect(page.locator("#id_description-counter")).to_have_text("8/5000")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        title.scroll_into_view_if_needed()
        screenshot(page, f"forms_counter_{width}")
    page.set_viewport_size({"width": 1366, "height": 900})

    # Sent anyway: the server refuses it in the same words and gives the whole text back.
    page.select_option("#id_category_id", label="生产经营")
    page.select_option("#id_channel", label="12345热线")
    page.get_by_role("button", name="登记诉求").click()
    expect(page.locator(".errorlist", has_text="内容过长：最多 200 个字，当前 201 个字")).to_be_visible()
    assert page.locator("#id_title").input_value() == "长" * 201
    expect(page.locator("#id_title-counter")).to_have_class("zt-counter zt-counter-over")
    expect(page.get_by_test_id("draft-notice")).to_have_count(0)  # the page already shows it

    # Shortened and sent: registered, and the draft kept while typing is gone.
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('zt-draft:')).length"
    assert page.evaluate(drafts) == 1
    page.locator("#id_title").fill("长" * 200)
    page.get_by_role("button", name="登记诉求").click()
    expect(page).to_have_url(re.compile(r"/appeals/\d+/$"))
    assert page.evaluate(drafts) == 0


def test_the_idle_warning_keeps_the_user_and_a_sign_out_keeps_the_draft(page, login, screenshot, town):  # noqa: F811
    # Two clocks: the server's (time_machine: the live server runs in this process) and the
    # page's (Playwright), moved together so nobody waits half an hour.
    page.clock.install()
    with time_machine.travel(timezone.now(), tick=True) as server:

        def later(minutes: float):
            server.shift(timedelta(minutes=minutes))
            page.clock.fast_forward(int(minutes * 60_000))

        sign_in(page, login, "rx_clerk")
        form_url = f"/appeals/intake/?enterprise_id={town['enterprise'].pk}"
        page.goto(form_url)
        page.fill("#id_title", "新厂房施工许可办理受阻")
        page.fill("#id_description", "企业反映：新厂房施工许可材料已齐，\n至今未办结。")
        dialog = page.locator("#zt-idle")

        later(28.5)  # 90 seconds before the sign-out: the warning, counting down
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("即将自动退出登录")
        expect(page.get_by_test_id("idle-countdown")).to_have_text(re.compile(r"^1:[0-5]\d$"))
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 800})
            screenshot(page, f"forms_idle_warning_{width}", full_page=False)
        page.set_viewport_size({"width": 1366, "height": 900})

        page.get_by_role("button", name="继续工作").click()
        expect(dialog).to_be_hidden()
        later(28.5)  # 57 minutes after the page loaded: still signed in, warned again
        expect(dialog).to_be_visible()

        later(2)  # no answer: signed out, and sent to sign in with the way back
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=.*idle=1"))
        expect(page.locator(".zt-login")).to_contain_text("分钟未操作，系统已自动退出")

        page.fill("input[name=username]", "rx_clerk")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url.endswith(form_url)
        notice = page.get_by_test_id("draft-notice")
        expect(notice).to_contain_text("已恢复未提交的草稿")
        expect(page.locator("#id_title")).to_have_value("新厂房施工许可办理受阻")
        expect(page.locator("#id_description")).to_have_value(
            "企业反映：新厂房施工许可材料已齐，\n至今未办结。"
        )
        expect(page.locator("#id_title-counter")).to_have_text("11/200")
        notice.scroll_into_view_if_needed()
        screenshot(page, "forms_draft_restored_1366", full_page=False)

        notice.get_by_role("button", name="放弃草稿").click()
        expect(notice).to_have_count(0)
        expect(page.locator("#id_title")).to_have_value("")
        assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('zt-draft:')).length") == 0
