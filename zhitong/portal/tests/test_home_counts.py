"""Every count on every role's home page equals the length of the list it links to (issue 9:
the unit head's "本单位超期" counted appeals other units lead — 17 where the unit led 4).

Generic on purpose: the test reads the rendered home page, finds every count
(`data-count`, includes/home_count.html and the per-unit tables), follows the link around
it, and compares the number with the total the list page declares (`data-list-total`,
includes/list_total.html: every page of the list, not just the first) — or, for a Django
admin list, its changelist's result count. A new count on any home page is covered the day
it is added; a count without a link fails.

The city is the coordination tests' (real services for intake, routing, escalation, batch,
meeting and tasks) plus appeals written directly with their clock columns: led by the unit,
cooperated on by it, led by other units; overdue, due soon and in time; more overdue ones
than fit on one workbench page."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag

import pytest
from django.db import transaction
from django.utils import timezone

from zhitong.appeals.choices import Channel, Light, Status
from zhitong.appeals.deadlines import light_of
from zhitong.appeals.models import Appeal, Category, Cooperation
from zhitong.audit.services import audit_record
from zhitong.coordination import services
from zhitong.coordination.tests import conftest as coordination_fixtures
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

# The coordination tests' city and scene, with their clock and calendar fixtures.
at = coordination_fixtures.at
city = coordination_fixtures.city
scene = coordination_fixtures.scene
_frozen_start = coordination_fixtures._frozen_start
_media = coordination_fixtures._media
_fresh_calendar_cache = coordination_fixtures._fresh_calendar_cache

WORKBENCH_PAGE = 20  # appeals.forms.PER_PAGE_CHOICES[0]


# ---------------------------------------------------------------------------------------
# Reading a page: its counts and links, and a list's total
# ---------------------------------------------------------------------------------------


@dataclass
class Count:
    key: str
    value: str
    href: str | None


class _CountParser(HTMLParser):
    """Every element carrying data-count: its text and the href of the innermost <a> around
    it; every data-list-total, and the one of each element with an id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: list[str | None] = []
        self.counts: list[Count] = []
        self.totals: list[str] = []
        self.totals_by_id: dict[str, str] = {}
        self._open: tuple[Count, str, int] | None = None  # (count, tag, depth)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-list-total" in a:
            self.totals.append(a["data-list-total"])
            if "id" in a:
                self.totals_by_id[a["id"]] = a["data-list-total"]
        if tag == "a":
            self.anchors.append(a.get("href"))
        if self._open is not None:
            count, open_tag, depth = self._open
            if tag == open_tag:
                self._open = (count, open_tag, depth + 1)
        elif "data-count" in a:
            href = next((h for h in reversed(self.anchors) if h), None)
            self._open = (Count(a["data-count"], "", href), tag, 1)

    def handle_endtag(self, tag):
        if self._open is not None:
            count, open_tag, depth = self._open
            if tag == open_tag:
                if depth == 1:
                    count.value = count.value.strip()
                    self.counts.append(count)
                    self._open = None
                else:
                    self._open = (count, open_tag, depth - 1)
        if tag == "a" and self.anchors:
            self.anchors.pop()

    def handle_data(self, data):
        if self._open is not None:
            self._open[0].value += data


def parse(html: str) -> _CountParser:
    parser = _CountParser()
    parser.feed(html)
    parser.close()
    return parser


def list_total(client, href: str, home: _CountParser) -> int:
    """How many rows the list at `href` holds in all, as that page states it."""
    url, fragment = urldefrag(href)
    if not url:  # a list on the home page itself
        assert fragment in home.totals_by_id, f"#{fragment} declares no data-list-total"
        return int(home.totals_by_id[fragment])
    response = client.get(url)
    assert response.status_code == 200, (href, response.status_code)
    page = parse(response.content.decode())
    if page.totals:
        assert len(set(page.totals)) == 1, (href, page.totals)
        return int(page.totals[0])
    cl = response.context.get("cl") if response.context else None
    assert cl is not None, f"{href} declares no data-list-total (includes/list_total.html)"
    return cl.result_count  # a Django admin changelist


# ---------------------------------------------------------------------------------------
# A busy city
# ---------------------------------------------------------------------------------------


_numbers = itertools.count(1)


def _direct(city, *, lead, status=Status.IN_PROGRESS, due: date | None, received_unit=None, coop=()):
    """An appeal written directly with its clock columns (yellow from 2 days before)."""
    n = next(_numbers)
    appeal = Appeal.objects.create(
        code=f"ZT-HOME-{n:05d}",
        enterprise=city.enterprise if n % 3 else city.other_enterprise,
        title=f"首页计数诉求{n}",
        description="测试",
        category=Category.objects.get(code="SCJY"),
        channel=Channel.HOTLINE,
        received_at=timezone.now() - timedelta(days=30),
        received_by=city.clerk,
        received_unit=received_unit or city.units.hotline,
        lead_unit=lead,
        status=status,
        clock_due=due,
        clock_yellow_from=due - timedelta(days=2) if due else None,
        is_problem=n % 7 == 0,
        extension_requested_due=due + timedelta(days=10) if due and n % 5 == 0 else None,
    )
    for unit in coop:
        Cooperation.objects.create(appeal=appeal, unit=unit, due=due)
    return appeal


@pytest.fixture
def busy(city, scene):
    c, u = city, city.units
    # Through the services: routed, signed, escalated, reviewed, sent to the leader, met on.
    appeals = [scene.appeal(project=c.project, title=f"协调诉求{i}") for i in range(3)]
    requests = [scene.escalate(a, when=at(2025, 9, 3, 9, i)) for i, a in enumerate(appeals)]
    services.batch_start_review(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    for req in requests:
        services.escalation_accept(actor=c.hub, request_id=req.pk, now=at(2025, 9, 11))
    services.batch_submit(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    meeting = services.meeting_create(
        actor=c.hub, title="9月协调会", convener=c.leader, held_at=at(2025, 9, 12, 8)
    )
    items = services.meeting_add_items(actor=c.hub, meeting_id=meeting.pk, escalation_ids=[requests[0].pk])
    services.meeting_record_opinion(
        actor=c.hub,
        item_id=items[0].pk,
        opinion="限期办理",
        unit_ids=[u.gxj.pk],
        due_workdays=5,
        now=at(2025, 9, 12, 10),
    )
    scene.appeal(status=Status.SUBMITTED)
    scene.appeal(status=Status.ASSIGNED)
    scene.appeal(status=Status.ASSIGNED, lead=u.swj)
    scene.appeal(lead=u.swj)

    today = timezone.localdate()
    overdue, soon, later = today - timedelta(days=3), today + timedelta(days=1), today + timedelta(days=20)
    # Led by GXJ (the handler's and head's unit): 4 overdue, others in time.
    for due in (overdue, overdue, overdue, overdue, soon, later):
        _direct(c, lead=u.gxj, due=due)
    _direct(c, lead=u.gxj, status=Status.ESCALATED, due=later)
    _direct(c, lead=u.gxj, status=Status.RESOLVED, due=soon)
    # The enterprise portal (issue 12): withdrawn appeals awaiting the hub's call-back (one
    # already called back), and a first contact waiting to be confirmed as principal.
    for check in ("pending", "pending", "voluntary"):
        w = _direct(c, lead=u.gxj, status=Status.WITHDRAWN, due=None)
        Appeal.objects.filter(pk=w.pk).update(withdrawal_check=check, withdrawn_at=timezone.now())
    from zhitong.eportal.models import ContactAccess
    from zhitong.organizations.tests.factories import UserFactory

    ContactAccess.objects.create(
        user=UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=None),
        enterprise=c.enterprise,
        status="pending_hub",
        is_principal=True,
    )
    _direct(c, lead=u.gxj, due=overdue, received_unit=u.gxj_section)  # received by its section
    # Led by a unit closed since: its lateness is still listed and counted.
    _direct(c, lead=UnitFactory(name="原市经济委员会", is_active=False), due=overdue)
    # Cooperated on by GXJ, led by others: overdue, but not GXJ's lateness (13 of them).
    for i in range(13):
        _direct(c, lead=u.swj if i % 2 else u.zrj, due=overdue, coop=[u.gxj])
    # Other units' own, more overdue than a workbench page holds for those who see the city.
    for i in range(WORKBENCH_PAGE + 3):
        _direct(c, lead=u.swj if i % 2 else u.glq, due=overdue if i % 3 else soon)
    # Received and never taken up (intake stage), by the hotline and by a county.
    _direct(c, lead=None, status=Status.SUBMITTED, due=overdue)
    _direct(c, lead=None, status=Status.SUBMITTED, due=overdue, received_unit=u.glq)
    _direct(c, lead=None, status=Status.MATERIALS_PENDING, due=None)
    _direct(c, lead=u.swj, status=Status.VERIFIED, due=overdue)  # the enterprise's clock: no light
    _direct(c, lead=u.gxj, status=Status.CLOSED, due=None)
    _direct(c, lead=u.gxj, status=Status.MERGED, due=None)
    # The administrator's figures: users, audit refusals, failed and dead outbox rows.
    EnterpriseFactory.create_batch(2)
    UserFactory(role=Role.HANDLER, unit=u.swj, is_active=False)
    with transaction.atomic():
        audit_record(action="auth.login_throttled", obj=c.handler, actor=None)
    now = timezone.now()
    for i, status in enumerate(["dead", "dead", "failed", "pending"]):
        OutboxMessage.objects.create(
            kind="test",
            payload={},
            dedupe_key=f"home-{i}",
            status=status,
            next_attempt_at=now,
            created_at=now,
        )
    return c


PEOPLE = {
    "enterprise": lambda c: c.enterprise_user,
    "clerk": lambda c: c.clerk,
    "handler": lambda c: c.handler,
    "unit head": lambda c: c.head,
    "section handler": lambda c: c.section_handler,
    "hub": lambda c: c.hub,
    "leader": lambda c: c.leader,
    "supervisor": lambda c: c.supervisor,
    "overseer": lambda c: UserFactory(role=Role.OVERSEER, unit=c.units.root),
    "admin": lambda c: UserFactory(role=Role.ADMIN, unit=c.units.root, is_staff=True, is_superuser=True),
}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_count_on_the_home_page_equals_the_list_it_opens(client, busy, who):
    user = PEOPLE[who](busy)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    home = parse(response.content.decode())
    assert home.counts, f"the {who} home page shows no count"

    compared, long_lists = [], 0
    for count in home.counts:
        assert count.href, f"count {count.key!r} ({count.value}) links to no list"
        assert count.value.isdigit(), count
        total = list_total(client, count.href, home)
        compared.append((count.key, int(count.value), total, count.href))
        long_lists += total > WORKBENCH_PAGE
    wrong = [c for c in compared if c[1] != c[2]]
    assert not wrong, "count ≠ its list's length (key, count, list total, link):\n" + "\n".join(
        map(str, wrong)
    )
    if who in ("hub", "supervisor", "overseer"):
        assert long_lists, "no list here is longer than one page: the data does not test pagination"


def test_the_unit_heads_overdue_count_is_what_the_unit_leads(client, busy):
    client.force_login(busy.head)
    home = parse(client.get("/").content.decode())
    shown = {c.key: int(c.value) for c in home.counts}
    today = timezone.localdate()
    gxj = {busy.units.gxj.pk, busy.units.gxj_section.pk}
    led_red = [a for a in Appeal.objects.filter(lead_unit__in=gxj) if light_of(a, today) == Light.RED]
    # 5 led by GXJ; the 13 it cooperates on are other units' lateness.
    assert shown["red_led"] == len(led_red) == 5
    assert shown["cooperation"] == 13


def test_a_count_outside_a_link_is_found_and_refused():
    page = parse(
        '<a href="/appeals/?light=red"><span data-count="red">3</span></a>'
        '<div><span data-count="loose">2</span></div>'
        '<article id="pending" data-list-total="4"></article>'
    )
    assert [(c.key, c.value, c.href) for c in page.counts] == [
        ("red", "3", "/appeals/?light=red"),
        ("loose", "2", None),
    ]
    assert page.totals_by_id == {"pending": "4"}
