"""Every page an enterprise user reaches, in a real browser at a phone's width (390 px) and
an office screen's (1366 px): nothing scrolls sideways, and each appeal shows its status
and deadline at its top, inside the screen (issue 9). Screenshots: enterprise_<page>_<width>.png
under ZHITONG_SCREENSHOT_DIR (default var/screenshots)."""

import pytest
from django.urls import reverse

from conftest import settle
from zhitong.appeals.choices import Status
from zhitong.enterprises.choices import TeamRole
from zhitong.enterprises.models import TeamMember
from zhitong.organizations.models import ServiceWindow
from zhitong.outbox.delivery import outbox_deliver

from .conftest import Flow

# Transactional: the live server reads committed rows (see test_browser_appeals.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The status and deadline of each appeal on the page (list cards, the detail's summary).
MARKS = "[data-testid=appeal-stage], [data-testid=appeal-deadline]"


def _enterprise_pages(city) -> list[tuple[str, str]]:
    """(name, url) of each page the enterprise user reaches, with appeals in each stage it
    sees: waiting for materials, in handling with an extension approved, answered and
    waiting for its rating (the rating form), closed."""
    flow = Flow(city)
    flow.to(Status.MATERIALS_PENDING, title="新厂房消防验收备案材料补正")
    handling = flow.to(Status.IN_PROGRESS, title="厂房竣工验收消防备案迟迟未办结，影响设备进场和投产计划")
    flow.move(handling, "request_extension", city.handler, new_due="2025-09-26", reason="需消防部门现场复核")
    flow.move(handling, "approve_extension", city.head)
    answered = flow.to(Status.VERIFIED, title="用电增容报装审批时间过长")
    flow.to(Status.CLOSED, title="员工子女入学咨询")
    ServiceWindow.objects.create(
        unit=city.units.gxj, leader_name="王副局长", section_name="企业服务科", phone="0591-87654321"
    )
    # The home page's service team (a table that stacks on a phone).
    city.enterprise.butler = city.handler
    city.enterprise.save(update_fields=["butler"])
    TeamMember.objects.create(
        enterprise=city.enterprise,
        role=TeamRole.DEPARTMENT_CONTACT,
        unit=city.units.swj,
        name="周联络",
        phone="0591-83334444",
    )
    outbox_deliver()
    pages = [
        ("home", "/"),
        ("list", reverse("appeals:workbench")),
        ("detail", reverse("appeals:detail", args=[handling.pk])),
        ("rating", reverse("appeals:detail", args=[answered.pk])),
        ("notifications", reverse("notifications:list")),
        ("directory", reverse("organizations:directory")),  # 企业服务窗口, in its navigation
    ]
    # The enterprise portal (issue 12): its own submission form and its account's page.
    pages += [("new", reverse("eportal:submit")), ("account", reverse("eportal:status"))]
    return pages


def _layout(page) -> dict:
    """The page's width and where each status/deadline mark sits."""
    return page.evaluate(
        """(sel) => ({
          scrollWidth: document.documentElement.scrollWidth,
          marks: [...document.querySelectorAll(sel)].map((el) => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top + window.scrollY,
                    width: r.width, visible: r.width > 0 && r.height > 0};
          }),
        })""",
        MARKS,
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_every_enterprise_page_fits_the_screen_with_status_and_deadline_in_view(
    page, login, screenshot, city, width
):
    from zhitong.organizations.tests.factories import PASSWORD

    pages = _enterprise_pages(city)
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "t_ent", PASSWORD)
    problems = []
    for name, url in pages:
        page.goto(url)
        settle(page)
        screenshot(page, f"enterprise_{name}_{width}")
        layout = _layout(page)
        if layout["scrollWidth"] > width:
            problems.append(f"{name}: scrollWidth {layout['scrollWidth']} > {width}")
        marks = layout["marks"]
        if name in ("home", "list", "detail", "rating") and not marks:
            problems.append(f"{name}: no status/deadline marks")
        for mark in marks:
            if not mark["visible"] or mark["left"] < 0 or mark["right"] > width:
                problems.append(
                    f"{name}: {mark['text']!r} outside the screen ({mark['left']:.0f}–{mark['right']:.0f})"
                )
        if name in ("detail", "rating"):
            # At the top: on screen without scrolling.
            for mark in marks:
                if mark["top"] > 844:
                    problems.append(
                        f"{name}: {mark['text']!r} below the first screen (top {mark['top']:.0f})"
                    )
    assert not problems, "\n".join(problems)
