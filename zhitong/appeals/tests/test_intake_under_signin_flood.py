"""A sign-in flood cannot slow intake: refused sign-ins cost no query, a refused token one
indexed lookup, and neither writes a row, so the hotline's intake call costs exactly the same
number of queries during a flood as before it (organizations/signin_throttle.py,
api/auth.py). Counted in queries, not time."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
HOTLINE = "10.8.0.5"


def test_intake_costs_the_same_queries_during_a_sign_in_flood(city):
    _tok, raw = ApiToken.issue(user=city.clerk, name="12345热线")
    hotline = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=HOTLINE)
    attacker = Client(REMOTE_ADDR=ATTACKER)

    def intake(n: int) -> int:
        body = {
            "enterprise_id": city.enterprise.pk,
            "title": f"设备补贴资金尚未兑付（{n}）",
            "description": "企业技改项目已通过验收，设备补贴资金至今未兑付。",
            "category_id": city.category.pk,
            "channel": Channel.HOTLINE,
        }
        with CaptureQueriesContext(connection) as ctx:
            response = hotline.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        return len(ctx.captured_queries)

    intake(0)  # warms the working-day calendar
    before = intake(1)

    with CaptureQueriesContext(connection) as flood:
        for i in range(1000):
            attacker.post("/accounts/login/", {"username": city.hub.username, "password": f"guess-{i}"})
            attacker.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer zt_guess-{i}")
    during = intake(2)

    assert during == before
    assert Appeal.objects.count() == 3
    # 2000 attempts: apart from each token's lookup, only the few before the address was
    # refused reached the database.
    lookups = [
        q for q in flood.captured_queries if '"api_apitoken"' in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert len(lookups) == 1000
    assert len(flood.captured_queries) - len(lookups) < 100, len(flood.captured_queries)
