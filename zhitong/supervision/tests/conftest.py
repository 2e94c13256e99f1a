"""Fixtures of the supervision tests: the coordination tests' city (handler and head of unit
A = GXJ, outsider = handler of unit B = SWJ, the city supervisor in DCS), plus the
supervision office of 鼓楼区 (a section of the county GLQ, as in the demo city) with its
supervisor, the People's Congress overseer, and appeals written with their clock columns."""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.coordination.tests import conftest as coordination_fixtures
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

at = coordination_fixtures.at
START = coordination_fixtures.START
PDF = coordination_fixtures.PDF
city = coordination_fixtures.city
scene = coordination_fixtures.scene
_frozen_start = coordination_fixtures._frozen_start
_media = coordination_fixtures._media
_fresh_calendar_cache = coordination_fixtures._fresh_calendar_cache

_numbers = itertools.count(1)


@pytest.fixture
def sup(city):
    """The city plus the county office of GLQ (GLQ-DCS) and its supervisor, a CSQ handler, the
    People's Congress and its overseer."""
    u = city.units
    u.glq_dcs = UnitFactory(code="GLQ-DCS", name="鼓楼区政府督查室", kind=UnitKind.SECTION, parent=u.glq)
    u.rd = UnitFactory(code="RD", name="市人大常委会", kind=UnitKind.CONGRESS, parent=None)
    city.county_supervisor = UserFactory(username="t_sup_glq", role=Role.SUPERVISOR, unit=u.glq_dcs)
    city.overseer = UserFactory(username="t_overseer", role=Role.OVERSEER, unit=u.rd)
    city.csq_handler = UserFactory(username="t_csq", role=Role.HANDLER, unit=u.csq)
    city.glq_head = UserFactory(username="t_glq_head", role=Role.UNIT_HEAD, unit=u.glq)
    return city


def direct_appeal(
    city, *, lead, status=Status.IN_PROGRESS, due=None, received_unit=None, received_days_ago=30
):
    """An appeal written directly with its clock columns (yellow from 2 days before `due`)."""
    n = next(_numbers)
    return Appeal.objects.create(
        code=f"ZT-SUP-{n:05d}",
        enterprise=city.enterprise,
        title=f"督查测试诉求{n}",
        description="测试",
        category=Category.objects.get(code="SCJY"),
        channel=Channel.HOTLINE,
        received_at=timezone.now() - timedelta(days=received_days_ago),
        received_by=city.clerk,
        received_unit=received_unit or city.units.hotline,
        lead_unit=lead,
        status=status,
        clock_due=due,
        clock_yellow_from=due - timedelta(days=2) if due else None,
    )


def people(city) -> SimpleNamespace:
    return SimpleNamespace(
        supervisor=city.supervisor,
        county_supervisor=city.county_supervisor,
        overseer=city.overseer,
        handler=city.handler,
        head=city.head,
        outsider=city.outsider,
    )
