"""The audit tests borrow the appeals tests' small city (units, the named people) and drive
appeals through the real services, so the log holds what the services really write."""

import pytest
import time_machine

from zhitong.appeals.tests.conftest import START, Flow, city  # noqa: F401  (fixture)


@pytest.fixture
def at_start():
    """The city's clock: its official calendar covers START's year."""
    with time_machine.travel(START, tick=True):
        yield


@pytest.fixture
def flow(city, at_start):  # noqa: F811
    return Flow(city)


@pytest.fixture(autouse=True)
def _seal_inline(settings):
    """The chain tests assert on the chain right after each write: seal in the writer's
    transaction (the old behaviour, SEAL_MODES "inline"). test_sealer.py sets the other
    modes and tests the unsealed path itself."""
    settings.ZHITONG_AUDIT_SEAL = "inline"
