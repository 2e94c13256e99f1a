"""API clients' tokens: a revoked or expired token is refused, a token without the scope is
refused with 403, a client over its rate limit gets 429 with Retry-After, last use is
written at most once a minute, and the tokens issued before scopes keep working."""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps as global_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhitong.api import services
from zhitong.api.models import ApiToken
from zhitong.api.scopes import ALL_SCOPES
from zhitong.open311.tests.conftest import Open311Client
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/units"


@pytest.fixture
def hub():
    return UserFactory(role=Role.HUB)


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_revoked_token_is_refused_at_once(hub):
    tok, raw = ApiToken.issue(user=hub, name="12345热线")
    assert bearer(raw).get(URL).status_code == 200
    assert Open311Client(raw).get("requests.json").status_code == 200
    services.token_revoke(actor=None, token_id=tok.pk)
    refused = bearer(raw).get(URL)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    refused = Open311Client(raw).get("requests.json")
    assert refused.status_code == 403 and refused.json() == [
        {"code": 403, "description": "api_key 无效、已吊销或已过期"}
    ]


def test_an_expired_token_is_refused(hub):
    now = timezone.now()
    _tok, raw = ApiToken.issue(user=hub, name="省平台", expires_at=now + timedelta(hours=1))
    assert bearer(raw).get(URL).status_code == 200
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert bearer(raw).get(URL).status_code == 401
        assert Open311Client(raw).get("requests.xml").status_code == 403


def test_a_token_of_a_deactivated_account_is_refused(hub):
    _tok, raw = ApiToken.issue(user=hub, name="x")
    hub.is_active = False
    hub.save()
    assert bearer(raw).get(URL).status_code == 401


def test_a_token_without_the_scope_is_refused_with_403(hub):
    _tok, raw = ApiToken.issue(user=hub, name="只读", scopes=["appeals:read"])
    refused = bearer(raw).get(URL)
    assert refused.status_code == 403
    assert (
        refused.json()["code"] == "insufficient_scope" and "organizations:read" in refused.json()["message"]
    )
    assert bearer(raw).get("/api/v1/appeals").status_code == 200
    # Reading is not writing: a POST needs appeals:write.
    posted = bearer(raw).post("/api/v1/appeals", "{}", content_type="application/json")
    assert posted.status_code == 403 and "appeals:write" in posted.json()["message"]
    # Open311 needs its own scope.
    refused = Open311Client(raw).get("requests.json")
    assert refused.status_code == 403 and "open311" in refused.json()[0]["description"]
    _tok, only311 = ApiToken.issue(user=hub, name="Open311", scopes=["open311"])
    assert bearer(only311).get("/api/v1/appeals").status_code == 403


def test_a_client_over_its_rate_limit_gets_429_with_retry_after(hub, settings):
    settings.ZHITONG_API_RATE_LIMIT = 1000
    _tok, raw = ApiToken.issue(user=hub, name="限流", rate_limit=3)
    _tok, other = ApiToken.issue(user=hub, name="不限流")
    start = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(start, tick=False):
        assert [bearer(raw).get(URL).status_code for _ in range(3)] == [200] * 3
        refused = bearer(raw).get(URL)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited" and refused["Retry-After"] == "50"
        assert bearer(other).get(URL).status_code == 200  # another client is not affected
        refused = Open311Client(raw).get("requests.json")
        assert refused.status_code == 429 and refused["Retry-After"] == "50"
        assert refused.json()[0]["code"] == 429
    with time_machine.travel(start + timedelta(seconds=51), tick=False):
        assert bearer(raw).get(URL).status_code == 200  # the next minute


def test_the_default_rate_limit_applies_to_a_token_without_its_own(hub, settings):
    settings.ZHITONG_API_RATE_LIMIT = 2
    _tok, raw = ApiToken.issue(user=hub, name="默认")
    with time_machine.travel(timezone.now().replace(second=0), tick=False):
        assert [bearer(raw).get(URL).status_code for _ in range(3)] == [200, 200, 429]


def test_last_use_is_written_at_most_once_a_minute(hub):
    tok, raw = ApiToken.issue(user=hub, name="x")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        bearer(raw).get(URL)
        with CaptureQueriesContext(connection) as ctx:
            bearer(raw).get(URL)
        assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    tok.refresh_from_db()
    assert tok.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        bearer(raw).get(URL)
    tok.refresh_from_db()
    assert tok.last_used_at == start + timedelta(seconds=61)


def test_only_the_hash_is_stored_and_the_secret_works_once_shown(hub):
    tok, raw = services.token_create(actor=None, owner_id=hub.pk, name="热线", scopes=["appeals:read"])
    assert raw.startswith(tok.prefix) and tok.token_hash == ApiToken.hash(raw)
    assert raw not in str(ApiToken.objects.filter(pk=tok.pk).values().get())


def test_tokens_issued_before_scopes_get_every_scope_of_the_time():
    migration = importlib.import_module("zhitong.api.migrations.0003_token_scopes_expiry_rate_limit")
    old = ApiToken.objects.create(
        user=UserFactory(), name="旧令牌", token_hash="h" * 64, prefix="zt_old", scopes=[]
    )
    migration.every_scope_for_existing_tokens(global_apps, None)
    old.refresh_from_db()
    # The scopes that existed when scopes were introduced; areas added later are granted by hand.
    assert old.scopes == migration.SCOPES_AT_MIGRATION
    assert set(migration.SCOPES_AT_MIGRATION) <= set(ALL_SCOPES)
