"""The `org` fixture, imported by the test modules that use it (a module of its own
rather than conftest.py, which this directory shares with the auth tests)."""

from dataclasses import dataclass

import pytest

from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.organizations.tests.factories import UnitFactory, UserFactory


@dataclass
class Org:
    root: Unit
    unit_a: Unit
    section_a: Unit
    unit_b: Unit
    handler_a: User
    head_a: User
    outsider_b: User


@pytest.fixture(name="org")
def org_fixture(db) -> Org:
    """Unit A (a department with a section) and unit B, under the city government; the
    handler and head of A, and an outsider from B."""
    root = UnitFactory(code="ROOT", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    unit_a = UnitFactory(code="A", name="甲局", kind=UnitKind.DEPARTMENT, parent=root)
    section_a = UnitFactory(code="A-QYFW", name="甲局企业服务科", kind=UnitKind.SECTION, parent=unit_a)
    unit_b = UnitFactory(code="B", name="乙区", kind=UnitKind.COUNTY, parent=root)
    return Org(
        root=root,
        unit_a=unit_a,
        section_a=section_a,
        unit_b=unit_b,
        handler_a=UserFactory(role=Role.HANDLER, unit=unit_a),
        head_a=UserFactory(role=Role.UNIT_HEAD, unit=unit_a),
        outsider_b=UserFactory(role=Role.HANDLER, unit=unit_b),
    )
