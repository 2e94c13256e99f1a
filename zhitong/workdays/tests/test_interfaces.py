import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory
from zhitong.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("workdays", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()


def test_the_command_prints_the_issue_example_as_its_last_line():
    assert run("add", "2025-09-30", "7")[-1] == "2025-10-16"


def test_the_command_marks_a_provisional_answer():
    assert run("add", "2026-12-30", "5")[-1] == "2027-01-07 provisional"
    # Predicted 2027 National Day break: 1–7 October, Saturday 9 October worked.
    assert run("add", "2027-09-30", "3")[-1] == "2027-10-11 provisional"


def test_the_command_gives_the_official_spring_festival_answer():
    assert run("add", "2026-02-13", "2")[-1] == "2026-02-24"


@pytest.mark.parametrize("args", [("2025-13-01", "3"), ("2025-10-01", "-1"), ("2025-10-01", "x")])
def test_the_command_refuses_bad_input(args):
    with pytest.raises(CommandError):
        run("add", *args)


def test_the_import_command_reports_rows_and_fails(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 处错误"):
        run("import", str(bad))
    good = tmp_path / "good.csv"
    good.write_text("2027-01-01,holiday,元旦\n", encoding="utf-8")
    assert "2027" in run("import", str(good))[-1]
    assert CalendarYear.objects.filter(year=2027).exists()


def test_the_missing_command_names_the_years_without_a_schedule(time_machine):
    time_machine.move_to("2026-11-20 10:00 +0800")
    assert "2027" in run("missing")[-1]


def test_the_filter_marks_provisional_dates():
    tpl = Template(
        "{% load workdays %}{{ a|workday_date }}|{{ b|workday_date }}|{{ c|workday_date:'Y年n月j日' }}"
    )
    html = tpl.render(Context({"a": date(2026, 5, 6), "b": date(2027, 5, 6), "c": date(2026, 1, 5)}))
    first, second, third = html.split("|")
    assert "2026-05-06" in first and "预测" not in first
    assert "2027-05-06" in second and 'class="provisional"' in second and "（预测）" in second
    assert "预测：2027年官方放假安排尚未发布，按《全国年节及纪念日放假办法》推算" in second
    assert "2026年1月5日" in third


def test_the_api_adds_working_days():
    user = UserFactory(role=Role.HANDLER)
    _, raw = ApiToken.issue(user=user, name="test")
    from django.test import Client

    client = Client(headers={"authorization": f"Bearer {raw}"})
    response = client.get("/api/v1/workdays/add", {"start": "2025-09-30", "n": 7})
    assert response.status_code == 200
    assert response.json() == {"date": "2025-10-16", "provisional": False}
    response = client.get("/api/v1/workdays/add", {"start": "2026-12-30", "n": 5})
    assert response.json() == {"date": "2027-01-07", "provisional": True}
    assert client.get("/api/v1/workdays/add", {"start": "2025-09-30", "n": -1}).status_code == 400


def test_the_api_needs_a_token():
    from django.test import Client

    assert Client().get("/api/v1/workdays/add", {"start": "2025-09-30", "n": 7}).status_code == 401


@pytest.fixture
def admin_client(client):
    client.login(username=UserFactory(role=Role.ADMIN).username, password=PASSWORD)
    return client


def test_hub_staff_see_the_calendar_but_not_the_edit_forms(client):
    client.login(username=UserFactory(role=Role.HUB).username, password=PASSWORD)
    response = client.get(reverse("workdays:calendar"), {"year": 2026})
    assert response.status_code == 200
    assert "调休" in response.text and "导入年度官方安排" not in response.text
    day = {"date": "2026-03-03", "kind": "holiday", "name": "x", "year": 2026}
    assert client.post(reverse("workdays:day_edit"), day).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()


def test_a_handler_cannot_see_the_calendar_page(client):
    client.login(username=UserFactory(role=Role.HANDLER).username, password=PASSWORD)
    assert client.get(reverse("workdays:calendar")).status_code == 403


def test_a_provisional_year_is_bannered_and_missing_years_are_listed(admin_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +0800")
    response = admin_client.get(reverse("workdays:calendar"), {"year": 2027})
    assert "预测：2027年官方放假安排尚未发布，按《全国年节及纪念日放假办法》推算" in response.text
    # The predicted Spring Festival break and its make-up Sunday are on the page.
    assert 'data-date="2027-02-05" data-kind="provisional_holiday"' in response.text
    assert 'data-date="2027-02-14" data-kind="provisional_workday"' in response.text
    assert 'data-testid="missing-years"' in response.text
    response = admin_client.get(reverse("workdays:calendar"), {"year": 2026})
    assert "provisional-banner" not in response.text


def test_an_admin_sets_and_clears_a_day(admin_client):
    url = reverse("workdays:day_edit")
    response = admin_client.post(url, {"date": "2026-03-03", "kind": "holiday", "name": "测试", "year": 2026})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 3, 3)).name == "测试"
    admin_client.post(url, {"date": "2026-03-03", "kind": "clear", "year": 2026})
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()


def test_a_weekday_workday_is_refused_with_the_reason(admin_client):
    response = admin_client.post(
        reverse("workdays:day_edit"), {"date": "2026-03-03", "kind": "workday", "name": "", "year": 2026}
    )
    assert response.status_code == 400 and "周六或周日" in response.text


def test_the_import_form_shows_the_row_report(admin_client):
    upload = io.BytesIO("2027-01-01,holiday,元旦\n2027-01-32,holiday,x\n".encode())
    upload.name = "2027.csv"
    response = admin_client.post(reverse("workdays:import"), {"file": upload, "year": 2027})
    assert response.status_code == 400
    assert 'data-testid="import-errors"' in response.text and "2027-01-32" in response.text
    assert not CalendarYear.objects.filter(year=2027).exists()
    upload = io.BytesIO("2027-01-01,holiday,元旦\n".encode())
    upload.name = "2027.csv"
    response = admin_client.post(reverse("workdays:import"), {"file": upload, "year": 2027})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()


def test_the_admin_home_page_warns_about_missing_years(admin_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +0800")
    response = admin_client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-testid="workdays-missing"' in response.text and "2027 年" in response.text


def test_the_home_page_does_not_warn_when_both_years_are_loaded(admin_client, time_machine):
    time_machine.move_to("2025-06-20 10:00 +0800")
    assert 'data-testid="workdays-missing"' not in admin_client.get(reverse("home")).text


def test_a_handlers_home_page_has_no_calendar_warning(client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +0800")
    client.login(username=UserFactory(role=Role.HANDLER).username, password=PASSWORD)
    assert 'data-testid="workdays-missing"' not in client.get(reverse("home")).text


def test_the_prediction_mark_is_translated():
    from django.utils import translation

    tpl = Template("{% load workdays %}{{ b|workday_date }}")
    with translation.override("en"):
        html = tpl.render(Context({"b": date(2027, 5, 6)}))
    assert "(predicted)" in html and "the official 2027 holiday schedule is not published yet" in html


def test_the_compare_command_writes_the_comparison(tmp_path):
    out = tmp_path / "calendar-prediction.md"
    assert "2024–2026" in run("compare", "--since", "2024", "--out", str(out))[-1]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Predicting a provisional year's calendar")
    # 2025 and 2026, predicted as if unpublished, come out as published: no wrong day.
    assert "- 2025–2026 (国务院令第795号（2024年修订）): 法定节假日＋补休＋调休 0 wrong days" in text
    assert "| 2024 |" in text and "| 2015 |" not in text
    assert "| 2025 |" in "\n".join(run("compare", "--since", "2025"))
