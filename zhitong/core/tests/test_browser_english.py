"""English mode in the browser (issue 9): the administrator switches to English in the
header, and the admin index, an enterprise and the work calendar read in English at
1366 px and on a phone (390 px). Screenshots: var/screenshots/english_*.png."""

import pytest

from conftest import settle
from zhitong.organizations.tests.factories import PASSWORD

from .english import CJK, english_world, pending_model_names  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page's own text, without what is declared in another language (the language switch's
# "简体中文", the logo).
VISIBLE_TEXT = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('[lang]:not([lang^="en"]), script, [data-zt-data]').forEach((e) => e.remove());
  return clone.innerText;
}"""


def test_the_administrator_reads_the_admin_an_enterprise_and_the_calendar_in_english(
    page,
    login,
    screenshot,
    english_world,  # noqa: F811
):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    settle(page)
    login(page, "admin", PASSWORD)

    pages = {
        "admin_index": "/admin/",
        "enterprise": f"/enterprises/{english_world.enterprise.pk}/",
        "calendar": "/workdays/",
    }
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            settle(page)
            assert page.locator("html").get_attribute("lang") == "en", url
            text = page.evaluate(VISIBLE_TEXT)
            for name_zh in sorted(pending_model_names(), key=len, reverse=True):
                text = text.replace(name_zh, "")
            left = CJK.findall(text)
            assert not left, f"{url}: Chinese left: {''.join(left)}"
            screenshot(page, f"english_{name}_{width}")
