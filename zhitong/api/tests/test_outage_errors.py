"""Unexpected database errors follow the contract and never show a traceback
(docs/reliability.md): the connection lost is a 503 `service_unavailable` with a Chinese
message and `Retry-After` (API JSON; the pages' own 503 page), any other database error the
contract's 500. The real thing — connections cut mid-burst on PostgreSQL — is
appeals/tests/test_fault_database.py."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from zhitong.api.api import api
from zhitong.api.models import ApiToken
from zhitong.appeals import api as appeals_api
from zhitong.core.outage import is_database_outage
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LOST = OperationalError(
    "server closed the connection unexpectedly\n\tThis probably means the server terminated"
)


class Broken:
    def __init__(self, exc):
        self.exc = exc

    @property
    def objects(self):
        raise self.exc


@pytest.fixture
def token():
    user = UserFactory(role=Role.HUB, unit=UnitFactory())
    return ApiToken.issue(user=user, name="测试")[1]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (LOST, 503, "service_unavailable"),
        (InterfaceError("connection already closed"), 503, "service_unavailable"),
        (OperationalError("terminating connection due to administrator command"), 503, "service_unavailable"),
        (OperationalError("no such column: appeals_category.xyz"), 500, "server_error"),
    ],
)
def test_a_database_error_in_the_api_follows_the_contract(client, token, monkeypatch, exc, status, code):
    monkeypatch.setattr(appeals_api, "Category", Broken(exc))
    r = client.get("/api/v1/appeals/categories", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == status
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == code and set(body) == {"code", "message"}
    assert "请稍后重试" in body["message"]
    assert "Traceback" not in r.content.decode() and "server closed" not in r.content.decode()
    if status == 503:
        assert int(r["Retry-After"]) > 0


def test_every_operation_documents_the_503(client):
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            assert "503" in op["responses"] or 503 in op["responses"], (method, path)


def test_a_page_whose_database_is_gone_is_the_503_page_in_chinese(monkeypatch):
    user = UserFactory(role=Role.HUB, unit=UnitFactory())
    browser = Client(raise_request_exception=False)
    browser.force_login(user)

    def lost(self):
        raise LOST

    monkeypatch.setattr(SessionStore, "load", lost)  # the first query of a signed-in request
    r = browser.get("/")
    assert r.status_code == 503
    page = r.content.decode()
    assert "系统暂时不可用" in page and "没有保存" in page and "请稍等片刻后重试" in page
    assert "Traceback" not in page and "server closed" not in page
    assert int(r["Retry-After"]) > 0


def test_any_other_error_on_a_page_is_still_the_500_page(monkeypatch):
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory(role=Role.HUB, unit=UnitFactory()))

    def bug(self):
        raise RuntimeError("bug")

    monkeypatch.setattr(SessionStore, "load", bug)
    r = browser.get("/")
    assert r.status_code == 500 and "系统出现错误" in r.content.decode()


def test_the_outage_test_tells_a_lost_connection_from_a_bad_query():
    assert is_database_outage(LOST)
    assert is_database_outage(InterfaceError("connection already closed"))
    assert not is_database_outage(OperationalError("database is locked"))  # contention: a 409
    assert not is_database_outage(OperationalError("no such table: x"))
    assert not is_database_outage(ValueError("x"))


def test_the_503_page_is_in_english_when_switched():
    from django.test import RequestFactory
    from django.utils import translation

    from zhitong.core.tests.english import assert_english
    from zhitong.portal.errors import server_error

    try:
        raise LOST
    except OperationalError:
        with translation.override("en"):
            response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "was not saved" in html
    assert_english(html, page="503")
