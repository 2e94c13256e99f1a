"""English mode in a real browser: the header's switch turns the workbench and an appeal's
page into English, text and form controls alike (var/screenshots/english_*.png)."""

import pytest

from conftest import settle
from zhitong.organizations.tests.factories import PASSWORD

from .english_city import ALLOWED, CJK, ENTERPRISES_APP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def leftovers(pg) -> list[str]:
    """Lines of the page's rendered text (innerText: what a reader sees) still in Chinese."""
    lines = []
    for line in pg.evaluate("document.body.innerText").splitlines():
        line = line.strip()
        for words in (*ALLOWED, *ENTERPRISES_APP):
            line = line.replace(words, "")
        if CJK.search(line):
            lines.append(line)
    return lines


def test_the_language_switch_turns_the_appeal_pages_into_english(
    page, login, screenshot, english_city, english_story
):
    login(page, english_city.handler.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    settle(page)
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto("/appeals/?status=all")
    settle(page)
    assert page.get_by_role("heading", name="Appeals workbench").is_visible()
    assert leftovers(page) == []
    screenshot(page, "english_workbench")

    page.goto(f"/appeals/{english_story.escalated.pk}/")
    settle(page)
    assert page.get_by_role("heading", name="What I can do").is_visible()
    # A note the coordination app wrote on the timeline reads in English too.
    assert page.get_by_text("Put on the agenda of the coordination meeting").is_visible()
    assert leftovers(page) == []
    screenshot(page, "english_appeal_detail")
