"""The predicted calendar of a year without an official schedule (prediction.py), and its
comparison with the official schedules of past years (compare.py)."""

from datetime import date

import pytest
from lunar_python import Solar

from zhitong.workdays import compare
from zhitong.workdays.prediction import festivals, predict, regime_for


def _festival(year: int, name: str):
    return next(f for f in festivals(year) if f.name == name)


def _lunar_day(d: date) -> tuple[int, int]:
    lunar = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    return lunar.getMonth(), lunar.getDay()


@pytest.mark.parametrize(
    "year, eve, last_day_of_12th_month",
    [
        (2024, date(2024, 2, 9), 30),  # 腊月 of 30 days: 除夕 is 三十
        (2025, date(2025, 1, 28), 29),  # 腊月 of 29 days: 除夕 is 廿九
        (2026, date(2026, 2, 16), 29),
        (2027, date(2027, 2, 5), 29),
        (2030, date(2030, 2, 2), 30),
    ],
)
def test_new_years_eve_is_the_last_day_of_the_lunar_year(year, eve, last_day_of_12th_month):
    spring = _festival(year, "春节")
    if year >= 2025:
        # 第二条（二）春节，放假4天（农历除夕、正月初一至初三）
        assert spring.days == tuple(date.fromordinal(eve.toordinal() + i) for i in range(4))
    else:
        # 2014–2024: 正月初一至初三, 除夕 a working day.
        assert spring.days[0] == date.fromordinal(eve.toordinal() + 1) and len(spring.days) == 3
    assert _lunar_day(eve) == (12, last_day_of_12th_month)
    assert _lunar_day(date.fromordinal(eve.toordinal() + 1)) == (1, 1)
    assert not predict(year, "statutory").is_workday(eve) or year < 2025


def test_qingming_is_the_solar_term_on_the_4th_or_the_5th():
    assert _festival(2025, "清明节").days == (date(2025, 4, 4),)
    assert _festival(2026, "清明节").days == (date(2026, 4, 5),)
    assert _festival(2027, "清明节").days == (date(2027, 4, 5),)
    assert _festival(2028, "清明节").days == (date(2028, 4, 4),)


def test_the_2027_prediction_at_its_boundaries():
    p = predict(2027)
    assert p.rest[date(2027, 2, 5)] == "春节"  # 除夕, Friday
    # 春节自农历除夕起放假调休8天 (Fri 5 – Fri 12), the touching Saturday 13 stays off and the
    # make-up days are Sunday 31 January and Sunday 14 February.
    assert [d.day for d in p.rest if d.month == 2] == list(range(5, 13))
    assert not p.is_workday(date(2027, 2, 13))
    assert p.work[date(2027, 1, 31)] == p.work[date(2027, 2, 14)] == "春节"
    assert not p.is_workday(date(2027, 4, 5))  # 清明, Monday: Sat 3 – Mon 5
    assert not p.is_workday(date(2027, 9, 15)) and p.is_workday(date(2027, 9, 16))  # 中秋, a Wednesday
    assert not p.is_workday(date(2027, 6, 9)) and p.is_workday(date(2027, 6, 10))  # 端午, a Wednesday
    assert [d.day for d in p.rest if d.month == 10] == list(range(1, 8))
    assert p.is_workday(date(2027, 9, 26)) and p.is_workday(date(2027, 10, 9))
    # The prediction before this one counted 除夕 2027 as a working day.
    assert predict(2027, "fixed").is_workday(date(2027, 2, 5))


def test_a_holiday_on_a_saturday_gives_the_next_weekday_off():
    # 端午 2025 on Saturday 31 May: Monday 2 June off, officially and predicted.
    for mode in ("statutory", "customary"):
        assert not predict(2025, mode).is_workday(date(2025, 6, 2))
        assert predict(2025, mode).is_workday(date(2025, 6, 3))
    # 元旦 2022 on a Saturday: Monday 3 January.
    assert not predict(2022, "statutory").is_workday(date(2022, 1, 3))
    # 2027 Spring Festival on Saturday and Sunday: 补休 Tuesday 9 and Wednesday 10 February.
    statutory = predict(2027, "statutory")
    assert [d.day for d in sorted(statutory.weekday_rest) if d.month == 2] == [5, 8, 9, 10]
    assert not statutory.work  # no make-up working days without 调休


def test_mid_autumn_meeting_national_day_is_one_8_day_break():
    # 2020: 中秋 on 1 October itself; 2025: on Monday 6 October; 2028 (predicted): Tuesday 3.
    for year in (2020, 2025):
        official = compare.official_calendar(year)
        predicted = predict(year)
        autumn = [d for d in official if (date(year, 9, 20) <= d <= date(year, 10, 20))]
        assert [official[d] for d in autumn] == [predicted.is_workday(d) for d in autumn]
        assert [d.day for d in predicted.rest if d.month == 10] == list(range(1, 9))
        assert predicted.rest[date(year, 10, 1)] == "国庆节、中秋节"
    p = predict(2028)
    assert [d.day for d in p.rest if d.month == 10] == list(range(1, 9))
    assert p.rest[date(2028, 10, 3)] == "国庆节、中秋节" and p.work[date(2028, 9, 30)]
    # Holidays and 补休 alone: the day 中秋 shares with 国庆 is owed as well (2020: to Tuesday 6).
    assert not predict(2020, "statutory").is_workday(date(2020, 10, 6))


def test_the_customary_prediction_gives_the_schedules_under_the_current_statute():
    for year in (2025, 2026):
        assert regime_for(year).since == 2025
        result = compare.compare_year(year, "customary")
        assert (result.errors, result.deadlines_moved) == (0, 0)
        assert result.makeup == result.makeup_hit > 0
        # Without the bridging every make-up day and some rest days are missed.
        statutory = compare.compare_year(year, "statutory")
        assert statutory.makeup_missed == statutory.makeup and statutory.rest_missed > 0


def test_the_comparison_counts_each_kind_of_miss():
    result = compare.compare_year(2024, "customary")
    # 2024: 除夕 9 Feb was worked (the break began on 初一); Labour Day ran 1–5 May.
    assert (date(2024, 2, 9), True) in result.wrong
    assert (date(2024, 5, 2), False) in result.wrong
    assert result.rest == result.rest_hit + result.rest_missed
    assert result.makeup == result.makeup_hit + result.makeup_missed
    assert result.errors == len(result.wrong)
    fixed = compare.compare_year(2025, "fixed")
    assert (date(2025, 1, 28), False) in fixed.wrong  # 除夕 2025, missed by the old calendar


def test_years_beyond_the_lunar_range_keep_the_gregorian_holidays():
    assert set(predict(9999).rest) == {date(9999, 1, 1), date(9999, 5, 1), date(9999, 5, 2)} | {
        date(9999, 10, d) for d in (1, 2, 3)
    }
