import pytest

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

from .stub import StubServer


@pytest.fixture
def people(db):
    """The handler of unit A (with an e-mail address and a mobile number), the head of unit
    A and an outsider from unit B."""
    unit_a, unit_b = UnitFactory(), UnitFactory()
    return {
        "handler": UserFactory(
            role=Role.HANDLER,
            unit=unit_a,
            email="handler@example.gov.cn",
            phone="13800000001",
            full_name="王办理",
        ),
        "head": UserFactory(role=Role.UNIT_HEAD, unit=unit_a, email="head@example.gov.cn"),
        "outsider": UserFactory(role=Role.HANDLER, unit=unit_b, email="out@example.gov.cn"),
    }


@pytest.fixture
def stub():
    server = StubServer().start()
    yield server
    server.stop()
