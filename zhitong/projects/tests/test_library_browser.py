"""The project library in a browser, on the demo city: the hub narrows the list by a stage
count (the count is the list's length), opens a project; both pages read at 1366 px and at
390 px without the page itself scrolling sideways (wide tables scroll in their own box)."""

import re

import pytest

from zhitong.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_projects(db):
    """Built once per test process (demo/tests/worlds.py), the same world as the
    enterprise journeys'."""
    from datetime import date

    from django.utils import timezone

    from zhitong.demo.tests.worlds import demo_world

    demo_world(today=date(2026, 3, 16), now=timezone.now(), seed=1)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_hub_narrows_the_library_by_stage_and_opens_a_project(page, login, demo_projects, screenshot):
    login(page, "hub", DEMO_PASSWORD)
    page.goto("/projects/")
    assert page.locator("h1").inner_text() == "重大项目库"
    screenshot(page, "projects_list_1366")
    tab = page.locator("[data-testid=stage-tabs] a[data-stage=construction]")
    count = int(tab.locator(".zt-count").inner_text())
    tab.click()
    page.wait_for_load_state("load")
    shown = page.locator("[data-testid=project-count]").inner_text()
    assert int(re.search(r"共 (\d+) 个项目", shown)[1]) == count
    assert page.locator("table.zt-project-table tbody tr").count() == min(count, 25)
    page.locator("table.zt-project-table tbody tr td.zt-code a").first.click()
    page.wait_for_load_state("load")
    assert page.locator(".zt-status-project-construction").first.is_visible()
    assert page.locator("#stages").is_visible() and page.locator("#appeals").is_visible()
    screenshot(page, "project_detail_1366")
    detail = page.url

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projects/")
    assert no_sideways_scroll(page)
    screenshot(page, "projects_list_390")
    page.goto(detail)
    assert no_sideways_scroll(page)
    screenshot(page, "project_detail_390")
