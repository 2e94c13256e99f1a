"""The progress part's test city (imported by its test modules: `from .progress_fixtures
import progress_world_fixture  # noqa: F401`): a county that leads a project in construction with a
plan of 1,200 万元 for 2026, its handler and head, the project secretary (a clerk of the
county: sees the project, is not the lead unit's handler), the hub, and an outsider of
another county. The clock is 15 July 2026."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import MemberRole, Project, ProjectMember, ProjectStage

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 7, 15, 10, 0, tzinfo=TZ)


class ProgressWorld(dict):
    __getattr__ = dict.__getitem__


@pytest.fixture(name="progress_world")
def progress_world_fixture(db, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    time_machine.move_to(NOW, tick=False)
    root = UnitFactory(code="ROOT", name="市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    county = UnitFactory(code="A", name="甲县", kind=UnitKind.COUNTY, parent=root)
    other = UnitFactory(code="B", name="乙县", kind=UnitKind.COUNTY, parent=root)
    owner = EnterpriseFactory(name="甲县新材料有限公司", location=county)
    project = Project.objects.create(
        code="XM-2026-001",
        name="新材料产业园一期",
        owner=owner,
        location=county,
        lead_unit=county,
        stage=ProjectStage.CONSTRUCTION,
        stage_since=date(2026, 3, 1),
        total_investment=Decimal("5000"),
        annual_investment=Decimal("1200"),
    )
    secretary = UserFactory(role=Role.CLERK, unit=county, full_name="秘书小王")
    ProjectMember.objects.create(
        project=project, role=MemberRole.SECRETARY, user=secretary, since=date(2026, 1, 1)
    )
    return ProgressWorld(
        root=root,
        county=county,
        other=other,
        owner=owner,
        project=project,
        lead=UserFactory(role=Role.HANDLER, unit=county, full_name="甲县承办人"),
        head=UserFactory(role=Role.UNIT_HEAD, unit=county),
        secretary=secretary,
        hub=UserFactory(role=Role.HUB, unit=root),
        outsider=UserFactory(role=Role.HANDLER, unit=other),
    )


def another_project(world, **kw) -> Project:
    n = Project.objects.count() + 1
    defaults = dict(
        code=f"XM-2026-{n:03d}",
        name=f"项目{n}",
        owner=world.owner,
        location=world.county,
        lead_unit=world.county,
        stage=ProjectStage.CONSTRUCTION,
        annual_investment=Decimal("1200"),
    )
    defaults.update(kw)
    return Project.objects.create(**defaults)
