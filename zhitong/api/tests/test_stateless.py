"""The token-authenticated API is stateless: a call to /api/v1/ with a Bearer token writes no
session row and sets no cookie (no sessionid, csrftoken or language cookie), whatever the
middleware around it does for browser requests (common/stateless.py)."""

import json

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


@pytest.fixture
def token_client():
    user = UserFactory(role=Role.HUB)
    _tok, raw = ApiToken.issue(user=user, name="12345热线")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def assert_stateless(response):
    assert not response.cookies, dict(response.cookies)
    assert "Set-Cookie" not in response.headers
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations/units",
        "/api/v1/organizations/units/tree",
        "/api/v1/workdays/add?start=2025-09-30&n=3",
        "/api/v1/organizations/units/999999",  # 404
    ],
)
def test_token_reads_write_no_session_and_set_no_cookie(token_client, path):
    for _ in range(2):  # the second call would find a session started by the first
        response = token_client.get(path)
        assert response.status_code in (200, 404), response.content
        assert_stateless(response)


def test_a_token_write_sets_no_cookie(token_client):
    response = token_client.post(
        "/api/v1/appeals", data=json.dumps({"title": ""}), content_type="application/json"
    )
    assert response.status_code in (400, 403, 404, 422), response.content
    assert_stateless(response)


def test_a_refused_token_sets_no_cookie():
    response = Client(HTTP_AUTHORIZATION="Bearer zt_not-a-token").get("/api/v1/organizations/units")
    assert response.status_code == 401
    assert_stateless(response)


def test_cookies_a_caller_sends_along_are_neither_renewed_nor_replaced(token_client):
    token_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token_client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    token_client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response = token_client.get("/api/v1/organizations/units")
    assert response.status_code == 200
    assert_stateless(response)


def test_browser_pages_still_get_their_cookies(client):
    """The guard is for the API only: the sign-in page still sets the CSRF cookie."""
    response = client.get("/accounts/login/")
    assert settings.CSRF_COOKIE_NAME in response.cookies
