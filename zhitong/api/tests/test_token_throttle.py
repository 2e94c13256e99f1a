"""Bad API tokens get the sign-in throttle's per-address limit (organizations/signin_throttle.py):
one address sending bad tokens is refused with 429; good tokens, from that address or any
other, are unaffected; the audit trail stays bounded."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_verify
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/units"
ATTACKER = "203.0.113.9"
HOTLINE = "10.8.0.5"


def call(token, addr):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(URL, REMOTE_ADDR=addr)


@pytest.fixture
def good_token():
    _tok, raw = ApiToken.issue(user=UserFactory(role=Role.HUB), name="12345热线")
    return raw


def test_bad_tokens_from_one_address_are_refused_with_429_and_nobody_else_is(good_token):
    limit = settings.ZHITONG_SIGNIN_ADDRESS_FAILURES
    statuses = [call(f"zt_guess-{i}", ATTACKER).status_code for i in range(limit + 20)]
    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    refused = call("zt_guess-again", ATTACKER)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and "分钟后再试" in refused.json()["message"]
    # The hotline system goes on working, at its own address and behind the same NAT.
    assert call(good_token, HOTLINE).status_code == 200
    assert call(good_token, ATTACKER).status_code == 200


def test_a_missing_or_malformed_header_counts_as_a_failure():
    for _ in range(settings.ZHITONG_SIGNIN_ADDRESS_FAILURES):
        Client().get(URL, REMOTE_ADDR=ATTACKER)
    assert Client(HTTP_AUTHORIZATION="Basic x").get(URL, REMOTE_ADDR=ATTACKER).status_code == 429


def test_a_refused_token_costs_one_lookup_and_no_write():
    for i in range(settings.ZHITONG_SIGNIN_ADDRESS_FAILURES):
        call(f"zt_guess-{i}", ATTACKER)
    with CaptureQueriesContext(connection) as ctx:
        assert call("zt_guess-more", ATTACKER).status_code == 429
    assert len(ctx.captured_queries) == 1 and ctx.captured_queries[0]["sql"].startswith("SELECT")


@pytest.mark.slow
def test_a_thousand_bad_tokens_write_two_audit_rows():
    for i in range(1000):
        call(f"zt_guess-{i}", ATTACKER)
    rows = list(AuditEvent.objects.order_by("id").values_list("action", "client_addr"))
    assert rows == [("auth.token_failed", ATTACKER), ("auth.signin_flood", ATTACKER)]
    assert audit_verify().ok


def test_web_sign_in_failures_and_bad_tokens_share_the_address_limit(client, good_token):
    half = settings.ZHITONG_SIGNIN_ADDRESS_FAILURES // 2
    for i in range(half):
        client.post("/accounts/login/", {"username": f"u{i}", "password": "x"}, REMOTE_ADDR=ATTACKER)
    for i in range(settings.ZHITONG_SIGNIN_ADDRESS_FAILURES - half):
        call(f"zt_guess-{i}", ATTACKER)
    assert call("zt_guess-more", ATTACKER).status_code == 429
