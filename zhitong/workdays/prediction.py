"""The predicted calendar of a year whose official schedule is not published yet.

Until the State Council's General Office publishes a year's arrangement (国务院办公厅关于
某年部分节假日安排的通知, usually in November of the year before), that year is
*provisional*: its rest days are predicted here from the rules, and every deadline counted
over them is marked provisional, to be re-timed when the official schedule is imported
(deadlines.py).

The rules, 《全国年节及纪念日放假办法》 as revised by 国务院令第795号 (2024-11-10, in force
2025-01-01; https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989774.html):

- 第二条 全体公民放假的节日: 元旦 1 day (1 January); 春节 4 days (农历除夕、正月初一至初三);
  清明节 1 day (农历清明当日, the solar term); 劳动节 2 days (5月1日、2日); 端午节 1 day
  (农历端午当日, 五月初五); 中秋节 1 day (农历中秋当日, 八月十五); 国庆节 3 days (10月1日至3日).
  除夕 is the last day of the lunar year: 腊月廿九 when 腊月 has 29 days (2025–2029).
- 第六条 全体公民放假的假日，如果适逢周六、周日，应当在工作日补假 (a holiday on a weekend
  gives a rest day on a weekday, 补休).
- 第七条 (added in 2024) 全体公民放假的假日，可合理安排统一放假调休 … 除个别特殊情形外，
  法定节假日假期前后连续工作一般不超过6天.

How the bridging (调休) is done each year is not in the statute but in the principle the
General Office published with the 2025 schedule (国办发明电〔2024〕12号) and has followed
since: 春节自农历除夕起放假调休8天，国庆节自10月1日起放假调休7天，劳动节放假调休5天，
元旦、清明节、端午节、中秋节分别放假调休或连休3天（如逢周三则只在当日放假），国庆节放假
如逢中秋节则合并放假8天. `predict` applies it (ARRANGEMENT = "customary"): it reproduces the
official 2025 and 2026 schedules day for day, while holidays and 补休 alone miss nearly a
third of the weekday rest days and every make-up working day (docs/calendar-prediction.md, made by
`zhitong workdays compare`). Earlier statutes are kept for the comparison with past years
(REGIMES). Lunar dates and the solar term come from `lunar_python` (6tail's lunar library:
pure Python, astronomical solar terms, maintained).

This module reads no database: a function of the year alone, cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

ONE_DAY = timedelta(days=1)
SAT, SUN = 5, 6

# What a provisional year is predicted with: "customary" (holidays, 补休 and the published
# bridging principle), "statutory" (holidays and 补休 only) or "fixed" (weekends and the
# Gregorian-date holidays only: the calendar before the prediction existed).
ARRANGEMENT = "customary"
MODES = ("fixed", "statutory", "customary")
# Years the lunar prediction is made for (the calendar page's range); any other year gets
# the Gregorian-date holidays only (date arithmetic near date.min/date.max stays safe).
PREDICTED_YEARS = range(1900, 2201)


@dataclass(frozen=True)
class Regime:
    """One version of 《全国年节及纪念日放假办法》 and the bridging practice of its time."""

    since: int  # the first year it governs
    source: str
    spring: tuple[int, int]  # statutory 春节: first and last day, as offsets from 正月初一
    labour: int  # statutory 劳动节 days from 1 May
    lunar_one_day: bool  # 清明、端午、中秋 are holidays (since 2008)
    # The customary arrangement: 春节 rest block (offset of its first day, length), the
    # 劳动节 and 国庆节 blocks' lengths; the other holidays are 3-day breaks.
    spring_block: tuple[int, int]
    labour_block: int
    national_block: int
    practice: str


REGIMES = (
    Regime(
        since=1999,
        source="国务院令第270号（1999年修订）",
        spring=(0, 2),
        labour=3,
        lunar_one_day=False,
        spring_block=(0, 7),
        labour_block=7,
        national_block=7,
        practice="春节、劳动节、国庆节各7天",
    ),
    Regime(
        since=2008,
        source="国务院令第513号（2007年修订）",
        spring=(-1, 1),
        labour=1,
        lunar_one_day=True,
        spring_block=(-1, 7),
        labour_block=3,
        national_block=7,
        practice="春节（自除夕起）、国庆节各7天，其余3天",
    ),
    Regime(
        since=2014,
        source="国务院令第644号（2013年修订）",
        spring=(0, 2),
        labour=1,
        lunar_one_day=True,
        # 全国假日办 2013: 现行放假调休方法：通过调借双休日，分别形成2个7天“长假”（春节、国庆）
        # 和5个3天“小长假”（元旦、清明、五一、端午、中秋）; the 春节 week began on 除夕.
        spring_block=(-1, 7),
        labour_block=3,
        national_block=7,
        practice="春节（自除夕起）、国庆节各7天，其余3天（全国假日办2013年所述做法）",
    ),
    Regime(
        since=2025,
        source="国务院令第795号（2024年修订）",
        spring=(-1, 2),
        labour=2,
        lunar_one_day=True,
        spring_block=(-1, 8),
        labour_block=5,
        national_block=7,
        practice="国办发明电〔2024〕12号：春节自除夕起8天，国庆节7天，劳动节5天，其余3天",
    ),
)


def regime_for(year: int) -> Regime:
    """The statute in force on 1 January of `year` (the first one for earlier years)."""
    found = REGIMES[0]
    for regime in REGIMES:
        if regime.since <= year:
            found = regime
    return found


@dataclass(frozen=True)
class Festival:
    """A statutory holiday of one year: its name and the days the statute names."""

    name: str
    days: tuple[date, ...]


@lru_cache(maxsize=64)
def _lunar_days(year: int) -> dict[str, date]:
    """正月初一, 清明, 端午 and 中秋 of the lunar year that starts in `year`."""
    from lunar_python import Lunar

    first = Lunar.fromYmd(year, 1, 1)

    def solar(lunar) -> date:
        s = lunar.getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    qingming = first.getJieQiTable()["清明"]
    return {
        "new_year": solar(first),
        "qingming": date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        "duanwu": solar(Lunar.fromYmd(year, 5, 5)),
        "zhongqiu": solar(Lunar.fromYmd(year, 8, 15)),
    }


def festivals(year: int) -> list[Festival]:
    """The statutory holidays of `year` (第二条), in date order. 除夕 is the day before
    正月初一, so it is 廿九 when 腊月 is short."""
    regime = regime_for(year)
    lunar = _lunar_days(year)
    first, last = regime.spring
    out = [
        Festival("元旦", (date(year, 1, 1),)),
        Festival("春节", tuple(lunar["new_year"] + timedelta(days=i) for i in range(first, last + 1))),
        Festival("劳动节", tuple(date(year, 5, 1 + i) for i in range(regime.labour))),
        Festival("国庆节", (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3))),
    ]
    if regime.lunar_one_day:
        out += [
            Festival("清明节", (lunar["qingming"],)),
            Festival("端午节", (lunar["duanwu"],)),
            Festival("中秋节", (lunar["zhongqiu"],)),
        ]
    return sorted(out, key=lambda f: f.days[0])


@dataclass
class Prediction:
    """A year's predicted exceptions: `rest` holds every day of a predicted holiday span
    (weekend days included, as the official listings do), `work` the weekend days
    predicted as make-up working days (调休上班); both name the holiday."""

    year: int
    mode: str
    rest: dict[date, str] = field(default_factory=dict)
    work: dict[date, str] = field(default_factory=dict)

    def is_workday(self, d: date) -> bool:
        if d in self.work:
            return True
        if d in self.rest:
            return False
        return d.weekday() < SAT

    @cached_property
    def weekday_rest(self) -> frozenset[date]:
        return frozenset(d for d in self.rest if d.weekday() < SAT)

    @cached_property
    def weekend_work(self) -> frozenset[date]:
        return frozenset(d for d in self.work if d.weekday() >= SAT)


def _is_weekend(d: date) -> bool:
    return d.weekday() >= SAT


# ---------------------------------------------------------------------------------------
# Holidays and 补休 (第二条, 第六条)
# ---------------------------------------------------------------------------------------


def _statutory(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """Holidays plus 补休: each holiday day on a weekend, or on a day another holiday
    already takes (中秋 on 1 October), gives the next weekday not yet a rest day."""
    rest: dict[date, str] = {}
    for fest in festivals(year):
        owed = 0
        for d in fest.days:
            if d in rest or _is_weekend(d):
                owed += 1
            rest.setdefault(d, fest.name)
        d = fest.days[-1]
        while owed:
            d += ONE_DAY
            if not _is_weekend(d) and d not in rest:
                rest[d] = fest.name
                owed -= 1
    return rest, {}


# ---------------------------------------------------------------------------------------
# The customary arrangement (第七条 and the published bridging principle)
# ---------------------------------------------------------------------------------------


@dataclass
class _Block:
    name: str
    first: date
    last: date
    entitled: int  # statutory days it carries (a weekend one is owed as 补休)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def weekdays(self) -> int:
        return sum(1 for d in self.days() if not _is_weekend(d))


def _three_day(name: str, day: date, entitled: int = 1) -> _Block:
    """元旦、清明、端午、中秋: 放假调休或连休3天，如逢周三则只在当日放假. Monday: Sat–Mon;
    Tuesday: Sun–Tue (Monday bridged); Thursday: Thu–Sat (Friday bridged); Friday: Fri–Sun;
    Saturday and Sunday: Sat–Mon (Monday the 补休)."""
    wd = day.weekday()
    start = {0: -2, 1: -2, 2: 0, 3: 0, 4: 0, 5: 0, 6: -1}[wd]
    length = 1 if wd == 2 else 3
    first = day + timedelta(days=start)
    return _Block(name, first, first + timedelta(days=length - 1), entitled)


def _blocks(year: int) -> list[_Block]:
    regime = regime_for(year)
    fests = {f.name: f for f in festivals(year)}
    out: list[_Block] = []

    out.append(_three_day("元旦", date(year, 1, 1)))

    spring = fests["春节"]
    offset, length = regime.spring_block
    first = _lunar_days(year)["new_year"] + timedelta(days=offset)
    out.append(_Block("春节", first, first + timedelta(days=length - 1), len(spring.days)))

    labour = fests["劳动节"]
    if regime.labour_block <= 3 and len(labour.days) == 1:
        out.append(_three_day("劳动节", labour.days[0]))
    else:
        # 劳动节放假调休5天: from 1 May, or from the weekend just before it, so that the
        # five days take in a whole weekend (2022: 30 April – 4 May; 2023: 29 April – 3 May).
        first = labour.days[0]
        while _is_weekend(first - ONE_DAY):
            first -= ONE_DAY
        out.append(_Block("劳动节", first, first + timedelta(days=regime.labour_block - 1), len(labour.days)))

    for name in ("清明节", "端午节"):
        if name in fests:
            out.append(_three_day(name, fests[name].days[0]))

    national = fests["国庆节"]
    first, length, entitled, name = date(year, 10, 1), regime.national_block, len(national.days), "国庆节"
    if "中秋节" in fests:
        zhongqiu = fests["中秋节"].days[0]
        # 国庆节放假如逢中秋节则合并放假8天: 中秋 within the week (2017, 2020, 2025) or on
        # the days just before it (29 September 2023: 29 September – 6 October).
        if date(year, 9, 29) <= zhongqiu <= date(year, 10, 1) + timedelta(days=length):
            first, length, entitled, name = min(first, zhongqiu), length + 1, entitled + 1, "国庆节、中秋节"
        else:
            out.append(_three_day("中秋节", zhongqiu))
    out.append(_Block(name, first, first + timedelta(days=length - 1), entitled))

    # Next year's 元旦 may begin on 29–31 December of this one.
    out.append(_three_day("元旦", date(year + 1, 1, 1)))
    return sorted(out, key=lambda b: b.first)


def _customary(year: int) -> tuple[dict[date, str], dict[date, str]]:
    blocks = _blocks(year)
    rest: dict[date, str] = {}
    for block in blocks:
        # A block too short for its holidays (never with the current principle) is
        # lengthened by 补休 on the following weekdays.
        while block.weekdays() < block.entitled:
            block.last += ONE_DAY
        for d in block.days():
            rest.setdefault(d, block.name)
    work: dict[date, str] = {}
    for block in blocks:
        _make_up(block, block.weekdays() - block.entitled, rest, work)
    return rest, work


def _make_up(block: _Block, owed: int, rest: dict[date, str], work: dict[date, str]) -> None:
    """Place the weekend working days that pay for the weekdays `block` bridges.

    1. A weekend the block splits gives its other day (Thursday–Saturday: that Sunday;
       Sunday–Tuesday: that Saturday).
    2. Then the nearest free weekend before and the nearest after the block, one day each
       (第七条: no more than 6 working days in a row), the day nearer the block unless
       that day touches it, which then stays a rest day and lengthens the break (2026:
       Saturday 14 February worked, Sunday 15 rested before 除夕 on Monday 16).
    3. One day owed: on whichever side leaves the shorter working stretch to the block
       (2025 劳动节: Sunday 27 April; 2026: Saturday 9 May); before it on a tie.
    """

    def free(d: date) -> bool:
        return d not in rest and d not in work

    for d in block.days():
        partner = d + ONE_DAY if d.weekday() == SAT else d - ONE_DAY if d.weekday() == SUN else None
        if owed > 0 and partner and not block.first <= partner <= block.last and free(partner):
            work[partner] = block.name
            owed -= 1

    def weekends(direction: int) -> Iterable[tuple[date, date]]:
        """(nearer, farther) day of each weekend going away from the block."""
        d = block.first - ONE_DAY if direction < 0 else block.last + ONE_DAY
        for _ in range(8):
            while not _is_weekend(d):
                d += timedelta(days=direction)
            pair = (d, d + timedelta(days=direction))
            if _is_weekend(pair[1]):
                yield pair
                d = pair[1] + timedelta(days=direction)
            else:
                d += timedelta(days=direction)

    def candidate(direction: int) -> date | None:
        edge = block.first - ONE_DAY if direction < 0 else block.last + ONE_DAY
        for nearer, farther in weekends(direction):
            if free(nearer) and free(farther):
                return farther if nearer == edge else nearer
        return None

    def stretch(day: date, direction: int) -> int:
        """Working days between `day` (a weekend day) and the block."""
        n, d = 0, day
        end = block.first if direction < 0 else block.last
        while d != end:
            if d in work or (not _is_weekend(d) and d not in rest):
                n += 1
            d -= timedelta(days=direction)
        return n

    while owed > 0:
        before, after = candidate(-1), candidate(1)
        if before is None and after is None:
            return
        if owed >= 2 and before and after:
            work[before] = work[after] = block.name
            owed -= 2
            continue
        if after is None or (before is not None and stretch(before, -1) <= stretch(after, 1)):
            work[before] = block.name
        else:
            work[after] = block.name
        owed -= 1


# ---------------------------------------------------------------------------------------
# The prediction
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _predict(year: int, mode: str) -> Prediction:
    if mode not in MODES:
        raise ValueError(f"unknown prediction mode {mode!r}")
    if mode == "fixed" or year not in PREDICTED_YEARS:
        regime = regime_for(year)
        rest = {date(year, 1, 1): "元旦"}
        rest.update({date(year, 5, 1 + i): "劳动节" for i in range(regime.labour)})
        rest.update({date(year, 10, 1 + i): "国庆节" for i in range(3)})
        work: dict[date, str] = {}
    elif mode == "statutory":
        rest, work = _statutory(year)
    else:
        rest, work = _customary(year)
    return Prediction(
        year,
        mode,
        {d: n for d, n in sorted(rest.items()) if d.year == year},
        {d: n for d, n in sorted(work.items()) if d.year == year and _is_weekend(d)},
    )


def predict(year: int, mode: str | None = None) -> Prediction:
    """The predicted rest days and make-up working days of `year`, within that year (a
    元旦 break reaching into the year before is cut off there: that December belongs to
    the earlier year's schedule). Cached; do not mutate the result."""
    return _predict(year, mode or ARRANGEMENT)
