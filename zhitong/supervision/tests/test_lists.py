"""The supervision office's three lists (overdue, unreported, stalled: selectors docstring),
county offices scoped to their county, who may read them (pages and API), the home counts
that link to them, and their cost in queries."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Status
from zhitong.coordination import services as coordination
from zhitong.coordination.models import Task
from zhitong.portal.tests.test_home_counts import list_total, parse
from zhitong.supervision import selectors, services
from zhitong.supervision.scope import county_of, supervised_unit_ids

from .conftest import at, direct_appeal

pytestmark = pytest.mark.django_db

OVERDUE, LATER = date(2025, 8, 20), date(2025, 9, 30)


@pytest.fixture
def appeals(sup):
    u = sup.units
    a = dict(
        gxj_late=direct_appeal(sup, lead=u.gxj, due=OVERDUE),
        glq_late=direct_appeal(sup, lead=u.glq, due=OVERDUE, received_days_ago=1),
        csq_late=direct_appeal(sup, lead=u.csq, due=OVERDUE),
        gxj_in_time=direct_appeal(sup, lead=u.gxj, due=LATER, received_days_ago=1),
        swj_unsigned=direct_appeal(sup, lead=u.swj, status=Status.ASSIGNED, due=OVERDUE, received_days_ago=1),
        hub_untouched=direct_appeal(sup, lead=None, status=Status.SUBMITTED, due=OVERDUE),
        glq_received=direct_appeal(sup, lead=None, status=Status.SUBMITTED, due=OVERDUE, received_unit=u.glq),
        resolved_late=direct_appeal(
            sup, lead=u.gxj, status=Status.RESOLVED, due=OVERDUE, received_days_ago=1
        ),
    )
    return a


def _list(user, key, today=None):
    lst = selectors.supervision_list(user=user, key=key, today=today or date(2025, 9, 1))
    return set(lst.appeals), set(lst.tasks)


def test_a_county_supervision_office_is_its_countys_and_the_citys_sees_every_unit(sup):
    assert county_of(sup.units.glq_dcs) == sup.units.glq
    assert county_of(sup.units.dcs) is None
    assert supervised_unit_ids(sup.supervisor) is None
    assert supervised_unit_ids(sup.overseer) is None
    assert supervised_unit_ids(sup.county_supervisor) == {sup.units.glq.pk, sup.units.glq_dcs.pk}
    assert supervised_unit_ids(sup.handler) == set()


def test_overdue_and_unreported_appeals_by_the_seeds_stages(sup, appeals):
    a = appeals
    # 解决不及时: signed for and late at the lead unit (a resolved one waits for verification
    # and is still the unit's late answer: the appeals' red light in the handling stage).
    assert _list(sup.supervisor, "overdue") == (
        {a["gxj_late"], a["glq_late"], a["csq_late"], a["resolved_late"]},
        set(),
    )
    # 不上报: past the deadline and not taken into a lead unit's ledger.
    assert _list(sup.supervisor, "unreported") == (
        {a["swj_unsigned"], a["hub_untouched"], a["glq_received"]},
        set(),
    )
    # The county office: what its county's units lead or received.
    assert _list(sup.county_supervisor, "overdue") == ({a["glq_late"]}, set())
    assert _list(sup.county_supervisor, "unreported") == ({a["glq_received"]}, set())
    assert _list(sup.overseer, "overdue") == _list(sup.supervisor, "overdue")


def test_stalled_means_no_action_for_n_working_days_on_the_calendar(sup, appeals, settings):
    a = appeals
    # Received 30 days ago, nothing recorded since: stalled; received yesterday: not yet.
    assert _list(sup.supervisor, "stalled") == ({a["gxj_late"], a["csq_late"]}, set())
    settings.ZHITONG_SUPERVISION_STALLED_WORKDAYS = 30
    assert _list(sup.supervisor, "stalled") == (set(), set())
    settings.ZHITONG_SUPERVISION_STALLED_WORKDAYS = 5
    # Five working days before Thursday 9 October 2025 reach back over the National Day
    # holidays (1–8 October) and the make-up working Sunday 28 September: to 25 September.
    assert selectors.stalled_since(date(2025, 10, 9)).date() == date(2025, 9, 25)


def test_stalled_is_the_last_action_before_the_line_and_its_count_is_its_list(sup, appeals):
    """The list's rule (COALESCE(MAX(action), received) < line) and the count's probes agree
    at the line: an action on it is not stalled, one just before it is."""
    from datetime import timedelta

    from zhitong.appeals.models import Transition

    a, today = appeals, date(2025, 9, 1)
    line = selectors.stalled_since(today)
    for appeal, when in ((a["gxj_late"], line), (a["csq_late"], line - timedelta(seconds=1))):
        Transition.objects.create(appeal=appeal, action="note", to_status=appeal.status, at=when)
    lst = selectors.supervision_list(user=sup.supervisor, key="stalled", today=today)
    assert set(lst.appeals) == {a["csq_late"]}
    assert [x.last_action_at for x in lst.appeals] == [line - timedelta(seconds=1)]
    assert lst.total() == len(lst.appeals) + len(lst.tasks) == 1


def _tasks(sup, scene):
    """A coordination task for GXJ through the real services: opinion on 12 September 2025,
    5 working days (due 19 September)."""
    c = sup
    appeal = scene.appeal(project=c.project)
    req = scene.escalate(appeal, when=at(2025, 9, 3))
    coordination.batch_start_review(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    coordination.escalation_accept(actor=c.hub, request_id=req.pk, now=at(2025, 9, 11))
    coordination.batch_submit(actor=c.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    meeting = coordination.meeting_create(
        actor=c.hub, title="9月协调会", convener=c.leader, held_at=at(2025, 9, 12, 8)
    )
    items = coordination.meeting_add_items(actor=c.hub, meeting_id=meeting.pk, escalation_ids=[req.pk])
    coordination.meeting_record_opinion(
        actor=c.hub,
        item_id=items[0].pk,
        opinion="限期办理",
        unit_ids=[c.units.gxj.pk],
        due_workdays=5,
        now=at(2025, 9, 12, 10),
    )
    return Task.objects.get()


def test_a_late_task_is_overdue_and_a_task_without_progress_is_stalled(sup, scene):
    task = _tasks(sup, scene)
    assert task.due == date(2025, 9, 19)
    assert _list(sup.supervisor, "overdue", date(2025, 9, 19))[1] == set()
    assert _list(sup.supervisor, "overdue", date(2025, 9, 22))[1] == {task}
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        assert _list(sup.supervisor, "stalled", date(2025, 10, 9))[1] == {task}
        assert _list(sup.county_supervisor, "overdue", date(2025, 10, 9))[1] == set()
        from zhitong.coordination.machines.tasks import TASK

        TASK.dispatch(pk=task.pk, move="progress", actor=sup.handler, note="已约谈企业")
        assert _list(sup.supervisor, "stalled", date(2025, 10, 9))[1] == set()


# -- pages and API: who reads the lists ---------------------------------------------------------


READERS = ("supervisor", "county_supervisor", "overseer", "hub")
NOT_READERS = ("handler", "head", "outsider", "leader", "enterprise_user")


@pytest.mark.parametrize("key", selectors.LISTS)
def test_who_reads_the_list_pages(sup, appeals, client, key):
    url = reverse("supervision:items", args=[key])
    for who in READERS:
        client.force_login(getattr(sup, who))
        r = client.get(url)
        assert r.status_code == 200, who
        assert (
            int(parse(r.content.decode()).totals[0])
            == selectors.supervision_list(user=getattr(sup, who), key=key).total()
        )
    for who in NOT_READERS:
        client.force_login(getattr(sup, who))
        assert client.get(url).status_code == 403, who
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(sup.supervisor)
    assert client.get(reverse("supervision:items", args=["nonsense"])).status_code == 404


def test_the_county_office_lists_only_its_county(sup, appeals, client):
    client.force_login(sup.county_supervisor)
    page = client.get(reverse("supervision:items", args=["overdue"])).content.decode()
    assert appeals["glq_late"].code in page
    assert appeals["gxj_late"].code not in page and appeals["csq_late"].code not in page


def test_who_reads_the_lists_through_the_api(sup, appeals):
    def get(user, path):
        if user is None:
            return Client().get(path)
        _, raw = ApiToken.issue(user=user, name="t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(path)

    r = get(sup.supervisor, "/api/v1/supervision/lists/unreported")
    assert r.status_code == 200 and r.json()["total"] == 3 and len(r.json()["items"]) == 3
    r = get(sup.county_supervisor, "/api/v1/supervision/lists/unreported")
    assert [i["code"] for i in r.json()["items"]] == [appeals["glq_received"].code]
    assert get(sup.overseer, "/api/v1/supervision/lists/overdue").status_code == 200
    for who in ("handler", "head", "outsider"):
        assert get(getattr(sup, who), "/api/v1/supervision/lists/overdue").status_code == 403
    assert get(None, "/api/v1/supervision/lists/overdue").status_code == 401
    assert get(sup.supervisor, "/api/v1/supervision/lists/nonsense").status_code == 400
    assert json.loads(get(sup.supervisor, "/api/v1/supervision/lists/nonsense").content)["field"] == "key"


@pytest.mark.parametrize("who", ["supervisor", "county_supervisor", "overseer", "handler"])
def test_every_supervision_count_on_the_home_page_equals_its_list(sup, appeals, client, who):
    services.order_issue(
        actor=sup.supervisor, unit_id=sup.units.gxj.pk, title="超期", requirement="整改", workdays=1
    )
    services.order_issue(
        actor=sup.county_supervisor, unit_id=sup.units.glq.pk, title="超期", requirement="整改", workdays=1
    )
    client.force_login(getattr(sup, who))
    home = parse(client.get("/").content.decode())
    mine = [c for c in home.counts if c.key.startswith("supervision_")]
    assert mine, who
    for count in mine:
        assert int(count.value) == list_total(client, count.href, home), count
    with time_machine.travel(at(2025, 9, 3, 10), tick=False):  # the orders are late now
        home = parse(client.get("/").content.decode())
        for count in (c for c in home.counts if c.key.startswith("supervision_")):
            assert int(count.value) == list_total(client, count.href, home), count


def test_the_list_pages_cost_the_same_for_few_or_many_rows(sup, client, count_queries):
    urls = [reverse("supervision:items", args=[k]) for k in selectors.LISTS]
    urls += [reverse("supervision:list"), reverse("supervision:orders"), reverse("supervision:findings")]
    client.force_login(sup.supervisor)

    def rows(n):
        for i in range(n):
            direct_appeal(sup, lead=sup.units.gxj if i % 2 else sup.units.glq, due=OVERDUE)
            direct_appeal(sup, lead=None, status=Status.SUBMITTED, due=OVERDUE)
            services.order_issue(
                actor=sup.supervisor,
                unit_id=sup.units.gxj.pk,
                title=f"整改{i}",
                requirement="整改",
                workdays=3,
            )
            services.finding_record(
                actor=sup.supervisor,
                unit_id=sup.units.swj.pk,
                month=date(2025, 9, 1),
                points=1,
                clause="三",
                basis="发现",
            )

    rows(2)
    small = [count_queries(client, url) for url in urls]
    rows(8)
    large = [count_queries(client, url) for url in urls]
    assert count_queries.html.count("发现") >= 10
    assert small == large


def test_the_order_detail_costs_the_same_for_one_or_many_objects(sup, client, count_queries):
    few = [direct_appeal(sup, lead=sup.units.gxj, due=OVERDUE)]
    many = few + [direct_appeal(sup, lead=sup.units.gxj, due=OVERDUE) for _ in range(9)]
    client.force_login(sup.supervisor)
    costs = []
    for objs in (few, many):
        order = services.order_issue(
            actor=sup.supervisor,
            unit_id=sup.units.gxj.pk,
            title="超期",
            requirement="整改",
            workdays=3,
            appeal_ids=[a.pk for a in objs],
        )
        costs.append(count_queries(client, reverse("supervision:order_detail", args=[order.pk])))
    assert count_queries.html.count("ZT-SUP-") >= 10
    assert costs[0] == costs[1]


def test_a_cached_home_figure_follows_a_move_at_once(sup, appeals, client):
    """The home's appeal figures are cached under the appeal counts' freshness rule
    (SupervisionList.home_total, appeals/counters.py): a progress note on a stalled appeal
    takes it off the stalled figure on the next load, the figure still equal to its list."""
    from zhitong.appeals.services import appeal_move

    client.force_login(sup.supervisor)

    def figure(key):
        home = parse(client.get("/").content.decode())
        count = next(c for c in home.counts if c.key == f"supervision_{key}")
        assert int(count.value) == list_total(client, count.href, home), count
        return int(count.value)

    before = figure("stalled")
    assert before >= 1
    assert figure("stalled") == before  # read again: from the cache
    appeal_move(appeal_id=appeals["gxj_late"].pk, move="add_progress", actor=sup.hub, note="已约谈企业")
    assert figure("stalled") == before - 1
