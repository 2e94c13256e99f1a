"""Reads that stay flat (issue 14), by query counts, not timings: the workbench, the API list
and every role's home page fetch a page as two queries (the ids on the appeal table alone,
then the rows with at most a few joins), and a second load reads its counts from the cache
(appeals/counters.py) instead of counting again."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.api.scopes import ALL_SCOPES
from zhitong.api.services import token_create
from zhitong.appeals.selectors import ROW_JOINS

from . import test_home_counts as home

pytestmark = pytest.mark.django_db

# The home-count test's busy city and its fixtures.
_fresh_calendar_cache = home._fresh_calendar_cache
_frozen_start = home._frozen_start
_media = home._media
at = home.at
busy = home.busy
city = home.city
scene = home.scene

APPEALS = re.compile(r'\bFROM "appeals_appeal"')
MAX_ROW_JOINS = len(ROW_JOINS)  # the rows query: enterprise (+ its location), category, two units


def _appeal_selects(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and APPEALS.search(q["sql"])
    ]


def _joins(sql: str) -> int:
    return len(re.findall(r"\bJOIN\b", sql))


def _counting(sqls) -> list[str]:
    return [s for s in sqls if "COUNT(" in s.upper()]


def _load(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response, ctx.captured_queries


def _id_queries(sqls) -> list[str]:
    return [
        s for s in sqls if re.match(r'\s*SELECT "appeals_appeal"\."id"( AS "pk")? FROM "appeals_appeal"', s)
    ]


def _assert_two_query_page(sqls):
    ids = _id_queries(sqls)
    assert ids, "no narrow id query for the page:\n" + "\n".join(s[:120] for s in sqls)
    for sql in ids:
        assert _joins(sql) == 0, f"the id page joins tables: {sql}"
        assert "LIMIT" in sql.upper()
    widest = max(_joins(s) for s in sqls)
    assert widest <= MAX_ROW_JOINS, f"a query on appeals joins {widest} tables"


def test_the_workbench_is_two_queries_and_counts_once(client, busy):
    client.force_login(busy.hub)
    _, cold = _load(client, "/appeals/")
    _, warm = _load(client, "/appeals/")
    cold_sqls, warm_sqls = _appeal_selects(cold), _appeal_selects(warm)
    _assert_two_query_page(cold_sqls)
    _assert_two_query_page(warm_sqls)
    # Cold: the light tabs and the status tabs, one GROUP BY each; the page needs no COUNT.
    assert len(_counting(cold_sqls)) == 2
    assert _counting(warm_sqls) == []
    assert len(warm) < len(cold)
    assert len(warm) == 10


def test_a_later_page_of_the_workbench_is_two_queries(client, busy):
    client.force_login(busy.hub)
    response, queries = _load(client, "/appeals/?status=all&page=2")
    assert response.context["page_obj"].number == 2
    assert response.context["appeals"], "the data has a second page"
    _assert_two_query_page(_appeal_selects(queries))


def test_the_api_list_is_two_queries_and_counts_from_the_cache(client, busy):
    # actor None: the command line's `zhitong token create` (whoever runs it administers).
    _, secret = token_create(actor=None, owner_id=busy.hub.pk, name="reads", scopes=list(ALL_SCOPES))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response, cold = _load(client, "/api/v1/appeals?page_size=5", **auth)
    body = response.json()
    assert body["has_next"] is True and len(body["items"]) == 5 and body["count"] > 5
    _, warm = _load(client, "/api/v1/appeals?page_size=5", **auth)
    cold_sqls, warm_sqls = _appeal_selects(cold), _appeal_selects(warm)
    _assert_two_query_page(cold_sqls)
    assert len(_counting(cold_sqls)) == 1 and _counting(warm_sqls) == []
    # Without the count: none is made, and the page still says whether another follows.
    response, queries = _load(client, "/api/v1/appeals?page_size=5&with_count=false&page=2", **auth)
    assert response.json()["count"] is None and response.json()["has_next"] is True
    assert _counting(_appeal_selects(queries)) == []


# Counts of appeals a warm home page still makes: other apps' panels that count their own
# lists on every load (the eportal's withdrawals awaiting the hub's call-back) — not the
# appeal figures. The supervision office's lists keep their appeals' part in the cache too
# (supervision.selectors.SupervisionList.home_total).
OTHER_PANELS_COUNTS = {"hub": 1}


@pytest.mark.parametrize("who", [w for w in home.PEOPLE if w not in ("enterprise", "admin", "leader")])
def test_every_home_page_counts_once_then_reads_its_figures_from_the_cache(client, busy, who):
    user = home.PEOPLE[who](busy)
    client.force_login(user)
    _, cold = _load(client, "/")
    _, warm = _load(client, "/")
    cold_sqls, warm_sqls = _appeal_selects(cold), _appeal_selects(warm)
    # Warm: the appeal figures come from the cache; no query on appeals is wider than a
    # page's rows, and the urgent list is an id query then its rows.
    assert len(_counting(warm_sqls)) == OTHER_PANELS_COUNTS.get(who, 0), _counting(warm_sqls)
    assert len(_counting(cold_sqls)) > len(_counting(warm_sqls))
    assert all(_joins(s) <= MAX_ROW_JOINS for s in cold_sqls + warm_sqls)
    for sql in _id_queries(cold_sqls):
        assert _joins(sql) == 0
    assert len(warm) < len(cold)
