import io
from datetime import date

import pytest

from zhitong.audit.models import AuditEvent
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.workdays.models import CalendarDay, CalendarYear
from zhitong.workdays.services import (
    add_workdays,
    calendar_import_csv,
    is_provisional,
    is_workday,
    missing_years,
)

pytestmark = pytest.mark.django_db

# A made-up 2027 schedule in the shape of the State Council's notices.
GOOD_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,休,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-20,workday,春节
2027-10-01,holiday,国庆节
2027-10-02,holiday,国庆节
2027-10-03,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-06,holiday,国庆节
2027-10-07,holiday,国庆节
2027-10-09,班,国庆节
"""


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMIN)


def test_a_good_file_makes_its_year_official(admin):
    assert missing_years(date(2027, 3, 1)) == [2027, 2028]
    result = calendar_import_csv(fileobj=io.BytesIO(GOOD_2027.encode()), actor=admin)
    assert result.ok and result.years == [2027] and result.days == 17
    assert not is_provisional(date(2027, 3, 1))
    assert missing_years(date(2027, 3, 1)) == [2028]
    assert not is_workday(date(2027, 2, 10))
    assert is_workday(date(2027, 2, 20))  # Saturday, 调休
    assert add_workdays(date(2027, 9, 30), 1).date == date(2027, 10, 8)
    assert add_workdays(date(2027, 9, 30), 2).date == date(2027, 10, 9)
    assert add_workdays(date(2027, 9, 30), 2).provisional is False
    event = AuditEvent.objects.get(action="workdays.import")
    assert event.actor == admin and event.after["years"] == [2027]


def test_a_file_with_bad_rows_imports_nothing_and_reports_every_row(admin):
    text = "\n".join(
        [
            "date,kind,name",
            "2027-01-01,holiday,元旦",
            "2027-02-30,holiday,春节",  # no such date
            "2027-02-06,vacation,春节",  # unknown kind
            "2027-02-08,workday,春节",  # a Monday cannot be an adjusted working day
            "2027-01-01,holiday,元旦",  # duplicate of line 2
            "2027-10-01",  # no kind
        ]
    )
    result = calendar_import_csv(fileobj=io.StringIO(text), actor=admin)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "日期"),
        (4, "类型"),
        (5, "类型"),
        (6, "日期"),
        (7, "类型"),
    ]
    assert "2027-02-30" in result.errors[0].reason
    assert "周六或周日" in result.errors[2].reason
    assert "第2行" in result.errors[3].reason
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert is_provisional(date(2027, 1, 1))
    assert not AuditEvent.objects.filter(action="workdays.import").exists()


def test_an_empty_file_is_an_error(admin):
    result = calendar_import_csv(fileobj=io.BytesIO(b"date,kind,name\n"), actor=admin)
    assert not result.ok and "没有数据行" in result.errors[0].reason


def test_a_gbk_file_from_excel_is_read(admin):
    result = calendar_import_csv(fileobj=io.BytesIO("2027-01-01,休,元旦\n".encode("gbk")), actor=admin)
    assert result.ok
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦"


def test_replacing_a_year_drops_its_old_rows_and_merging_keeps_them(admin):
    assert CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()
    calendar_import_csv(fileobj=io.StringIO("2026-05-01,holiday,劳动节\n"), actor=admin, replace_year=False)
    assert CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()
    calendar_import_csv(fileobj=io.StringIO("2026-05-01,holiday,劳动节\n"), actor=admin)
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [
        date(2026, 5, 1)
    ]
    # The Spring Festival holidays are gone with the replaced year: 16 Feb is a Monday again.
    assert is_workday(date(2026, 2, 16))
    assert CalendarYear.objects.get(year=2026).source == "CSV导入"
