"""How well the prediction (prediction.py) would have done: each past year the
`chinesecalendar` package holds officially is predicted as if unpublished and compared day by
day with the official schedule. `zhitong workdays compare --out docs/calendar-prediction.md`
writes the result; reads no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .prediction import MODES, predict, regime_for

ONE_DAY = timedelta(days=1)
DEADLINE_DAYS = 10  # the deadline the table's last column counts: N working days after each day
FIRST_YEAR = 2015

MODE_TITLES = {
    "fixed": "固定日期（旧做法）",
    "statutory": "法定节假日＋补休",
    "customary": "法定节假日＋补休＋调休",
}


def official_years() -> list[int]:
    from .package import package_years

    return package_years()


def official_calendar(year: int) -> dict[date, bool]:
    """Every day of `year` → whether it is a working day, per the package's official data."""
    from .package import package_rows

    _, rows = package_rows([year])
    kinds = {d: kind for d, kind, _ in rows}
    out = {}
    d = date(year, 1, 1)
    while d.year == year:
        kind = kinds.get(d)
        out[d] = kind == "workday" if kind else d.weekday() < 5
        d += ONE_DAY
    return out


@dataclass
class YearComparison:
    """One year, one prediction mode. Rest days count weekdays only (a weekend is a rest
    day whatever is predicted); make-up days are weekend days worked (调休上班)."""

    year: int
    mode: str
    rest: int = 0  # official rest days on weekdays
    rest_hit: int = 0  # … predicted as rest
    rest_missed: int = 0  # … predicted as working days
    rest_wrong: int = 0  # weekdays predicted as rest that are official working days
    makeup: int = 0  # official make-up working days
    makeup_hit: int = 0
    makeup_missed: int = 0  # … predicted as rest
    makeup_wrong: int = 0  # weekend days predicted as worked that are official rest days
    deadlines_moved: int = 0  # days of the year whose N-working-day deadline comes out different
    wrong: list[tuple[date, bool]] = field(default_factory=list)  # (day, official is a working day)

    @property
    def errors(self) -> int:
        return self.rest_missed + self.rest_wrong + self.makeup_missed + self.makeup_wrong


def _deadline(start: date, n: int, is_workday) -> date:
    d = start
    while n:
        d += ONE_DAY
        if is_workday(d):
            n -= 1
    return d


def compare_year(
    year: int, mode: str, official_by_year: dict[int, dict[date, bool]] | None = None
) -> YearComparison:
    """Predict `year` with `mode` as if its schedule were unpublished and compare."""
    official_by_year = official_by_year if official_by_year is not None else {}

    def official(y: int) -> dict[date, bool] | None:
        if y not in official_by_year:
            official_by_year[y] = official_calendar(y) if y in official_years() else None
        return official_by_year[y]

    actual = official(year)
    if actual is None:
        raise ValueError(f"no official schedule for {year}")
    predicted = predict(year, mode)
    result = YearComparison(year, mode)
    for d, works in actual.items():
        guess = predicted.is_workday(d)
        weekend = d.weekday() >= 5
        if not weekend:
            if not works:
                result.rest += 1
                if guess:
                    result.rest_missed += 1
                else:
                    result.rest_hit += 1
            elif not guess:
                result.rest_wrong += 1
        else:
            if works:
                result.makeup += 1
                if guess:
                    result.makeup_hit += 1
                else:
                    result.makeup_missed += 1
            elif guess:
                result.makeup_wrong += 1
        if guess != works:
            result.wrong.append((d, works))

    def elsewhere(d: date) -> bool:
        other = official(d.year)
        return other[d] if other is not None else predict(d.year).is_workday(d)

    for start in actual:
        truth = _deadline(start, DEADLINE_DAYS, lambda d: actual[d] if d.year == year else elsewhere(d))
        guess = _deadline(
            start, DEADLINE_DAYS, lambda d: predicted.is_workday(d) if d.year == year else elsewhere(d)
        )
        result.deadlines_moved += truth != guess
    return result


def compare(years: list[int], modes=MODES) -> dict[str, list[YearComparison]]:
    cache: dict[int, dict[date, bool] | None] = {}
    return {mode: [compare_year(y, mode, cache) for y in years] for mode in modes}


WEEKDAYS = "一二三四五六日"


def _row(c: YearComparison, days_in_year: int) -> str:
    return (
        f"| {c.year} | {c.rest} | {c.rest_hit} | {c.rest_missed} | {c.rest_wrong} "
        f"| {c.makeup} | {c.makeup_hit} | {c.makeup_missed} | {c.makeup_wrong} "
        f"| **{c.errors}** | {c.deadlines_moved} ({c.deadlines_moved * 100 // days_in_year}%) |"
    )


def _total(label: str, rows: list[YearComparison]) -> str:
    def s(name: str) -> int:
        return sum(getattr(r, name) for r in rows)

    days = sum(366 if date(r.year, 12, 31).timetuple().tm_yday == 366 else 365 for r in rows)
    moved = s("deadlines_moved")
    return (
        f"| {label} | {s('rest')} | {s('rest_hit')} | {s('rest_missed')} | {s('rest_wrong')} "
        f"| {s('makeup')} | {s('makeup_hit')} | {s('makeup_missed')} | {s('makeup_wrong')} "
        f"| **{s('errors')}** | {moved} ({moved * 100 // days}%) |"
    )


HEADER = (
    "| 年份 | 工作日放假（官方） | 预测正确 | 漏预测 | 多预测 | 调休上班（官方） | 预测正确 | 漏预测 | 多预测 "
    f"| 错误天数 | {DEADLINE_DAYS}个工作日期限不同 |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def render_markdown(years: list[int]) -> str:
    results = compare(years)
    current = [y for y in years if regime_for(y).since == regime_for(years[-1]).since]
    earlier = [y for y in years if y not in current]
    out = [
        "# Predicting a provisional year's calendar: comparison with past official schedules",
        "",
        "Generated by `zhitong workdays compare --out docs/calendar-prediction.md` "
        "(zhitong/workdays/compare.py); do not edit by hand.",
        "",
        "A year whose official holiday schedule (国务院办公厅关于部分节假日安排的通知) is not "
        "imported yet is *provisional*: its rest days are predicted (zhitong/workdays/prediction.py) "
        "and every deadline counted over it is marked 预测 until the official schedule is "
        "imported, which re-times the stored deadlines. Here each year the `chinesecalendar` "
        "package holds officially is predicted as if it were unpublished and compared day by day "
        "with the official schedule, under three ways of predicting:",
        "",
        "- **固定日期（旧做法）** `fixed`: weekends plus 1 January, 1–2 May (1 May before 2025) and "
        "1–3 October: the provisional calendar before the prediction existed.",
        "- **法定节假日＋补休** `statutory`: the holidays of 《全国年节及纪念日放假办法》 第二条 in force "
        "that year (lunar dates and 清明 from `lunar_python`), and 第六条: a holiday on a Saturday or "
        "Sunday (or on another holiday) gives the next free weekday off.",
        "- **法定节假日＋补休＋调休** `customary` (what the application uses): the above bridged into "
        "longer breaks paid for by weekend working days, by the principle the State Council General "
        "Office published with the 2025 schedule (国办发明电〔2024〕12号: 春节自除夕起8天，国庆节7天，"
        "劳动节5天，元旦、清明、端午、中秋放假调休或连休3天，逢周三只放当日，国庆逢中秋合并8天) and "
        "第七条 (no more than 6 working days in a row); before 2025 the practice of its time "
        "(全国假日办 2013: two 7-day breaks, 春节 from 除夕 and 国庆, and five 3-day ones).",
        "",
        "Columns: *工作日放假* are official rest days falling on Monday–Friday (weekends are rest "
        "days whatever is predicted), with how many the prediction got, missed (predicted as "
        "working days) and added (predicted rest, officially worked); *调休上班* are official "
        "weekend working days, likewise; *错误天数* is every day whose working/rest status the "
        f"prediction gets wrong; the last column counts the days of the year from which "
        f'"{DEADLINE_DAYS} working days later" comes out on a different date.',
        "",
    ]
    out += ["## Summary", ""]
    for group in (current, earlier):
        if not group:
            continue
        label = f"{group[0]}–{group[-1]}" if len(group) > 1 else str(group[0])
        parts = []
        for mode in reversed(MODES):
            rows = [r for r in results[mode] if r.year in group]
            exceptions = sum(r.rest + r.makeup for r in rows)
            errors = sum(r.errors for r in rows)
            moved = sum(r.deadlines_moved for r in rows)
            parts.append(
                f"{MODE_TITLES[mode]} {errors} wrong days (of {exceptions} official exceptions), "
                f"{moved} {DEADLINE_DAYS}-working-day deadlines off"
            )
        statute = regime_for(group[-1]).source
        out.append(f"- {label} ({statute}): " + "; ".join(parts) + ".")
    out.append("")
    for mode in MODES:
        rows = results[mode]
        out += [f"## {MODE_TITLES[mode]} (`{mode}`)", "", HEADER]
        for c in rows:
            out.append(_row(c, (date(c.year, 12, 31) - date(c.year, 1, 1)).days + 1))
        for group in (earlier, current):
            if group:
                label = f"{group[0]}–{group[-1]}" if len(group) > 1 else str(group[0])
                out.append(_total(label, [r for r in rows if r.year in group]))
        out.append("")

    customary = {c.year: c for c in results["customary"]}
    out += [
        "## Where the customary prediction is wrong",
        "",
        "Day by day (休: officially a rest day, predicted worked; 班: officially worked, predicted "
        "a rest day):",
        "",
    ]
    for y in years:
        c = customary[y]
        days = "、".join(
            f"{d:%m-%d}（{WEEKDAYS[d.weekday()]}，{'班' if works else '休'}）" for d, works in c.wrong
        )
        out.append(f"- {y}: {days or '无'}")
    out += ["", EXPLANATION.strip(), ""]
    return "\n".join(out)


EXPLANATION = """
## Reading the tables

- **Under the statute in force (2025 on)** the General Office's principle, applied by rule
  (prediction.py), gave the 2025 and 2026 schedules day for day when this was written, make-up
  Sundays and Saturdays included. The make-up days are placed so: a weekend the break splits
  gives its other day; otherwise
  the nearest free weekend before and after the break, the day nearer the break unless it
  touches it (2026: Saturday 14 February worked, Sunday 15 rested before 除夕); a single
  make-up day on the side with the shorter working stretch.
- **Holidays and 补休 alone** get the holidays themselves right (lunar dates, 除夕 on 腊月廿九,
  清明 on 4 or 5 April), but miss every bridged weekday and every make-up working day: about
  a dozen days a year, a third of the rest days on weekdays. The old fixed-date calendar
  missed the lunar holidays as well (春节 2025: 除夕 28 January counted as a working day).
- **Before 2025** the bridging practice was looser and is not written down as a principle; the
  practice described in 2013 (7-day 春节 from 除夕 and 国庆, 3-day small breaks) is what the
  customary rows use there. It misses: 劳动节 as 4 days (2019, changed in March) and 5 days
  (2020–2024), where the 3-day practice predicted less; both make-up days put on one side of
  a break (2016, 2018, 2019, 2022, 2023 — a 7-day working stretch, which 第七条 now rules out);
  2024's 春节 from 初一; and the special cases: 2015's 抗战胜利70周年纪念日 (3–4 September,
  with 中秋 on Sunday 27 September given no 补休 that year) and 2020's Spring Festival
  extension (31 January – 2 February, COVID-19).
- The prediction is a prediction: the State Council may depart from its principle (“除个别
  特殊情形外”). Every deadline counted over a provisional year stays marked 预测, and importing
  the official schedule re-times the stored ones (workdays/deadlines.py).
"""
