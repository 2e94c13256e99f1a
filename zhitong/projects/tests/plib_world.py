"""The small city of the project-library tests (import the `plib` fixture from here): two
counties A and B and a park in A, a department, the three named people of every access test
(handler and head of A, an outsider from B) and the others who read or write the library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project, ProjectCategory, ProjectLevel


def make_project(code: str, *, owner, lead, location=None, **kw) -> Project:
    return Project.objects.create(
        code=code,
        name=kw.pop("name", f"{code}项目"),
        owner=owner,
        location=location or lead,
        lead_unit=lead,
        **kw,
    )


@pytest.fixture
def plib(db):
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    unit_a = UnitFactory(code="A", name="甲区人民政府", short_name="甲区", kind=UnitKind.COUNTY, parent=root)
    park_a = UnitFactory(
        code="A-PARK", name="甲区高新技术产业园", short_name="甲区园区", kind=UnitKind.PARK, parent=unit_a
    )
    unit_b = UnitFactory(code="B", name="乙区人民政府", short_name="乙区", kind=UnitKind.COUNTY, parent=root)
    dept = UnitFactory(
        code="GXJ", name="市工业和信息化局", short_name="市工信局", kind=UnitKind.DEPARTMENT, parent=root
    )
    zsj = UnitFactory(code="ZSJ", name="市招商局", kind=UnitKind.DEPARTMENT, parent=root)
    ent_a = EnterpriseFactory(name="甲区华信电子科技有限公司", location=unit_a)
    ent_b = EnterpriseFactory(name="乙区恒通商贸有限公司", location=unit_b)
    leader = UserFactory(
        username="leader",
        role=Role.LEADER,
        unit=root,
        leader_level=LeaderLevel.VICE_MAYOR,
        full_name="王建国",
    )
    p_a = make_project(
        "XM-A1",
        name="甲区新材料产业园项目",
        owner=ent_a,
        lead=unit_a,
        level=ProjectLevel.CITY_MAJOR,
        category=ProjectCategory.INDUSTRY,
        leader=leader,
        total_investment=Decimal("50000"),
        annual_investment=Decimal("12000"),
        planned_start=date(2026, 3, 1),
    )
    p_b = make_project(
        "XM-B1", name="乙区冷链物流中心项目", owner=ent_b, lead=unit_b, category=ProjectCategory.SERVICE
    )
    return SimpleNamespace(
        root=root,
        unit_a=unit_a,
        park_a=park_a,
        unit_b=unit_b,
        dept=dept,
        zsj=zsj,
        ent_a=ent_a,
        ent_b=ent_b,
        p_a=p_a,
        p_b=p_b,
        leader=leader,
        handler_a=UserFactory(username="handler_a", role=Role.HANDLER, unit=unit_a),
        head_a=UserFactory(username="head_a", role=Role.UNIT_HEAD, unit=unit_a),
        clerk_a=UserFactory(username="clerk_a", role=Role.CLERK, unit=unit_a),
        outsider_b=UserFactory(username="outsider_b", role=Role.HANDLER, unit=unit_b),
        dept_handler=UserFactory(username="dept_handler", role=Role.HANDLER, unit=dept),
        hub=UserFactory(username="hub", role=Role.HUB, unit=root),
        admin=UserFactory(username="admin", role=Role.ADMIN, unit=root),
        supervisor=UserFactory(username="supervisor", role=Role.SUPERVISOR, unit=root),
        ent_user_a=UserFactory(username="ent_a", role=Role.ENTERPRISE, unit=None, enterprise=ent_a),
    )
