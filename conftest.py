"""Shared test fixtures: the browser harness (Playwright driving Debian's chromium)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# test set-up in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ZHITONG_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(os.environ.get("ZHITONG_SCREENSHOT_DIR", Path(__file__).parent / "var" / "screenshots"))
# Flags that keep headless Chromium off the network (this machine has none beyond
# loopback) and away from first-run prompts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """PBKDF2 at production strength was ~84% of the suite's CPU. Tests prove behaviour,
    not hash strength: MD5 here (production keeps Django's default hashers)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield


@pytest.fixture
def no_template_capture():
    """Pages rendered without Django's test instrumentation, for the sweeps that read only
    status codes, messages and HTML (the page crawl, the authorization matrix). Under test,
    every Template render (each include, each form widget: ~94 per page) sends a signal on
    which the test client copies the whole context, so that `response.context` and
    `assertTemplateUsed` work; that was ~4% of the page crawl's time (py-spy). A test that
    asks for this fixture has neither (zhitong/common/tests/test_test_fixtures.py)."""
    from django.template import Template
    from django.test.utils import _TestState

    # setup_test_environment keeps the renderer it replaced here (Django 5.2).
    saved = getattr(_TestState, "saved_data", None)
    original = getattr(saved, "template_render", None)
    if original is None:  # not under Django's test environment
        yield
        return
    instrumented = Template._render
    Template._render = original
    try:
        yield
    finally:
        Template._render = instrumented


@pytest.fixture(autouse=True, scope="session")
def _static_files_scanned_once():
    """Django's test client loads the whole middleware stack for every Client it makes, and
    WhiteNoise's middleware (settings.WHITENOISE_USE_FINDERS) scans every static file in its
    __init__ (finders, stat, headers): ~25 ms, 98% of loading the stack, paid again by every
    test that signs in a client (CI time, issue 14). The files do not change during a run:
    the scan's result is kept per process and handed to every later instance. Production
    loads the stack once per worker process and is not touched."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    scanned: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        from django.conf import settings

        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            tuple(str(d) for d in settings.STATICFILES_DIRS),
        )
        if key not in scanned:
            before = dict(self.files)
            original(self)
            scanned[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(scanned[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(autouse=True, scope="session")
def _media_root_per_worker(tmp_path_factory):
    """Uploads land in a temporary directory of this test process (each xdist worker has
    its own), never in var/media, which the demo server uses and parallel workers share.
    App fixtures may still point MEDIA_ROOT at a per-test tmp_path."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session")
def _playwright_browser():
    """One headless chromium per test process (per xdist worker)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian chromium not found at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation to the console, where the page fixture
# collects it. Playwright's init scripts run outside the page's policy.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "CSP violation" in m or "Content Security Policy" in m]


@pytest.fixture
def page(_playwright_browser, live_server, settings):
    """A fresh browser page (own cookies) pointed at the live test server. A test fails if
    any page it opened broke the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY).

    The live server runs at the real date while most worlds are built under a frozen one
    (2025): without this, every account would meet the password-expiry step
    (organizations/password_policy.py), which its own tests cover."""
    settings.ZHITONG_PASSWORD_MAX_AGE_DAYS = 0
    ctx = _playwright_browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    ctx.add_init_script(CSP_REPORTER)
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    console: list[str] = []
    pg.on("console", lambda msg: console.append(f"{pg.url}: {msg.text}"))
    yield pg
    ctx.close()
    violations = csp_violations(console)
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves var/screenshots/<name>.png (full page; the viewport only
    with full_page=False, as a modal dialog covers only that) and returns the path.
    Names are unique per test, so parallel workers never write the same file."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(pg, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        # caret="initial": hiding the caret leaves style="" on every input, which htmx's
        # settle then copies onto swapped-in fields — an inline style the page's CSP refuses.
        pg.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    return take


# htmx marks an element with these classes while its request is in flight and while the
# response is swapped in and settled (htmx's own class names).
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


def settle(pg, timeout: float = 15_000) -> None:
    """Wait until the page has loaded and htmx has no request in flight or swap in progress:
    what the browser tests used Playwright's `networkidle` for, which also waits for 500 ms
    without any request. Those waits were 190 per run, ~126 s in all (CI time, issue 14; a
    test process alone ran the roles file in 53 s instead of 73). A click that starts a navigation returns once the
    new page has started loading (Playwright waits for navigations an action initiates), so
    the load state waited for here is the new page's; htmx adds `htmx-request` to the element
    that issues a request when the request is triggered, so an htmx submission or an
    `hx-trigger="load"` fragment is waited for until its response is swapped in."""
    pg.wait_for_load_state("load", timeout=timeout)
    # Polled every 50 ms, not on every animation frame (the default), which kept a core busy.
    pg.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})", polling=50, timeout=timeout)


def browser_login(pg, username: str, password: str) -> None:
    """Sign in through the real form; the caller asserts where it lands. Cookies are kept
    (a language chosen before signing in survives it); to sign in as someone else, leave
    the page (about:blank) before clearing the cookies: a request the old page starts once
    they are gone (the htmx unread badge) is redirected to the sign-in form and sets a new
    CSRF cookie under this one, which the server then refuses."""
    pg.goto("/accounts/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", password)
    # Wait for the navigation the submit causes (a redirect home, or the form re-rendered
    # with an error). Waiting for a load state alone races: right after the click the old
    # page is still loaded, so it can return before the POST has even been sent.
    with pg.expect_navigation(wait_until="load", timeout=30_000):
        pg.click("button[type=submit]")
    browser_second_factor(pg, username)


# The TOTP secrets browser tests' accounts enrolled with (organizations/signin_steps.py), by
# username, for the current test only (_browser_second_factor_per_test).
_BROWSER_TOTP_SECRETS: dict[str, str] = {}
_BROWSER_RECOVERY_CODES: dict[str, list[str]] = {}


@pytest.fixture(autouse=True)
def _browser_second_factor_per_test():
    """An enrolment belongs to the test's database, which ends with the test; a secret kept
    from an earlier test in this process would be typed for another account of the same
    name. That is what locked the demo admin out under xdist: the English browser test
    enrols its own "admin" with a random secret, and a later sign-in of the demo admin (the
    demo secret) in the same worker typed codes of that stale secret until the throttle
    refused the pair ("验证码错误次数过多")."""
    _BROWSER_TOTP_SECRETS.clear()
    _BROWSER_RECOVERY_CODES.clear()
    yield
    _BROWSER_TOTP_SECRETS.clear()
    _BROWSER_RECOVERY_CODES.clear()


def browser_second_factor(pg, username: str) -> None:
    """The steps after the password for the roles with a second factor: the first sign-in
    enrols (the secret is read off the page as a person would type it into an app, then the
    recovery codes are acknowledged); later ones type the current code (the demo city's
    accounts share zhitong.demo.DEMO_TOTP_SECRET). A code already used in this 30-second step
    is refused (replay), so the next step's code, which the window accepts, is tried then."""
    from zhitong.demo import DEMO_TOTP_SECRET
    from zhitong.organizations import totp

    path = pg.url.split("?")[0]
    if path.endswith("/accounts/login/enrol/"):
        secret = pg.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
        _BROWSER_TOTP_SECRETS[username] = secret
        pg.fill("input[name=code]", totp.code_for(secret))
        with pg.expect_navigation(wait_until="load", timeout=30_000):
            pg.click("button[type=submit]")
        # Kept for a sign-in repeated within one 30-second step, when both codes the window
        # accepts are spent (each recovery code signs in once).
        _BROWSER_RECOVERY_CODES[username] = pg.locator(".zt-recovery-codes code").all_inner_texts()
        with pg.expect_navigation(wait_until="load", timeout=30_000):
            pg.click("[data-testid=signin-recovery-codes] button[type=submit]")
    elif path.endswith("/accounts/login/code/"):
        secret = _BROWSER_TOTP_SECRETS.get(username, DEMO_TOTP_SECRET)
        codes = [totp.code_for(secret, step=totp.current_step() + ahead) for ahead in (0, 1)]
        spare = _BROWSER_RECOVERY_CODES.get(username) or []
        if spare:
            codes.append(spare.pop())
        for code in codes:
            pg.fill("input[name=code]", code)
            with pg.expect_navigation(wait_until="load", timeout=30_000):
                pg.click("button[type=submit]")
            if not pg.url.split("?")[0].endswith("/accounts/login/code/"):
                return
        # A third sign-in within one step (a demo account: no recovery codes kept): as a person
        # would, wait for the authenticator's next code.
        import time

        for _ in range(3):
            time.sleep(totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS + 0.5)
            pg.fill("input[name=code]", totp.code_for(secret, step=totp.current_step() + 1))
            with pg.expect_navigation(wait_until="load", timeout=30_000):
                pg.click("button[type=submit]")
            if not pg.url.split("?")[0].endswith("/accounts/login/code/"):
                return
        refusal = pg.locator("main").inner_text()
        raise AssertionError(f"{username}: the second-factor step refused every code: {refusal[:300]}")


@pytest.fixture
def login():
    return browser_login


@pytest.fixture(autouse=True)
def _workdays_calendar_cache_per_test():
    """The working-day calendar is cached in-process (zhitong.workdays.services). A test that
    changes calendar rows has them rolled back at its end; the cached copy must not carry
    them into the next test."""
    yield
    from zhitong.workdays.services import invalidate_cache

    invalidate_cache()


@pytest.fixture(autouse=True)
def _default_language_per_test():
    """Each test starts in the default language. A request in English (a cookie, the
    language switch) leaves the thread's active language at English after the response,
    which made a later test in the same worker compare Chinese labels with English ones."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _signin_throttle_per_test():
    """The sign-in throttle counts in its own in-process cache (settings.CACHES["signin"]);
    one test's failed sign-ins must not throttle the next test's client address."""
    from django.core.cache import caches

    caches["signin"].clear()
    caches["api_ratelimit"].clear()  # and the API clients' request counters (api/ratelimit.py)
    caches["public_throttle"].clear()  # and the public pages' per-address counters
    # and the cached appeal list counts (appeals/counters.py): ids and generations start over
    # with each test's database, so one test's figures must not be read by the next.
    caches["appeal_counts"].clear()
    yield
    caches["signin"].clear()
    caches["api_ratelimit"].clear()
    caches["public_throttle"].clear()
    caches["appeal_counts"].clear()


@pytest.fixture
def count_queries():
    """count_queries(client, url, params=None) -> the number of SQL queries one GET costs.

    For the N+1 guards (test_query_counts.py): a page must cost the same with few rows as
    with many. The request is made twice and the second one counted, so one-off costs (the
    working-day calendar loaded into the process, the session stamped) don't count.
    `count_queries.html` is the last page counted, to check that the rows are really shown."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def count(client, url, params=None) -> int:
        # The clock stands still: otherwise, on a loaded machine, a minute may pass between
        # the two requests and the idle-timeout stamp (common/middleware.py, one-minute
        # resolution) is saved again inside the count.
        with time_machine.travel(timezone.now(), tick=False):
            client.get(url, params or {})
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        count.html = response.content.decode()
        return len(ctx.captured_queries)

    count.html = ""
    return count


# Tests that take tens of seconds each (the demo builds, the hostile crawls, the floods).
# With parallel workers a long test that starts last keeps one core busy alone at the end
# of the run; collected first, the long ones run side by side while the short ones fill in.
SLOW_MARKERS = ("demo", "slow")


# Fixtures through which a test reaches the database (pytest-django's; the project's own
# fixtures that need it request `db`, so they show in a test's fixture closure).
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def uses_database(item) -> bool:
    """Whether the test may open a database connection: pytest-django refuses one to a test
    without the `django_db` mark or a database fixture (RuntimeError "Database access not
    allowed"), so a test that does neither runs the same code whatever the database."""
    return bool(item.get_closest_marker("django_db")) or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in SLOW_MARKERS))
    # The second database's run (Makefile, `ZHITONG_TEST_DATABASE_ONLY=1`) repeats only the
    # tests that use the database: the others (a fifth of the suite: capability tables,
    # validators, templates' style) already ran, and cannot run differently here.
    if os.environ.get("ZHITONG_TEST_DATABASE_ONLY") == "1":
        free = [item for item in items if not uses_database(item)]
        if free:
            config.hook.pytest_deselected(items=free)
            items[:] = [item for item in items if uses_database(item)]
