from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhitong.audit.models import AuditEvent
from zhitong.common.demo import DEMO_PASSWORD
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.validators import credit_code_error
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.demo import MAIN_LOGINS
from zhitong.organizations.models import ServiceWindow, Unit, User
from zhitong.projects.models import Project

pytestmark = pytest.mark.django_db

# The shared vocabulary of the demo city (team preamble).
UNIT_CODES = "SZF SZFB HOTLINE FGW GXJ TCJ SWJ XZFW ZRJ ZJJ RSJ SJJ HBJ SWUJ GSL DCS RD GLQ TJQ CSQ JAQ MWQ CLQ MHX GXQ".split()


@pytest.mark.demo
def test_demo_builds_a_believable_city_once(capsys):
    out = StringIO()
    call_command("demo", today="2026-03-16", stdout=out)
    assert "演示城市已建立" in out.getvalue()

    assert set(Unit.objects.filter(code__in=UNIT_CODES).values_list("code", flat=True)) == set(UNIT_CODES)
    assert Unit.objects.filter(kind=UnitKind.COUNTY).count() >= 6
    assert Unit.objects.filter(code__startswith="GXQ-", kind=UnitKind.SECTION).exists()
    assert Unit.objects.get(code="HOTLINE").parent.code == "SZFB"
    for unit in Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COUNTY, UnitKind.PARK]).exclude(
        code="SZFB"
    ):
        window = ServiceWindow.objects.get(unit=unit)
        assert 2 <= window.staff.count() <= 3, unit.code

    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) >= 200
    assert [e.credit_code for e in enterprises if credit_code_error(e.credit_code)] == []
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert all(e.butler_id for e in enterprises if e.above_scale or e.above_quota)
    assert {e.location.kind for e in enterprises} <= {UnitKind.COUNTY, UnitKind.PARK}

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(User.objects.filter(username__in=MAIN_LOGINS).values_list("username", flat=True)) == set(
        MAIN_LOGINS
    )
    assert User.objects.get(username="handler").unit.code.startswith("GXJ")
    assert set(User.objects.get(username="leader").portfolio.values_list("code", flat=True)) == {
        "GXJ",
        "SWJ",
        "TCJ",
        "GXQ",
    }
    assert User.objects.get(username="enterprise").enterprise is not None
    assert User.objects.get(username="hub").check_password(DEMO_PASSWORD)
    assert Project.objects.count() >= 30
    assert set(AuditEvent.objects.filter(action="demo.build").values_list("object_id", flat=True)) >= {
        "organizations",
        "enterprises",
        "projects",
    }

    again = StringIO()
    call_command("demo", once=True, stdout=again)
    assert "已存在" in again.getvalue()
    assert Enterprise.objects.count() == len(enterprises)
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())

    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert all(name in logins.getvalue() for name in MAIN_LOGINS)
    assert DEMO_PASSWORD in logins.getvalue()


def test_demo_refuses_a_malformed_today():
    with pytest.raises(CommandError):
        call_command("demo", today="16/03/2026", stdout=StringIO())
