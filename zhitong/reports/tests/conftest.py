"""Fixtures for the reports tests: the appeals tests' small city and `flow` (real services),
plus the People's Congress overseer and the principal leaders."""

import pytest

from zhitong.appeals.tests.conftest import (  # noqa: F401  (fixtures)
    START,
    TZ,
    Flow,
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    flow,
    pdf,
)
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory


@pytest.fixture
def people(city):  # noqa: F811
    """More people: the overseer (人大), the mayor, the executive vice mayor, a vice mayor."""
    npc = UnitFactory(code="RD", name="市人大常委会", kind=UnitKind.CONGRESS, parent=city.units.root)
    city.overseer = UserFactory(username="t_npc", role=Role.OVERSEER, unit=npc)
    city.mayor = UserFactory(
        username="t_mayor", role=Role.LEADER, unit=city.units.root, leader_level=LeaderLevel.MAYOR
    )
    city.mayor.portfolio.set([city.units.root])
    city.exec_mayor = UserFactory(
        username="t_exec",
        role=Role.LEADER,
        unit=city.units.root,
        leader_level=LeaderLevel.EXECUTIVE_VICE_MAYOR,
    )
    city.exec_mayor.portfolio.set([city.units.fgw])
    city.vice_mayor = UserFactory(
        username="t_vice", role=Role.LEADER, unit=city.units.root, leader_level=LeaderLevel.VICE_MAYOR
    )
    city.vice_mayor.portfolio.set([city.units.gxj])
    return city
