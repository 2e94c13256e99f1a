"""Fault: the database restarting mid-burst (docs/reliability.md). A burst of API intakes in
threads against a live server while a second connection keeps cutting the app's connections
(`pg_terminate_backend`, what a restart does to them). Every request either registers its
appeal (201) or gets a clean 503 in the `{code, message}` contract, in Chinese, without a
traceback; nothing is half written (every appeal has its timeline row and its audit
event); the requests after the cuts succeed (a fresh connection per request); and every
503 retried with its idempotency key gives exactly one appeal per key — a cut at the
commit may have saved the appeal, and the retry finds it (200) instead of registering it
twice."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal, Transition
from zhitong.audit.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BURST = 32
THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("cuts PostgreSQL backend connections")


def post(url: str, token: str, body: dict, key: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read()), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"raw": raw.decode(errors="replace")[:500]}
        return exc.code, data, exc.headers.get("Content-Type", "")


class Cutter(threading.Thread):
    """Terminates the app's backends (every connection to the test database but the test's
    own and its own), as a restart does: `WAVES` times, at least `PAUSE` seconds apart, each
    time at a moment when requests hold connections."""

    WAVES = 3
    PAUSE = 0.5
    QUERY = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND pid <> %s AND backend_type = 'client backend'"
    )

    def __init__(self, spare_pid: int):
        super().__init__(daemon=True)
        s = connection.settings_dict
        self.dsn = dict(
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            user=s["USER"],
            password=s["PASSWORD"] or None,
            dbname=s["NAME"],
        )
        self.spare_pid = spare_pid
        self.stop = threading.Event()
        self.cut = 0

    def run(self):
        with psycopg.connect(**self.dsn, autocommit=True) as conn:
            waves = 0
            while waves < self.WAVES and not self.stop.wait(0.02):
                rows = conn.execute(self.QUERY, [self.spare_pid]).fetchall()
                if rows:
                    self.cut += sum(1 for (ok,) in rows if ok)
                    waves += 1
                    self.stop.wait(self.PAUSE)


def test_a_burst_of_intakes_survives_the_database_cutting_its_connections(live_server, city):
    _, token = ApiToken.issue(user=city.clerk, name="热线", rate_limit=100_000)
    url = f"{live_server.url}/api/v1/appeals"

    def body(i):
        return {
            "enterprise_id": city.enterprise.pk,
            "category_id": city.category.pk,
            "channel": Channel.HOTLINE,
            "title": f"厂房用电报装逾期未接电（第{i}件）",
            "description": f"企业新厂房用电报装已逾一个月未接电，影响设备调试。编号{i}。",
        }

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (own_pid,) = cur.fetchone()
    # One request first: the server's first answer imports and builds the API (seconds).
    assert post(url, token, body(BURST), f"burst-{BURST}")[0] == 201
    cutter = Cutter(own_pid)
    cutter.start()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(lambda i: post(url, token, body(i), f"burst-{i}"), range(BURST)))
    finally:
        cutter.stop.set()
        cutter.join(10)

    statuses = [status for status, _, _ in answers]
    assert cutter.cut > 0, "the burst ran without a single connection cut"
    assert set(statuses) <= {201, 503}, statuses
    for status, data, content_type in answers:
        if status == 503:
            assert content_type.startswith("application/json")
            assert data["code"] == "service_unavailable", data
            assert "请稍后重试" in data["message"] and "Traceback" not in json.dumps(data)
    cut_short = [i for i, s in enumerate(statuses) if s == 503]
    assert 201 in statuses, "nothing got through between the cuts"
    assert 503 in statuses, "no request was cut short: the fault was not exercised"

    # Nothing half written: every appeal stored has its timeline and its audit event.
    for appeal in Appeal.objects.all():
        assert Transition.objects.filter(appeal=appeal).exists(), appeal.code
        assert AuditEvent.objects.filter(object_type="appeals.appeal", object_id=str(appeal.pk)).exists()

    # After the cuts the next requests succeed; retries keep one appeal per key.
    for i in cut_short:
        status, data, _ = post(url, token, body(i), f"burst-{i}")
        assert status in (200, 201), data
    for i in range(BURST + 1, BURST + 4):
        assert post(url, token, body(i), f"burst-{i}")[0] == 201
    assert Appeal.objects.count() == BURST + 4
    assert Appeal.objects.values("idempotency_key").distinct().count() == BURST + 4
