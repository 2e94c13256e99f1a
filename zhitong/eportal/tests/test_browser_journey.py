"""The enterprise's own door in a real browser, at a phone's width (390 px) and an office
screen's (1366 px) (issue 12): an enterprise signs up (the code read from the queued SMS),
the hub confirms it, it submits an appeal with an attachment, adds the materials asked
for, follows the timeline and rates; another enterprise withdraws an appeal and the hub
calls back and reopens it. No page scrolls sideways. Screenshots: eportal_<step>_<width>.png
under ZHITONG_SCREENSHOT_DIR."""

import pytest
from playwright.sync_api import expect

from conftest import settle
from zhitong.appeals import services
from zhitong.appeals.choices import Status, WithdrawalCheck
from zhitong.appeals.models import Appeal
from zhitong.appeals.tests.conftest import PDF, Flow
from zhitong.organizations.tests.factories import PASSWORD

from .conftest import last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def _fits(page, width, problems, step):
    sw = page.evaluate("document.documentElement.scrollWidth")
    if sw > width:
        problems.append(f"{step}: scrollWidth {sw} > {width}")


def _open(page, move):
    """Unfold the move's <details> (the first one of a page comes unfolded)."""
    details = page.locator(f"details:has(form[data-move={move}])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def _switch(page, login, username, password=PASSWORD):
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, username, password)


@pytest.mark.parametrize("width", [390, 1366])
def test_an_enterprise_signs_up_submits_adds_material_follows_and_rates_another_withdraws(
    page, login, screenshot, city, width, tmp_path
):
    page.set_viewport_size({"width": width, "height": 844})
    problems: list[str] = []

    def shot(step):
        settle(page)
        _fits(page, width, problems, step)
        screenshot(page, f"eportal_{step}_{width}")

    # 1. Sign-up from the sign-in page.
    page.goto("/accounts/login/")
    page.get_by_test_id("signup-link").click()
    page.fill("input[name=credit_code]", city.enterprise.credit_code)
    page.fill("input[name=name]", "林晓")
    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=password]", "abc12345")
    page.fill("input[name=password2]", "abc12345")
    shot("1_signup")
    page.get_by_role("button", name="获取短信验证码").click()
    page.wait_for_url("**/e/signup/verify/")
    page.fill("input[name=code]", last_code(PHONE))
    shot("2_code")
    page.get_by_role("button", name="完成注册").click()
    page.wait_for_url("**/e/")
    expect(page.get_by_test_id("access-status")).to_contain_text("待平台确认")
    shot("3_pending")

    # 2. The hub confirms the enterprise's first contact as its principal.
    _switch(page, login, "t_hub")
    page.goto("/e/hub/contacts/")
    expect(page.get_by_test_id("hub-contact")).to_contain_text("林晓")
    shot("4_hub_contacts")
    page.locator("form[data-move=confirm_principal] button").click()
    settle(page)

    # 3. The enterprise submits an appeal with an attachment.
    _switch(page, login, PHONE, "abc12345")
    page.goto("/e/appeals/new/")
    page.select_option("select[name=category_id]", str(city.category.pk))
    page.fill("input[name=title]", "新厂房用电增容迟迟未批")
    page.fill("textarea[name=description]", "新厂房需要增容至2000千伏安，申请已提交一个月，影响设备调试。")
    attachment = tmp_path / "用电申请.pdf"
    attachment.write_bytes(PDF)
    page.set_input_files("input[name=attachments]", str(attachment))
    shot("5_submit")
    page.get_by_test_id("submit-button").click()
    page.wait_for_url("**/appeals/*/")
    expect(page.get_by_test_id("appeal-stage")).to_have_text("已受理")
    appeal = Appeal.objects.get(title="新厂房用电增容迟迟未批")
    assert appeal.channel == "web" and appeal.status == Status.SUBMITTED
    shot("6_submitted")

    # 4. The hub asks once for the missing materials; the enterprise adds them.
    services.appeal_move(
        appeal_id=appeal.pk, move="request_materials", actor=city.hub, missing_items=["电力负荷计算书"]
    )
    page.reload()
    expect(page.get_by_test_id("appeal-stage")).to_have_text("待补正材料")
    form = page.locator("form[data-move=complete_materials]")
    form.locator("textarea").fill("已上传电力负荷计算书")
    material = tmp_path / "电力负荷计算书.pdf"
    material.write_bytes(PDF)
    form.locator("input[type=file]").set_input_files(str(material))
    shot("7_materials")
    form.get_by_role("button", name="材料已补齐").click()
    settle(page)
    expect(page.get_by_test_id("appeal-stage")).to_have_text("已受理")

    # 5. The government handles it; the enterprise follows the timeline and rates.
    services.appeal_move(
        appeal_id=appeal.pk,
        move="assign",
        actor=city.hub,
        lead_unit_id=city.units.gxj.pk,
        override_reason="工信局牵头",
    )
    handler = city.handler
    services.appeal_move(appeal_id=appeal.pk, move="sign", actor=handler)
    services.appeal_move(
        appeal_id=appeal.pk,
        move="resolve",
        actor=handler,
        resolution="已协调供电公司完成增容方案批复。",
        evidence_files=[_pdf("批复.pdf")],
    )
    services.appeal_move(appeal_id=appeal.pk, move="verify", actor=city.hub)
    page.reload()
    expect(page.get_by_test_id("appeal-stage")).to_have_text("已答复待评价")
    expect(page.locator("#timeline")).to_contain_text("材料已补齐，开始计时")
    shot("8_follow")
    rate = page.locator("form[data-move=rate]")
    rate.locator("input[type=radio][value='5']").check()
    rate.get_by_role("button", name="满意度评价").click()
    settle(page)
    expect(page.get_by_test_id("appeal-stage")).to_have_text("已办结")
    shot("9_rated")

    # 6. Another enterprise withdraws an appeal in handling.
    other = Flow(city).intake(enterprise_id=city.other_enterprise.pk, title="仓库消防验收")
    services.appeal_move(
        appeal_id=other.pk,
        move="assign",
        actor=city.hub,
        lead_unit_id=city.units.gxj.pk,
        override_reason="工信局牵头",
    )
    services.appeal_move(appeal_id=other.pk, move="sign", actor=city.handler)
    _switch(page, login, "t_ent2")
    page.goto(f"/appeals/{other.pk}/")
    _open(page, "withdraw")
    withdraw = page.locator("form[data-move=withdraw]")
    withdraw.locator("textarea").fill("承办人说先撤回再说")
    shot("10_withdraw")
    withdraw.get_by_role("button", name="撤回诉求").click()
    settle(page)
    expect(page.get_by_test_id("appeal-stage")).to_have_text("已撤回")
    shot("11_withdrawn")

    # 7. The hub calls back: not voluntary — the appeal goes back to its unit.
    _switch(page, login, "t_hub")
    page.goto("/e/hub/withdrawals/")
    expect(page.get_by_test_id("withdrawals")).to_contain_text(other.code)
    shot("12_callbacks")
    page.get_by_role("link", name=other.code).click()
    _open(page, "reopen_withdrawal")
    reopen = page.locator("form[data-move=reopen_withdrawal]")
    reopen.locator("textarea").fill("电话回访：企业称承办人要求其撤回，并非自愿")
    shot("13_callback_form")
    reopen.get_by_role("button", name="回访：非自愿撤回，恢复办理").click()
    settle(page)
    other.refresh_from_db()
    assert other.status == Status.IN_PROGRESS and other.withdrawal_check == WithdrawalCheck.PRESSURED
    assert other.pressured_withdrawals == 1
    assert not problems, "\n".join(problems)


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
