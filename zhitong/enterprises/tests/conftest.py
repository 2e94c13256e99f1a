"""The three named people of every access test (STYLE.md): the handler and the head of
unit A, and an outsider from unit B — here A and B are two districts, and A has a street
office under it, so "A's subtree" is more than A itself."""

from dataclasses import dataclass
from io import BytesIO

import pytest

from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.organizations.tests.factories import UnitFactory, UserFactory


@dataclass
class City:
    root: Unit
    unit_a: Unit
    street_a: Unit
    unit_b: Unit
    handler_a: User
    head_a: User
    outsider_b: User
    enterprise_a: Enterprise
    enterprise_b: Enterprise


@pytest.fixture
def city(db) -> City:
    root = UnitFactory(code="ROOT", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    unit_a = UnitFactory(code="A", name="甲区人民政府", short_name="甲区", kind=UnitKind.COUNTY, parent=root)
    street_a = UnitFactory(code="A-ST", name="甲区东街街道", kind=UnitKind.OTHER, parent=unit_a)
    unit_b = UnitFactory(code="B", name="乙区人民政府", short_name="乙区", kind=UnitKind.COUNTY, parent=root)
    enterprise_a = EnterpriseFactory(name="甲区街道华信电子科技有限公司", location=street_a)
    enterprise_b = EnterpriseFactory(name="乙区恒通商贸有限公司", location=unit_b)
    ContactFactory(enterprise=enterprise_a, name="林晓燕", phone="13812341234")
    ContactFactory(enterprise=enterprise_b, name="陈志明", phone="13955556666")
    return City(
        root=root,
        unit_a=unit_a,
        street_a=street_a,
        unit_b=unit_b,
        handler_a=UserFactory(username="handler_a", role=Role.HANDLER, unit=unit_a),
        head_a=UserFactory(username="head_a", role=Role.UNIT_HEAD, unit=unit_a),
        outsider_b=UserFactory(username="outsider_b", role=Role.HANDLER, unit=unit_b),
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
    )


@pytest.fixture
def user_with_role(db, city):
    def make(role, unit=None, **kw):
        return UserFactory(role=role, unit=unit or city.root, **kw)

    return make


def make_xlsx(rows: list[list]) -> BytesIO:
    """An in-memory .xlsx whose first sheet holds `rows` (the first is the header)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf
