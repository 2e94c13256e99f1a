"""No 5xx from any page, whatever is typed or sent (issue 8).

Signed in as each kind of user, the test reads every page it can reach (links and htmx
URLs from the project's own pages, starting from every URL pattern without arguments and
the detail pages of a small city with objects in many states), and for every <form> it
finds submits hostile values: NUL bytes, a lone surrogate, 100,000 characters, impossible
and absurd dates, huge and negative numbers, words where numbers go, several values where
one goes, nothing at all. Every GET page is also asked for hostile filter and page values,
and every URL pattern with an argument for hostile ones.

It asserts: no response is a 5xx; no page or message shows one of Django's own error
messages (the pages say what is wrong in their own Chinese); a refused submission leaves
the database as it was; a value that is never legitimate (NUL, 100,000 characters) is
never stored.

Each submission runs in a savepoint that is rolled back, so every one starts from the same
city. Forms are read from the HTML, so a new form on a reachable page is covered without
touching this test; a URL pattern that is reached neither by a page nor by the hostile path
values fails `test_every_page_url_is_exercised` until it is listed in UNREACHED with a
reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zhitong.appeals.choices import Status
from zhitong.appeals.tests.conftest import Flow
from zhitong.coordination import services as coordination
from zhitong.coordination.models import FactCertification

# The coordination tests' city, its clock (1 September 2025) and media root (fixtures are
# registered under the names they are imported as).
from zhitong.coordination.tests.conftest import (  # noqa: F401
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    at,
    city,
    scene,
)
from zhitong.coordination.tests.test_event_machine import advance
from zhitong.coordination.tests.test_events import new_event
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.services import enterprise_add_at_intake
from zhitong.enterprises.tests.factories import make_credit_code
from zhitong.eportal.choices import AccessStatus
from zhitong.eportal.models import ContactAccess
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory

from . import hostile as H

pytestmark = pytest.mark.django_db

# URL patterns no page links to and the path values do not reach, with the reason.
UNREACHED = {
    "login": "the sign-in form is checked by test_the_sign_in_form_says_what_is_wrong_in_chinese",
    # Anonymous pages (a signed-in user is sent on): eportal/tests/test_hostile_signup.py.
    "eportal:signup": "the anonymous sign-up form: eportal/tests/test_hostile_signup.py",
    "eportal:signup_verify": "the anonymous code form: eportal/tests/test_hostile_signup.py",
    "eportal:signup_resend": "the anonymous resend button: eportal/tests/test_hostile_signup.py",
}
# Forms (URL name, move) that the city must show the crawl, so that it attacks them: a
# form that only appears with the right objects (build_city) is otherwise silently missed.
MUST_ATTACK = [
    ("coordination:certification_move", "certify"),  # seeds/000 五(二)1, a month that has ended
    ("coordination:certification_move", "reopen"),
    # Rectification orders (supervision): the unit's report with its evidence, the office's
    # return with a new limit and its failure with the points deducted.
    ("supervision:order_move", "report"),
    ("supervision:order_move", "return"),
    ("supervision:order_move", "fail"),
    ("eportal:contact_move", "approve"),  # issue 12: the principal's decision
    ("eportal:contact_move", "confirm_principal"),  # the hub's
    ("appeals:move", "reopen_withdrawal"),  # the hub's call-back (撤单质检)
]
# Pages visited per URL name and user (the detail pages of the city's objects are many).
PATHS_PER_NAME = 4


# ---------------------------------------------------------------------------------------
# The city
# ---------------------------------------------------------------------------------------


def build_city(c, sc) -> list[str]:
    """Appeals in every state the pages act on, an escalation batch under review, a
    planned and a held meeting with a task, county principals' meetings of last month with
    the hub's certification pending and made, events at several steps, an enterprise added
    at intake. Returns the pages of the appeals and events, each in another state, of the
    enterprise and of last month's facts (the crawler reads them all)."""
    flow = Flow(c)
    appeals, events = [], []
    for status in (
        Status.SUBMITTED,
        Status.MATERIALS_PENDING,
        Status.ASSIGNED,
        Status.TRANSFER_REQUESTED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.VERIFIED,
    ):
        appeals.append(flow.to(status))
    extension = flow.to(Status.IN_PROGRESS)
    appeals.append(extension)
    flow.move(extension, "request_extension", c.handler, new_due=extension.legal_due, reason="需要补充勘验")
    # The September batch under review: two requests.
    a1 = sc.appeal(project=c.project)
    appeals.append(a1)
    a2 = sc.appeal(lead=c.units.glq)
    sc.escalate(a1, when=at(2025, 9, 3))
    sc.escalate(a2, when=at(2025, 9, 4), units=[c.units.zrj])
    coordination.batch_start_review(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
    # A planned meeting, and a held one whose opinion gave GXJ a task.
    coordination.meeting_create(
        actor=c.hub,
        title="重点项目推进协调会",
        convener=c.leader,
        held_at=at(2025, 9, 20, 15),
        unit_ids=[c.units.gxj.pk, c.units.zjj.pk],
        now=at(2025, 9, 1),
    )
    held = coordination.meeting_create(
        actor=c.hub, title="协调会", convener=c.leader, held_at=at(2025, 8, 28, 15), now=at(2025, 8, 27)
    )
    items = coordination.meeting_add_items(
        actor=c.hub,
        meeting_id=held.pk,
        appeal_ids=[sc.appeal(project=c.project).pk, sc.appeal().pk],
        now=at(2025, 8, 27),
    )
    coordination.meeting_record_opinion(
        actor=c.hub,
        item_id=items[0].pk,
        opinion="市工信局牵头协调供电公司增容",
        unit_ids=[c.units.gxj.pk],
        due_date=date(2025, 9, 10),
        now=at(2025, 8, 28, 17),
    )
    # seeds/000 五(二)1: August meetings of two county principals (a month that has ended):
    # the hub's monthly certification of each county is open to it on the August facts page,
    # 鼓楼区's pending (the certify form), 仓山区's certified (the withdraw form).
    county_appeal = sc.appeal(project=c.project)
    for county in (c.units.glq, c.units.csq):
        principal = UserFactory(role=Role.LEADER, unit=county, leader_level=LeaderLevel.COUNTY_PRINCIPAL)
        meeting = coordination.meeting_create(
            actor=c.hub,
            title="县区重点项目调度会",
            convener=principal,
            held_at=at(2025, 8, 29, 15),
            now=at(2025, 8, 27),
        )
        (item,) = coordination.meeting_add_items(
            actor=c.hub, meeting_id=meeting.pk, appeal_ids=[county_appeal.pk], now=at(2025, 8, 27)
        )
        coordination.meeting_record_opinion(
            actor=c.hub,
            item_id=item.pk,
            opinion="限期办结",
            unit_ids=[county.pk],
            due_workdays=5,
            now=at(2025, 8, 29, 17),
        )
    certified = FactCertification.objects.get(unit=c.units.csq, month=date(2025, 8, 1))
    coordination.certification_certify(actor=c.hub, certification_id=certified.pk, now=at(2025, 9, 1, 9))
    # Events: collecting, verifying, the catalog submitted (the deputy's proposals),
    # reviewed (the chair's list), held (the office's opinions).
    for through in (None, "start_verification", "submit_catalog", "review", "hold"):
        event = new_event(c)
        coordination.event_add_appeals(
            actor=c.hub_gxj, event_id=event.pk, appeal_ids=[sc.appeal().pk], now=at(2025, 9, 16)
        )
        coordination.event_register_problem(
            actor=c.hub_gxj,
            event_id=event.pk,
            enterprise=c.other_enterprise,
            title="物流园区道路未移交",
            description="货车通行受限",
            category=c.category,
            unit=c.units.swj,
            now=at(2025, 9, 16, 10),
        )
        advance(c, event, through=through)
        events.append(event)
    # An enterprise added at intake, waiting in the keepers' review queue (issue 9).
    added = enterprise_add_at_intake(
        actor=c.clerk,
        credit_code=make_credit_code(990_001),
        name="鼓楼区云帆智能装备有限公司",
        industry=Industry.MANUFACTURING,
        location_id=c.units.glq.pk,
    )
    # Rectification orders to GXJ (seeds/000 三): one acknowledged (the unit's report form),
    # one reported (the office's verify, return and fail forms); a finding.
    from zhitong.supervision import services as supervision
    from zhitong.supervision.machines import ORDER

    orders = []
    for _ in range(2):
        order = supervision.order_issue(
            actor=c.supervisor,
            unit_id=c.units.gxj.pk,
            title="诉求超期未办结",
            requirement="限期办结并报送整改情况",
            workdays=5,
            appeal_ids=[appeals[4].pk],
        )
        ORDER.dispatch(pk=order.pk, move="acknowledge", actor=c.handler)
        orders.append(order)
    evidence = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    ORDER.dispatch(pk=orders[1].pk, move="report", actor=c.handler, report="已整改", evidence=evidence)
    supervision.finding_record(
        actor=c.supervisor,
        unit_id=c.units.swj.pk,
        month=date(2025, 9, 1),
        points=1,
        clause="三",
        basis="发现",
    )
    # The enterprise portal (issue 12): a withdrawn appeal awaiting the hub's call-back; the
    # enterprise user is its enterprise's principal, with a new contact to decide, and
    # another enterprise's first contact waits for the hub.
    appeals.append(flow.to(Status.WITHDRAWN))
    ContactAccess.objects.create(
        user=c.enterprise_user, enterprise=c.enterprise, status=AccessStatus.APPROVED, is_principal=True
    )
    for enterprise, status in (
        (c.enterprise, AccessStatus.PENDING_PRINCIPAL),
        (c.other_enterprise, AccessStatus.PENDING_HUB),
    ):
        ContactAccess.objects.create(
            user=UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=None),
            enterprise=enterprise,
            status=status,
            is_principal=status == AccessStatus.PENDING_HUB,
        )
    return (
        [f"/appeals/{a.pk}/" for a in appeals]
        + [f"/coordination/events/{e.pk}/" for e in events]
        + [f"/enterprises/{added.pk}/", "/coordination/facts/?month=2025-08"]
        + [f"/supervision/orders/{o.pk}/" for o in orders]
    )


def people(c) -> dict:
    admin = UserFactory(username="t_admin", role=Role.ADMIN, unit=c.units.root, is_staff=True)
    return {
        "admin": admin,
        "hub": c.hub,
        "hub_gxj": c.hub_gxj,
        "clerk": c.clerk,
        "handler": c.handler,
        "head": c.head,
        "leader": c.leader,
        "mayor": c.mayor,
        "supervisor": c.supervisor,
        "overseer": UserFactory(username="t_overseer", role=Role.OVERSEER, unit=c.units.root),
        "enterprise": c.enterprise_user,
    }


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


class Run:
    def __init__(self):
        self.failures: list[str] = []
        self.defaults = H.django_default_messages()
        self.reached: set[str] = set()
        self.requests = 0
        self.before = None  # the city's fingerprint: each submission is rolled back

    def send(self, client: Client, method: str, url: str, body: str = "", *, what: str):
        """One request in a savepoint; records a 5xx or a Django message; returns
        (status, refused, stored-something, audit text) or None on a crash."""
        if self.before is None:
            self.before, self.last = H.fingerprint(), H.last_audit_id()
        before, last = self.before, self.last

        def go():
            self.requests += 1
            try:
                if method == "get":
                    response = client.get(url)
                else:
                    response = client.generic(
                        "POST", url, body, content_type="application/x-www-form-urlencoded"
                    )
            except Exception as exc:  # the test client re-raises the view's exception
                self.failures.append(f"500 {what}: {type(exc).__name__}: {str(exc)[:200]}")
                return None
            status = response.status_code
            if not response.wsgi_request.user.is_authenticated:
                self.failures.append(f"signed out before {what}")
            notes = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
            text = " ".join(n for _, n in notes)
            if not getattr(response, "streaming", False) and "html" in response.get("Content-Type", ""):
                text += response.content.decode("utf-8", "replace")
            if status >= 500:
                self.failures.append(f"{status} {what}")
            text = text.replace(H.LONG[-1000:], "")  # the 100,000 characters typed
            for first, pattern in self.defaults:
                m = pattern.search(text) if first in text else None
                if m:
                    self.failures.append(f"Django's message {m.group(0)!r} on {what}")
                    break
            refused = status >= 400 or any(level == "error" for level, _ in notes)
            if method == "get":
                return status, refused, False, ""
            after = H.fingerprint()
            return status, refused, after != before, H.new_audit_text(last) if after != before else ""

        result = H.in_savepoint(go)
        client.cookies.pop("messages", None)
        return result

    def check_post(self, client, form: H.Form, pairs, *, what: str, never: str | None):
        result = self.send(client, "post", form.action, H.encode(pairs), what=what)
        if result is None:
            return
        status, refused, changed, audit = result
        if refused and changed:
            self.failures.append(f"refused ({status}) but the database changed: {what}")
        if changed and never is not None:
            probe = never if never != H.LONG else H.LONG[:1000]
            if probe in audit or (never == "\x00" and "\\u0000" in audit):
                self.failures.append(f"stored a hostile value: {what}")


def crawl(run: Run, client: Client, who: str, seeds: list[str]):
    """Visit `seeds` and the pages reachable from them (besides the seeds, at most
    PATHS_PER_NAME per URL name); returns the forms found, and per URL name a path and its
    query parameter names."""
    queue, seen, per_name, seeded = list(seeds), set(), defaultdict(int), set(seeds)
    forms: list[H.Form] = []
    params: dict[str, set[str]] = defaultdict(set)
    pages: dict[str, str] = {}
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        target = H.page_name(url)
        if target is None or H.skipped(target[0]):
            continue
        name = target[0]
        params[name] |= {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
        key = parts.path + ("?" if parts.query else "")
        if key in seen or (url not in seeded and per_name[name] >= PATHS_PER_NAME):
            continue
        seen.add(key)
        per_name[name] += url not in seeded
        run.requests += 1
        response = client.get(url)
        run.reached.add(name)
        if response.status_code >= 500:
            run.failures.append(f"{response.status_code} GET {url} as {who}")
            continue
        pages.setdefault(name, parts.path)
        if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
            continue
        parser = H.PageParser(url)
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            forms.append(form)
            target = H.page_name(form.action)
            if form.method == "get" and target:
                params[target[0]] |= set(form.names())
        queue += parser.links
    return forms, params, pages


def signed_in(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def hostile_get(run: Run, client: Client, who: str, path: str, keys: list[str]):
    """Every query parameter the page is known to take (and `page`) hostile at once; a
    page that takes none gets a hostile `page` twice."""
    for value in H.HOSTILE_QUERY if len(keys) > 1 else H.HOSTILE_QUERY[:2]:
        query = H.encode([(k, value) for k in keys])
        run.send(client, "get", f"{path}?{query}", what=f"GET {path} {value[:20]!r} as {who}")


def hostile_post(run: Run, client: Client, who: str, form: H.Form, today: date):
    name = H.page_name(form.action)[0]
    names = form.names()
    label = f"POST {form.action} ({name}) as {who}"
    # Every field hostile at once; nothing at all; two values for each.
    for value in H.HOSTILE:
        never = value if value in H.NEVER_STORED else None
        run.check_post(
            client, form, [(n, value) for n in names], what=f"{label} all={value[:20]!r}", never=never
        )
    run.check_post(client, form, [], what=f"{label} empty", never=None)
    run.check_post(
        client, form, [(n, v) for n in names for v in ("1", "2")], what=f"{label} lists", never=None
    )
    # One field at a time, the rest filled in as a user would.
    base = form.baseline(today)
    for n in names:
        for value in H.TARGETED.get(form.kind_of(n), []):
            pairs = [(k, v) for k, v in base if k != n] + [(n, value)]
            never = "\x00" if "\x00" in value else (value if value in H.NEVER_STORED else None)
            run.check_post(client, form, pairs, what=f"{label} {n}={value[:20]!r}", never=never)


def form_key(form: H.Form):
    """Forms of the same endpoint (ids aside) with the same fields (ids in their names
    aside: "o12-opinion") are tried once."""
    name, kwargs = H.page_name(form.action)
    return (
        name,
        tuple(sorted((k, v) for k, v in kwargs.items() if not isinstance(v, int))),
        tuple(sorted({re.sub(r"\d+", "#", n) for n in form.names()})),
    )


@pytest.mark.slow
def test_no_page_form_fails_on_hostile_input(city, scene, settings, no_template_capture):  # noqa: F811
    settings.DEBUG = False
    details = build_city(city, scene)
    run, today = Run(), timezone.localdate()
    seeds = ["/" + route for name, route, conv in H.url_patterns() if not conv and not H.skipped(name)]
    seeds += details
    users = people(city)

    clients = {who: signed_in(user) for who, user in users.items()}
    # Read every reachable page as everyone.
    found = {who: crawl(run, client, who, seeds) for who, client in clients.items()}
    # GET pages: once each (as the first who reached it), with every parameter anyone saw.
    params: dict[str, set[str]] = defaultdict(set)
    for _forms, p, _pages in found.values():
        for name, keys in p.items():
            params[name] |= keys
    done: set = set()
    for who, (_forms, _p, pages) in found.items():
        for name, path in pages.items():
            if name not in done:
                done.add(name)
                hostile_get(run, clients[who], who, path, sorted(params[name] | {"page"}))
    # POST forms: once per endpoint and set of fields, as the first who was shown it.
    done = set()
    for who, (forms, _p, _pages) in found.items():
        for form in forms:
            target = H.page_name(form.action)
            if form.method != "post" or target is None or H.skipped(target[0]):
                continue
            run.reached.add(target[0])
            if form_key(form) not in done:
                done.add(form_key(form))
                hostile_post(run, clients[who], who, form, today)
    # Hostile path arguments for every pattern that takes them.
    for name, route, conv in H.url_patterns():
        if conv and not H.skipped(name):
            for values in _path_values(conv):
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: v[m.group(1)], route)
                for method in ("get", "post"):
                    run.send(clients["hub"], method, path, what=f"{method.upper()} {path[:80]} as hub")
            run.reached.add(name)
    assert run.failures == [], (
        "\n".join(run.failures[:60]) + f"\n({len(run.failures)} of {run.requests} requests)"
    )
    missing = {n for n, _, _ in H.url_patterns() if not H.skipped(n)} - run.reached - set(UNREACHED)
    assert missing == set(), "pages no test reaches: add a link, an object, or an UNREACHED entry"
    attacked = {(key[0], dict(key[1]).get("name")) for key in done}
    assert set(MUST_ATTACK) <= attacked, f"forms the crawl no longer reaches: {set(MUST_ATTACK) - attacked}"


def _path_values(conv: dict):
    for i in range(max(len(H.PATH_VALUES[c]) for c in conv.values())):
        yield {k: H.PATH_VALUES[c][min(i, len(H.PATH_VALUES[c]) - 1)] for k, c in conv.items()}


# ---------------------------------------------------------------------------------------
# What the crawl does not reach: the sign-in form, page numbers, uploads over the limit
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", "请填写此项"),
        ("x" * 200, "secret", "内容过长：最多 150 个字，当前 200 个字"),
        ("t_hub\x01", "secret", "内容含有不可见的控制字符，请删除后再提交"),
        # NUL never reaches the form: the request-hygiene layer answers its Chinese 400 page.
        ("t_hub\x00", "secret", "输入中含有不允许的空字符(NUL)"),
    ],
)
def test_the_sign_in_form_says_what_is_wrong_in_chinese(client, db, username, password, message):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == (400 if "\x00" in username else 200)
    page = response.content.decode()
    assert message in page
    assert not any(pattern.search(page) for _, pattern in H.django_default_messages())


@pytest.mark.parametrize("page", ["9223372036854775808", "abc", "-1", "0", "²", ""])
def test_list_pages_take_any_page_number(city, page):  # noqa: F811
    client = signed_in(city.hub)
    lists = (
        "/appeals/",
        "/appeals/triage/",
        "/notifications/",
        "/coordination/tasks/",
        "/enterprises/",
        "/projects/",
    )
    for url in lists:
        assert client.get(url, {"page": page}).status_code == 200, url


def test_calendar_and_enterprise_imports_over_the_limit_are_refused_in_chinese(city, settings):  # noqa: F811
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 1024
    admin = UserFactory(role=Role.ADMIN, unit=city.units.root)
    client = signed_in(admin)
    big = "2027-01-01,holiday,元旦\n".encode() * 200
    response = client.post("/workdays/import/", {"file": SimpleUploadedFile("安排.csv", big)})
    assert response.status_code == 400
    assert "文件“安排.csv”过大：最大 1KB，当前 5KB" in response.content.decode()
    response = client.post(
        "/enterprises/import/", {"kind": "enterprises", "file": SimpleUploadedFile("企业.xlsx", b"0" * 5000)}
    )
    assert response.status_code == 400
    assert "文件“企业.xlsx”过大：最大 1KB，当前 4KB" in response.content.decode()


def test_a_body_too_big_to_read_gets_the_chinese_400_page(city, settings):  # noqa: F811
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = signed_in(city.clerk)
    response = client.post("/appeals/intake/", {"title": "长" * 1000})
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
