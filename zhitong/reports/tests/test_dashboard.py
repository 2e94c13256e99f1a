"""The appeals dashboard: every element's count is the length of the list it links to, the
figures are the user's scope, and who may open the page."""

from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.appeals.views.workbench import WorkbenchLists
from zhitong.reports.dashboard import dashboard_for_user
from zhitong.reports.tests.conftest import TZ

URL = "/reports/dashboard/"


def later():
    """A week after the scene (the flow's steps run ahead of the clock by an hour each)."""
    return time_machine.travel(datetime(2025, 9, 10, 9, tzinfo=TZ), tick=False)


def _scene(flow, city):
    """Appeals of two units, in several states and months, two of them overdue."""
    flow.to(Status.IN_PROGRESS)
    flow.to(Status.CLOSED)
    flow.to(Status.SUBMITTED)  # no lead unit yet
    late = flow.to(Status.IN_PROGRESS)
    Appeal.objects.filter(pk=late.pk).update(clock_due=date(2025, 8, 20))  # past: red
    other = flow.to(Status.ASSIGNED)
    Appeal.objects.filter(pk=other.pk).update(lead_unit=city.units.swj)
    on_time_late = flow.to(Status.RESOLVED)
    Appeal.objects.filter(pk=on_time_late.pk).update(resolved_on_time=False)
    # One received in an earlier month.
    old = flow.to(Status.IN_PROGRESS)
    Appeal.objects.filter(pk=old.pk).update(
        received_at=timezone.make_aware(timezone.datetime(2025, 7, 15, 10))
    )
    # Every other deadline far ahead: exactly two are overdue (`late`, `on_time_late`).
    Appeal.objects.exclude(pk=late.pk).update(clock_due=date(2025, 12, 31), clock_yellow_from=None)


def _elements(d):
    return [*d.by_status, *d.by_unit, *d.by_category, *d.by_month, *d.heat_cells]


def _list_length(client, url) -> int:
    """The number of appeals the workbench page lists for `url` (all its pages)."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    r = client.get("/appeals/", {**params, "per_page": 100})
    assert r.status_code == 200
    return r.context["page_obj"].paginator.count


def test_every_chart_element_counts_exactly_the_list_it_links_to(client, flow, city):
    _scene(flow, city)
    with later():
        _check_every_element(client, city)


def _check_every_element(client, city):
    for user in (city.hub, city.head, city.swj_head, city.leader):
        d = dashboard_for_user(user=user)
        lists = WorkbenchLists(user, today=timezone.localdate())
        client.force_login(user)
        assert d.total == _list_length(client, d.total_url)
        assert d.late_total == _list_length(client, d.late_url)
        for e in _elements(d):
            assert e.count == lists.count(e.params), (user, e)
            assert e.count == _list_length(client, e.url), (user, e)


def test_the_hubs_dashboard_counts_the_whole_city(flow, city):
    _scene(flow, city)
    with later():
        d = dashboard_for_user(user=city.hub)
    assert d.total == 7
    assert {b.label: b.count for b in d.by_unit} == {
        city.units.gxj.display_name: 5,
        city.units.swj.display_name: 1,
    }
    assert {b.label: b.count for b in d.by_month if b.count} == {"2025年7月": 1, "2025年9月": 6}
    assert d.late_total == 2
    assert [(c.unit_label, c.month_label, c.count) for c in d.heat_cells] == [
        (city.units.gxj.display_name, "2025-09", 2)
    ]


def test_a_unit_head_sees_only_their_own_units_figures(flow, city):
    _scene(flow, city)
    with later():
        d = dashboard_for_user(user=city.head)
        swj = dashboard_for_user(user=city.swj_head)
    assert d.total == 5  # what GXJ leads: not SWJ's, not the untriaged one
    assert [(b.count, "led" in b.params) for b in d.by_unit] == [(5, True)]
    d = swj
    assert d.total == 1 and d.late_total == 0


def test_the_dashboard_page_draws_from_a_static_script_and_json_data(client, flow, city):
    _scene(flow, city)
    with later():
        client.force_login(city.hub)
        r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="zt-dashboard-data"' in html
    assert "reports/dashboard.js" in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    data = r.context["chart_data"]
    assert {b["label"] for b in data["status"]} == {"办理中", "已关闭", "待分办", "待签收", "已办结待核验"}


def test_who_may_open_the_dashboard(client, people):
    city = people
    for user in (city.hub, city.leader, city.supervisor, city.overseer, city.head, city.mayor):
        client.force_login(user)
        assert client.get(URL).status_code == 200, user
    for user in (city.handler, city.outsider, city.clerk, city.enterprise_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_dashboard_runs_the_same_queries_for_few_and_many_appeals(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.hub)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _scene(flow, city)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_the_late_filter_of_the_workbench_lists_overdue_and_late_resolved_appeals(client, flow, city):
    _scene(flow, city)
    with later():
        client.force_login(city.hub)
        r = client.get("/appeals/", {"status": "all", "late": "on"})
    assert r.status_code == 200
    assert r.context["page_obj"].paginator.count == 2
