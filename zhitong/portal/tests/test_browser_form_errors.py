"""A form refused at the edge, in a real browser at desktop and phone widths: the Chinese
messages show next to their fields (screenshots var/screenshots/form_errors_*.png)."""

import pytest
from playwright.sync_api import expect

from zhitong.appeals.tests.test_browser_appeals import sign_in, town  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_intake_form_shows_what_is_wrong_next_to_each_field(page, login, screenshot, town, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, login, "rx_clerk")
    page.goto(f"/appeals/intake/?enterprise_id={town['enterprise'].pk}")
    page.select_option("#id_category_id", label="生产经营")
    page.select_option("#id_channel", label="12345热线")
    # What the browser would not let a user type (a date picker), set as a hand-made request
    # would send it; a title over its limit is typed as it is (the page counts, nothing cuts).
    page.evaluate(
        """() => {
          document.querySelector('#intake-form').noValidate = true;
          document.querySelector('#id_title').value = '长'.repeat(201);
          const when = document.querySelector('#id_received_at');
          when.type = 'text';
          when.value = '2026-02-30T09:00';
        }"""
    )
    page.get_by_role("button", name="登记诉求").click()
    expect(page.locator(".errorlist", has_text="内容过长：最多 200 个字，当前 201 个字")).to_be_visible()
    expect(page.locator(".errorlist", has_text="日期不存在：2026-02-30")).to_be_visible()
    expect(page.locator(".errorlist", has_text="请填写此项")).to_be_visible()  # the description
    page.locator(".errorlist").first.scroll_into_view_if_needed()
    screenshot(page, f"form_errors_intake_{width}")
