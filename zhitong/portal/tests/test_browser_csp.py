"""The Content-Security-Policy in a real browser: the page fixture (conftest.py) fails any
browser test whose pages broke the policy; this proves the fixture sees a violation, and
walks the pages that load our scripts (htmx, site.js, the API docs' Swagger UI)."""

import pytest

from conftest import CSP_REPORTER, csp_violations, settle
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fixture_sees_an_inline_style_and_an_inline_script_blocked(_playwright_browser, live_server):
    ctx = _playwright_browser.new_context(base_url=live_server.url)
    ctx.add_init_script(CSP_REPORTER)
    pg = ctx.new_page()
    console: list[str] = []
    pg.on("console", lambda msg: console.append(msg.text))
    try:
        pg.goto("/accounts/login/")
        settle(pg)
        pg.evaluate(
            """() => {
                document.head.insertAdjacentHTML("beforeend", "<style>body{color:red}</style>");
                const s = document.createElement("script");
                s.textContent = "window.zt_inline_ran = true";
                document.body.appendChild(s);
            }"""
        )
        pg.wait_for_function("() => true")  # one round trip: the violation events have fired
        assert pg.evaluate("() => window.zt_inline_ran === undefined")
        found = csp_violations(console)
        assert any("style-src" in v for v in found), console
        assert any("script-src" in v for v in found), console
    finally:
        ctx.close()


def test_htmx_pages_and_the_api_docs_run_under_the_policy(page, login):
    UserFactory(username="wang", full_name="王承办", role=Role.HANDLER)
    login(page, "wang", PASSWORD)
    assert page.evaluate("() => typeof window.htmx") == "object"
    # The unread-messages badge is loaded by htmx on every page.
    settle(page)
    page.goto("/appeals/")
    settle(page)
    page.goto("/api/v1/docs")
    settle(page)
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    # Any violation on these pages fails this test in the page fixture's teardown.
