import pytest

from zhitong.workdays import services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """A test's calendar writes roll back with its transaction; the in-process snapshot
    must not outlive them."""
    services.invalidate_cache()
    yield
    services.invalidate_cache()
