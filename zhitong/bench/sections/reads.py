"""The read pages in process (Django's test client: URL routing, middleware, the view, the
template; no network), each against the raw SQL of the same page: the rows it shows and
the count it states, hand-written, on the same connection."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ..stats import Row, median, p95, ratio

SEARCH_WORD = "道路"  # two characters: the word the issue's search target names


def _time_get(client: Client, url: str, runs: int, **headers) -> tuple[list[float], int, int]:
    status = 0
    for _ in range(2):  # warm caches and the connection
        status = client.get(url, **headers).status_code
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            status = client.get(url, **headers).status_code
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    return times, queries, status


def _time_sql(statements: list[tuple[str, list]], runs: int) -> list[float]:
    times = []
    with connection.cursor() as cur:
        for i in range(runs + 2):
            t0 = time.perf_counter()
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
    return times


LIST_SQL = (
    "SELECT a.id, a.code, a.title, a.status, a.received_at, a.clock_due, a.clock_yellow_from, e.name, u.name "
    "FROM appeals_appeal a JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
    "LEFT JOIN organizations_unit u ON u.id = a.lead_unit_id {where} "
    "ORDER BY a.received_at DESC, a.id DESC LIMIT 20"
)
COUNT_SQL = (
    "SELECT COUNT(*) FROM appeals_appeal a JOIN enterprises_enterprise e ON e.id = a.enterprise_id {where}"
)
SEARCH_WHERE = "WHERE (a.code LIKE %s OR a.title LIKE %s OR a.description LIKE %s OR e.name LIKE %s)"


def _users():
    from zhitong.organizations.choices import Role
    from zhitong.organizations.models import User

    out = {}
    for role in (
        Role.HUB,
        Role.HANDLER,
        Role.UNIT_HEAD,
        Role.LEADER,
        Role.SUPERVISOR,
        Role.CLERK,
        Role.OVERSEER,
    ):
        qs = User.objects.filter(role=role, is_active=True)
        if role in (Role.HANDLER, Role.UNIT_HEAD):
            # the busiest unit's staff: the worst case of a unit's pages
            from django.db.models import Count

            from zhitong.appeals.models import Appeal

            busiest = (
                Appeal.objects.values("lead_unit")
                .annotate(n=Count("id"))
                .order_by("-n")
                .values_list("lead_unit", flat=True)
                .first()
            )
            qs = qs.filter(unit_id=busiest) if qs.filter(unit_id=busiest).exists() else qs
        user = qs.order_by("id").first()
        if user:
            out[role] = user
    return out


def run(*, runs: int = 15, **_) -> list[Row]:
    from zhitong.api.models import ApiToken
    from zhitong.appeals.choices import Status
    from zhitong.appeals.models import Appeal
    from zhitong.organizations.choices import Role

    users = _users()
    hub = users[Role.HUB]
    client = Client(HTTP_HOST="localhost")
    client.force_login(hub)
    rows: list[Row] = []
    like = f"%{SEARCH_WORD}%"
    appeal = (
        Appeal.objects.filter(status=Status.IN_PROGRESS).order_by("-received_at").first()
        or Appeal.objects.first()
    )
    detail_sql = [
        (
            "SELECT a.*, e.name FROM appeals_appeal a JOIN enterprises_enterprise e ON e.id = a.enterprise_id WHERE a.id = %s",
            [appeal.pk],
        ),
        ("SELECT * FROM appeals_transition WHERE appeal_id = %s ORDER BY at, id", [appeal.pk]),
        ("SELECT * FROM appeals_cooperation WHERE appeal_id = %s", [appeal.pk]),
        ("SELECT * FROM appeals_appealevidence WHERE appeal_id = %s", [appeal.pk]),
    ]
    whole = [(LIST_SQL.format(where=""), []), (COUNT_SQL.format(where=""), [])]
    search = [
        (LIST_SQL.format(where=SEARCH_WHERE), [like] * 4),
        (COUNT_SQL.format(where=SEARCH_WHERE), [like] * 4),
    ]
    pages = [
        ("workbench (hub)", "/appeals/", whole),
        ("detail", f"/appeals/{appeal.pk}/", detail_sql),
        ("search “道路” (workbench)", f"/appeals/?q={quote(SEARCH_WORD)}", search),
    ]
    for name, url, sql in pages:
        times, queries, status = _time_get(client, url, runs)
        raw = _time_sql(sql, runs)
        rows.append(
            Row(
                "reads",
                name,
                median(times),
                p95(times),
                queries,
                "raw SQL",
                ratio(median(times), median(raw)),
                f"HTTP {status}; raw {median(raw):.1f} ms",
            )
        )

    token, secret = ApiToken.issue(user=hub, name="bench reads", rate_limit=10**6)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    api = Client(HTTP_HOST="localhost")
    times, queries, status = _time_get(api, "/api/v1/appeals", runs, **api_headers)
    raw = _time_sql(whole, runs)
    rows.append(
        Row(
            "reads",
            "API list",
            median(times),
            p95(times),
            queries,
            "raw SQL",
            ratio(median(times), median(raw)),
            f"HTTP {status}; raw {median(raw):.1f} ms",
        )
    )
    times, queries, status = _time_get(api, f"/api/v1/appeals?q={quote(SEARCH_WORD)}", runs, **api_headers)
    raw = _time_sql(search, runs)
    rows.append(
        Row(
            "reads",
            "API search “道路”",
            median(times),
            p95(times),
            queries,
            "raw SQL",
            ratio(median(times), median(raw)),
            f"HTTP {status}; raw {median(raw):.1f} ms",
        )
    )

    for role, user in users.items():
        c = Client(HTTP_HOST="localhost")
        c.force_login(user)
        if user.unit_id and role in (Role.HANDLER, Role.UNIT_HEAD, Role.CLERK):
            where, params = (
                "WHERE a.lead_unit_id = %s OR a.received_unit_id = %s",
                [user.unit_id, user.unit_id],
            )
        else:
            where, params = "", []
        raw_sql = [(f"SELECT a.status, COUNT(*) FROM appeals_appeal a {where} GROUP BY a.status", params)]
        times, queries, status = _time_get(c, "/", runs)
        raw = _time_sql(raw_sql, runs)
        rows.append(
            Row(
                "reads",
                f"home ({role})",
                median(times),
                p95(times),
                queries,
                "raw SQL (status counts)",
                ratio(median(times), median(raw)),
                f"HTTP {status}; raw {median(raw):.1f} ms",
            )
        )
    return rows
