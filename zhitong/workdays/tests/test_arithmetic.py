from datetime import date

import pytest

from zhitong.core.errors import ServiceError
from zhitong.workdays.services import (
    WorkdayResult,
    add_workdays,
    is_provisional,
    is_workday,
    missing_years,
    subtract_workdays,
    workdays_between,
)

pytestmark = pytest.mark.django_db


def test_the_issue_example_skips_national_day_2025():
    assert add_workdays(date(2025, 9, 30), 7) == WorkdayResult(date(2025, 10, 16), False)


def test_national_day_2025_holidays_and_adjusted_working_days():
    assert is_workday(date(2025, 9, 28))  # Sunday, 调休上班
    assert is_workday(date(2025, 10, 11))  # Saturday, 调休上班
    for day in range(1, 9):
        assert not is_workday(date(2025, 10, day))
    assert is_workday(date(2025, 10, 9))
    # Friday 26 Sep + 1 lands on the adjusted Sunday; +2 on Monday 29.
    assert add_workdays(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    assert add_workdays(date(2025, 9, 26), 2).date == date(2025, 9, 29)
    # From Thursday 9 Oct: Fri 10, Sat 11 (调休), Mon 13.
    assert add_workdays(date(2025, 10, 9), 3).date == date(2025, 10, 13)


def test_spring_festival_2026_counts_the_adjusted_saturdays():
    assert is_workday(date(2026, 2, 14))
    assert is_workday(date(2026, 2, 28))
    for day in range(15, 24):
        assert not is_workday(date(2026, 2, day))
    # Fri 13 Feb → Sat 14 (调休) is the first; the next working day is Tue 24 Feb.
    assert add_workdays(date(2026, 2, 13), 1) == WorkdayResult(date(2026, 2, 14), False)
    assert add_workdays(date(2026, 2, 13), 2) == WorkdayResult(date(2026, 2, 24), False)
    # Tue 24 … Fri 27 are four, Sat 28 (调休) the fifth.
    assert add_workdays(date(2026, 2, 23), 5).date == date(2026, 2, 28)


def test_a_deadline_running_into_2027_is_provisional_and_never_raises():
    result = add_workdays(date(2026, 12, 30), 5)
    # Thu 31 Dec; 2027: Fri 1 Jan is a fixed holiday, then Mon 4 … Thu 7 Jan.
    assert result == WorkdayResult(date(2027, 1, 7), True)
    assert is_provisional(date(2027, 3, 1))
    assert not is_provisional(date(2026, 3, 1))


def test_a_provisional_year_follows_the_predicted_schedule():
    # 2027 has no official schedule: National Day is predicted as Fri 1 – Thu 7 Oct, with
    # Sun 26 Sep and Sat 9 Oct worked (prediction.py).
    assert add_workdays(date(2027, 9, 30), 1) == WorkdayResult(date(2027, 10, 8), True)
    assert add_workdays(date(2027, 9, 30), 2) == WorkdayResult(date(2027, 10, 9), True)
    assert add_workdays(date(2027, 9, 24), 1) == WorkdayResult(date(2027, 9, 26), True)
    assert not is_workday(date(2027, 1, 1))
    assert not is_workday(date(2027, 2, 5))  # 除夕 is 腊月廿九: 腊月 of 2026 has 29 days
    assert not is_workday(date(2027, 4, 5))  # 清明 falls on 5 April in 2027
    assert not is_workday(date(2027, 5, 4)) and is_workday(date(2027, 5, 8))  # Labour Day, 1–5 May
    assert not is_workday(date(2027, 9, 15))  # 中秋, a Wednesday: that day alone
    assert is_workday(date(2027, 9, 16))


def test_a_deadline_within_an_official_year_is_not_provisional():
    assert add_workdays(date(2026, 12, 1), 5).provisional is False


def test_zero_days_returns_the_start():
    assert add_workdays(date(2025, 10, 3), 0) == WorkdayResult(date(2025, 10, 3), False)
    assert add_workdays(date(2027, 10, 3), 0) == WorkdayResult(date(2027, 10, 3), True)


def test_negative_days_are_refused():
    with pytest.raises(ServiceError):
        add_workdays(date(2025, 10, 3), -1)


def test_subtract_mirrors_add():
    assert subtract_workdays(date(2025, 10, 16), 7) == WorkdayResult(date(2025, 9, 30), False)
    assert subtract_workdays(date(2025, 10, 9), 1).date == date(2025, 9, 30)
    assert subtract_workdays(date(2026, 12, 31), 1) == WorkdayResult(date(2026, 12, 30), False)
    # The walk back crosses 1–3 Jan 2027, whose status is only provisional.
    assert subtract_workdays(date(2027, 1, 4), 1) == WorkdayResult(date(2026, 12, 31), True)


def test_workdays_between_counts_after_start_up_to_end():
    assert workdays_between(date(2025, 9, 30), date(2025, 10, 16)) == 7
    assert workdays_between(date(2025, 10, 16), date(2025, 9, 30)) == -7
    assert workdays_between(date(2025, 10, 16), date(2025, 10, 16)) == 0
    assert workdays_between(date(2026, 12, 30), date(2027, 1, 7)) == 5


def test_workdays_between_agrees_with_stepping_over_long_ranges():
    start = date(2024, 11, 20)
    for n in (1, 13, 60, 250, 400):
        end = add_workdays(start, n).date
        assert workdays_between(start, end) == n
    start = date(2026, 11, 2)
    for n in (1, 40, 120, 300, 800):
        end = add_workdays(start, n).date
        assert workdays_between(start, end) == n
    # Within predicted years, across make-up working weekends (Sat 9 Oct 2027).
    assert workdays_between(date(2027, 9, 30), date(2027, 10, 9)) == 2
    assert workdays_between(date(2027, 10, 9), date(2027, 9, 24)) == -7  # Sun 26, 27–30, 8, 9


def test_missing_years_lists_the_current_and_next_year_without_a_schedule():
    assert missing_years(date(2025, 6, 1)) == []
    assert missing_years(date(2026, 6, 1)) == [2027]
    assert missing_years(date(2027, 6, 1)) == [2027, 2028]
