"""The appeals' small city and `flow` (real services), and a local receiver."""

import pytest

from zhitong.appeals.tests.conftest import (  # noqa: F401 (fixtures)
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    flow,
)
from zhitong.delivery.tests.stub import StubServer


@pytest.fixture
def stub():
    server = StubServer(answer={}).start()
    yield server
    server.stop()
