"""The work calendar in English (issue 9): no Chinese left outside the stored data."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.core.tests.english import EnglishPage, assert_page_in_english, english_world  # noqa: F401
from zhitong.workdays import services
from zhitong.workdays.models import CalendarYear, DayKind


def _calendar(year=None):
    return lambda w: reverse("workdays:calendar") + (f"?year={year}" if year else "")


def _a_change(w):
    """The latest calendar change, shown to the administrator with the deadlines it moved."""
    services.calendar_day_set(
        actor=w.admin, day=date(timezone.localdate().year, 12, 26), kind=DayKind.HOLIDAY
    )


def _this_year_unofficial(w):
    CalendarYear.objects.filter(year=timezone.localdate().year).delete()
    services.invalidate_cache()


def _bad_csv(w):
    body = "2027-01-01,holiday,New Year\nnot-a-date,holiday,\n2027-01-04,workday,\n2027-01-05,sometimes,\n"
    return {"file": BytesIO(body.encode()), "year": 2027}


PAGES = [
    EnglishPage(
        "calendar as the administrator",
        "admin",
        _calendar(),
        setup=_a_change,
        expect=("Deadlines moved by the latest calendar change", "Set a day", "December"),
    ),  # fmt: skip
    EnglishPage("calendar as the hub", "hub", _calendar()),
    # A year without the official schedule: predicted holidays, named in the cells' titles.
    EnglishPage(
        "a predicted year", "admin", _calendar(2040), expect=("Predicted:", "Spring Festival", "Su</th>")
    ),
    EnglishPage(
        "an official year", "admin", _calendar(2024), expect=("National Day", "source: chinesecalendar")
    ),
    EnglishPage(
        "a day refused",
        "admin",
        lambda w: reverse("workdays:day_edit"),
        method="post",
        data=lambda w: {"date": "2030-01-02", "kind": "workday", "year": 2030},
        status=400,
        expect=("must be a Saturday or Sunday",),
    ),  # fmt: skip
    EnglishPage(
        "a file refused",
        "admin",
        lambda w: reverse("workdays:import"),
        method="post",
        data=_bad_csv,
        status=400,
        expect=("Import failed: 3 errors", "is not a valid date"),
    ),  # fmt: skip
    EnglishPage(
        "home: years without the official schedule",
        "hub",
        lambda w: reverse("home"),
        within=("workdays-missing",),
        setup=_this_year_unofficial,
    ),  # fmt: skip
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_the_page_is_in_english(client, english_world, case):  # noqa: F811
    assert_page_in_english(client, english_world, case)
