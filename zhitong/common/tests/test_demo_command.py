from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhitong.appeals.tests.demo_checks import check_demo_appeals
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_verify
from zhitong.coordination.tests.demo_checks import check_demo_coordination
from zhitong.demo import DEMO_PASSWORD
from zhitong.demo.organizations import MAIN_LOGINS
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.validators import credit_code_error
from zhitong.organizations.choices import Role, UnitKind
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
    # The demo writes its audit events in batches (one chain-head update per stage): the chain holds.
    assert audit_verify().ok
    # What each app's part of the demo must show, on this city (built once for all of them).
    now = timezone.make_aware(datetime.combine(date(2026, 3, 16), time(17, 30)))
    check_demo_appeals(now)
    check_demo_coordination(now)

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


def test_progress_updates_one_line_on_a_terminal_and_prints_lines_otherwise():
    from zhitong.demo.progress import ConsoleProgress

    def run(tty):
        out = StringIO()
        p = ConsoleProgress(out, tty=tty)
        p.stage(4, 5, "诉求（件）")
        for n in range(0, 401, 100):
            p.last_draw = 0.0  # no throttling in the test
            p.tick(n, 400)
        p.line("  诉求 400 件")
        p.stage_done(12.34)
        return out.getvalue()

    shown = run(True)
    assert "\r[4/5] 诉求（件） 200/400 …" in shown and "\n" not in shown.split("完成")[0]
    assert shown.endswith("[4/5] 诉求（件）：完成（12.3 秒）\n  诉求 400 件\n")
    assert run(False) == "[4/5] 诉求（件） …\n[4/5] 诉求（件）：完成（12.3 秒）\n  诉求 400 件\n"
