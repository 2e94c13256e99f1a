import importlib
import importlib.util
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.urls import reverse

from zhitong.appeals.choices import Status
from zhitong.audit.services import audit_record
from zhitong.audit.tests.tampering import behind_the_back
from zhitong.common.panels import HomePanel
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory
from zhitong.portal import views
from zhitong.workdays.models import CalendarYear
from zhitong.workdays.services import invalidate_cache

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
FROZEN = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(FROZEN, tick=False):
        yield


def signed_in(client, **user_kw):
    user = UserFactory(**user_kw)
    client.force_login(user)
    return user


def test_it_sends_an_anonymous_visitor_to_the_sign_in_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(views.HOME_TEMPLATES))
def test_each_role_gets_its_own_home_page(client, role):
    signed_in(client, role=role)
    response = client.get("/")
    assert response.status_code == 200
    assert views.HOME_TEMPLATES[role] in [t.name for t in response.templates]


def test_a_superuser_without_a_home_role_gets_the_admin_home(client):
    signed_in(client, role="", is_superuser=True, is_staff=True)
    response = client.get("/")
    assert "portal/home_admin.html" in [t.name for t in response.templates]


def test_the_enterprise_home_counts_only_its_own_appeals(client, make_appeal):
    mine = EnterpriseFactory(name="甲科技有限公司")
    other = EnterpriseFactory(name="乙制造有限公司")
    signed_in(client, role=Role.ENTERPRISE, unit=None, enterprise=mine)
    own = make_appeal(enterprise=mine, status=Status.IN_PROGRESS, title="厂房消防验收")
    make_appeal(enterprise=mine, status=Status.ASSIGNED)
    make_appeal(enterprise=mine, status=Status.VERIFIED)
    make_appeal(enterprise=mine, status=Status.CLOSED)
    make_appeal(enterprise=other, status=Status.IN_PROGRESS, title="别人家的用地问题")
    make_appeal(enterprise=other, status=Status.CLOSED)

    response = client.get("/")

    counts = {c.key: c.value for c in response.context["counts"]}
    assert counts == {"total": 4, "open": 3, "to_rate": 1, "closed": 1}
    page = response.content.decode()
    assert "厂房消防验收" in page
    assert "别人家的用地问题" not in page
    assert f'href="/appeals/{own.pk}/"' in page


def test_the_enterprise_home_lists_open_appeals_before_closed_ones(client, make_appeal):
    mine = EnterpriseFactory()
    signed_in(client, role=Role.ENTERPRISE, unit=None, enterprise=mine)
    old_open = make_appeal(
        enterprise=mine, status=Status.IN_PROGRESS, received_at=FROZEN - timedelta(days=90)
    )
    new_closed = make_appeal(enterprise=mine, status=Status.CLOSED, received_at=FROZEN - timedelta(days=5))

    recent = client.get("/").context["recent_appeals"]

    assert [a.pk for a in recent] == [old_open.pk, new_closed.pk]


def test_the_enterprise_home_says_so_when_the_account_has_no_enterprise(client):
    signed_in(client, role=Role.ENTERPRISE, unit=None, enterprise=None)
    response = client.get("/")
    assert "尚未关联企业" in response.content.decode()


def test_the_supervisor_home_counts_overdue_and_due_soon_per_lead_unit(client, make_appeal, unit_a, unit_b):
    signed_in(client, role=Role.SUPERVISOR)
    make_appeal(lead_unit=unit_a, clock_due=date(2026, 3, 5))  # red
    make_appeal(lead_unit=unit_a, clock_due=date(2026, 3, 9))  # red
    make_appeal(lead_unit=unit_a, clock_due=date(2026, 3, 11))  # yellow
    make_appeal(lead_unit=unit_b, clock_due=date(2026, 3, 30))  # green
    # Waiting for the enterprise's rating: the enterprise is late, not the unit.
    make_appeal(lead_unit=unit_b, status=Status.VERIFIED, clock_due=date(2026, 3, 1))
    make_appeal(lead_unit=unit_b, status=Status.CLOSED, clock_due=date(2026, 3, 1))

    response = client.get("/")

    totals = {c.key: c.value for c in response.context["counts"]}
    assert (totals["open"], totals["red"], totals["yellow"]) == (5, 2, 1)
    rows = response.context["by_unit"]
    assert [(r["unit"], r["open"], r["yellow"], r["red"]) for r in rows] == [("甲局", 3, 1, 2)]
    oldest = response.context["oldest_overdue"]
    assert [a.clock_due for a in oldest] == [date(2026, 3, 5), date(2026, 3, 9)]
    assert oldest[0].overdue_days == 3  # working days: Fri 6, Mon 9, Tue 10 March
    page = response.content.decode()
    assert f'href="/appeals/?lead_unit={unit_a.pk}&amp;light=red"' in page
    assert f'href="/appeals/?lead_unit={unit_a.pk}&amp;light=yellow"' in page
    assert f'href="/appeals/{oldest[0].pk}/"' in page


def test_the_overseer_home_tells_unreported_items_from_late_ones(client, make_appeal, unit_a, unit_b):
    signed_in(client, role=Role.OVERSEER)
    # Received by unit B, never routed or signed for, past its triage deadline.
    make_appeal(status=Status.SUBMITTED, received_unit=unit_b, lead_unit=None, clock_due=date(2026, 3, 6))
    # Signed for by unit A, past its handling deadline.
    make_appeal(status=Status.IN_PROGRESS, lead_unit=unit_a, clock_due=date(2026, 3, 2))
    # Signed for and still in time.
    make_appeal(status=Status.IN_PROGRESS, lead_unit=unit_a, clock_due=date(2026, 3, 20))

    response = client.get("/")

    totals = {c.key: c.value for c in response.context["counts"]}
    assert (totals["open"], totals["unreported"], totals["late"]) == (3, 1, 1)
    assert [r["unit"] for r in response.context["unreported_by_unit"]] == ["乙局"]
    assert [(r["unit"], r["red"]) for r in response.context["late_by_unit"]] == [("甲局", 1)]


def _calendar_years(*years):
    CalendarYear.objects.filter(year__in=[TODAY.year, TODAY.year + 1]).delete()
    for year in years:
        CalendarYear.objects.create(year=year)
    invalidate_cache()


def test_the_admin_home_marks_a_missing_calendar_year(client):
    signed_in(client, role=Role.ADMIN, is_staff=True)
    _calendar_years(TODAY.year + 1)

    response = client.get("/")

    assert response.context["calendar_years"] == [
        {"year": TODAY.year, "known": False},
        {"year": TODAY.year + 1, "known": True},
    ]
    assert "缺失，期限按预测日历计算" in response.content.decode()


def test_the_admin_home_shows_loaded_calendar_years_as_loaded(client):
    signed_in(client, role=Role.ADMIN, is_staff=True)
    _calendar_years(TODAY.year, TODAY.year + 1)

    response = client.get("/")

    assert [c["known"] for c in response.context["calendar_years"]] == [True, True]
    assert "缺失，期限按预测日历计算" not in response.content.decode()


def test_the_admin_home_reports_an_intact_audit_chain(client):
    # 三员分立: the audit administrator's home, not the system administrator's.
    admin = signed_in(client, role=Role.AUDIT_ADMIN)
    with transaction.atomic():
        audit_record(action="test.one", obj=admin, actor=admin)

    verify = client.get("/").context["audit"]["verify"]

    assert verify["ok"] is True
    # The event is chained by the sealer after the commit (docs/audit-chain.md); a test's
    # transaction never commits, so it is counted as waiting.
    assert verify["count"] + verify["unsealed"] >= 1


def test_the_admin_home_reports_a_tampered_audit_chain(client):
    admin = signed_in(client, role=Role.AUDIT_ADMIN)
    with transaction.atomic():
        event = audit_record(action="test.one", obj=admin, actor=admin)
    with behind_the_back(), connection.cursor() as cursor:  # behind the application's back
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.altered", event.pk])

    response = client.get("/")

    assert response.context["audit"]["verify"]["ok"] is False
    assert "发现断链" in response.content.decode()


def test_the_admin_home_counts_master_data(client):
    signed_in(client, role=Role.ADMIN, is_staff=True)
    EnterpriseFactory.create_batch(3)

    response = client.get("/")

    counts = {str(m["label"]): m["count"] for m in response.context["master_data"]}
    assert counts["企业"] == 3


class TestTheHomeHook:
    def test_it_merges_each_apps_panels_in_order(self, client, monkeypatch):
        signed_in(client, role=Role.SUPERVISOR)
        late = HomePanel(title="乙", template="includes/light.html", context={"beta_note": 2}, order=50)
        early = HomePanel(title="甲", template="includes/light.html", context={"alpha_note": 1}, order=5)
        data_only = HomePanel(title="丙", context={"gamma_note": 3})
        hooks = (
            ("beta", lambda user, *, today: [late] if user.role == Role.SUPERVISOR else []),
            ("alpha", lambda user, *, today: [early, data_only] if today == TODAY else []),
        )
        monkeypatch.setattr(views, "HOME_HOOKS", hooks)

        response = client.get("/")

        assert (response.context["alpha_note"], response.context["beta_note"]) == (1, 2)
        assert response.context["gamma_note"] == 3
        # Only panels with a template are included, lowest order first.
        assert response.context["home_panels"] == [early, late]

    def test_it_refuses_two_apps_setting_the_same_key(self, client, monkeypatch):
        signed_in(client, role=Role.HANDLER)
        hooks = (
            ("alpha", lambda user, *, today: [HomePanel(title="a", context={"note": 1})]),
            ("beta", lambda user, *, today: [HomePanel(title="b", context={"note": 2})]),
        )
        monkeypatch.setattr(views, "HOME_HOOKS", hooks)

        with pytest.raises(ImproperlyConfigured, match="note"):
            client.get("/")

    def test_every_app_with_a_home_module_is_listed(self):
        listed = {label for label, _ in views.HOME_HOOKS}
        with_home = {
            c.label
            for c in apps.get_app_configs()
            if c.name.startswith("zhitong.")
            and c.label != "portal"
            and importlib.util.find_spec(f"{c.name}.home")
        }
        assert listed == with_home
        for label, hook in views.HOME_HOOKS:
            assert hook is importlib.import_module(f"zhitong.{label}.home").home_panels

    @pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ENTERPRISE])
    def test_each_count_opens_its_list(self, client, role):
        from zhitong.common.panels import HomeCount

        user = signed_in(client, role=role)
        for _, panel in views.home_panels(user, today=TODAY):
            for count in panel.counts:
                assert isinstance(count, HomeCount) and isinstance(count.value, int)
                assert client.get(count.url).status_code == 200, count


def test_signing_out_needs_a_post(client):
    signed_in(client, role=Role.HANDLER)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_the_sign_in_form_signs_in_with_the_password(client):
    UserFactory(username="li", role=Role.HANDLER)
    response = client.post(reverse("login"), {"username": "li", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
