"""The coordination tests' small city for the Open311 tests, plus Open311 clients."""

from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.coordination.tests import conftest as coordination

city, scene = coordination.city, coordination.scene
_frozen_start, _media, _fresh_calendar_cache = (
    coordination._frozen_start,
    coordination._media,
    coordination._fresh_calendar_cache,
)


def key_of(user, *, scopes=("open311",), **kw) -> str:
    _tok, raw = ApiToken.issue(user=user, name="Open311客户端", scopes=list(scopes), **kw)
    return raw


class Open311Client:
    """GET and POST under /open311/v2/ with an api_key."""

    def __init__(self, key: str | None):
        self.key = key
        self.http = Client()

    def get(self, path: str, **params):
        if self.key:
            params.setdefault("api_key", self.key)
        return self.http.get(f"/open311/v2/{path}", params)

    def post(self, path: str, data: dict, **headers):
        if self.key:
            data = {"api_key": self.key, **data}
        body = urlencode(data)  # the standard's Content-Type for POST Service Request
        return self.http.post(
            f"/open311/v2/{path}", body, content_type="application/x-www-form-urlencoded", headers=headers
        )


@pytest.fixture
def later():
    """The clock a few days after the scene's appeals (which it registers an hour or more
    after the frozen start), so they are in the past of the default 90-day window."""
    with time_machine.travel(coordination.at(2025, 9, 5), tick=False):
        yield


@pytest.fixture
def hub311(city):
    return Open311Client(key_of(city.hub))


@pytest.fixture
def clerk311(city):
    return Open311Client(key_of(city.clerk))
