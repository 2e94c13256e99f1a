"""Working-day arithmetic over the official calendar, and the writes that change it.

Rules
- A year with a CalendarYear row is *official*: a day is a working day when it is an
  adjusted working day (调休上班), or a Monday–Friday that is not a listed holiday.
- Any other year is *provisional* and never raises: its rest days and make-up working days
  are predicted from 《全国年节及纪念日放假办法》 (lunar holidays, 补休) and the State
  Council's published bridging principle (prediction.py; docs/calendar-prediction.md
  compares the prediction with past years). Day rows stored for a provisional year (an
  admin's partial knowledge) still apply on top of the prediction.
- "N working days after D" does not count D itself (《行政许可法》第八十二条: 期限开始之日不计算在内).
- "By the Nth of each month" ends on the Nth, or the next working day when the Nth is a
  rest day (`monthly_cutoff`; the escalation batch's 10th, seeds/000 二).

Every write re-times the stored deadlines registered in deadlines.py, inside its own
transaction (`_changed`).

Performance: these functions run in loops (deadline recomputation over hundreds of
appeals), so the calendar is held in-process as a snapshot and reloaded only when the
version number in Django's cache changes; the write services bump it. Each public call
reads that version once; a re-timing run pins one snapshot (`pinned_calendar`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhitong.core.errors import ServiceError

from .calendar import (  # noqa: F401  (re-exported: the calendar's public reads)
    ONE_DAY,
    WorkdayResult,
    _calendar,
    _changed_quietly,
    _Snapshot,
    invalidate_cache,
    pinned_calendar,
)
from .models import CalendarDay, CalendarYear, ChangeSource, DayKind
from .prediction import predict


def _changed(years, *, source: str, actor=None, now: datetime | None = None):
    """Called by every write service inside its transaction, after the write: from here
    on this thread reads the uncommitted calendar, and every registered stored deadline
    the change may move is re-timed in the same transaction (workdays/deadlines.py).
    Returns the CalendarChange row the moves are recorded under."""
    from .deadlines import retime
    from .models import CalendarChange

    years = sorted(set(years))
    _changed_quietly(years)
    now = now or timezone.now()
    change = CalendarChange.objects.create(source=source, years=years, actor=actor, at=now)
    retime(years=years, change=change, actor=actor, now=now)
    return change


# ---------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------


def is_workday(d: date) -> bool:
    return _calendar().is_workday(d)


def is_provisional(d: date) -> bool:
    """True when d's year has no official schedule loaded."""
    return d.year not in _calendar().official


def official_years() -> list[int]:
    return sorted(_calendar().official)


def missing_years(around: date | None = None) -> list[int]:
    """Years that matter now (the current one and the next, into which December deadlines
    run) but have no official schedule."""
    around = around or timezone.localdate()
    official = _calendar().official
    return [y for y in (around.year, around.year + 1) if y not in official]


def _check_n(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ServiceError("工作日数须为非负整数。", code="invalid_workdays", field="n")


def _step(cal: _Snapshot, d: date, n: int, delta: timedelta) -> date:
    try:
        while n > 0:
            d += delta
            if cal.is_workday(d):
                n -= 1
    except OverflowError:
        raise ServiceError("计算结果超出日期范围。", code="date_out_of_range")
    return d


def add_workdays(start: date, n: int) -> WorkdayResult:
    """The date N working days after `start`, `start` itself not counted; n=0 gives start.

    Provisional when any day counted lies in a year without an official schedule."""
    _check_n(n)
    cal = _calendar()
    if n == 0:
        return WorkdayResult(start, start.year not in cal.official)
    end = _step(cal, start, n, ONE_DAY)
    return WorkdayResult(end, cal.any_provisional(start + ONE_DAY, end))


def subtract_workdays(d: date, n: int) -> WorkdayResult:
    """The date N working days before `d`, `d` itself not counted (mirror of add)."""
    _check_n(n)
    cal = _calendar()
    if n == 0:
        return WorkdayResult(d, d.year not in cal.official)
    start = _step(cal, d, n, -ONE_DAY)
    return WorkdayResult(start, cal.any_provisional(start, d - ONE_DAY))


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative (the count in (end, start]) when end < start.

    workdays_between(today, deadline) is what remains; negative means overdue by that many."""
    if end == start:
        return 0
    if end < start:
        return -workdays_between(end, start)
    cal = _calendar()
    # Whole weeks hold five weekdays each; only exceptions (stored or, in a provisional
    # year, predicted) inside the range adjust that, so long ranges cost no more than
    # short ones.
    first = start + ONE_DAY
    days = (end - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    d = first + timedelta(days=weeks * 7)
    for i in range(rest):
        if (d + timedelta(days=i)).weekday() < 5:
            count += 1
    for h in cal.holidays:
        if first <= h <= end and h.weekday() < 5:
            count -= 1
    for w in cal.workdays:
        if first <= w <= end and w.weekday() >= 5:
            count += 1
    stored = cal.holidays | cal.workdays
    for year in range(first.year, end.year + 1):
        if year in cal.official:
            continue
        predicted = predict(year)
        for h in predicted.weekday_rest:
            if first <= h <= end and h not in stored:
                count -= 1
        for w in predicted.weekend_work:
            if first <= w <= end and w not in stored:
                count += 1
    return count


# ---------------------------------------------------------------------------------------
# Monthly cut-offs ("by the 10th of each month")
# ---------------------------------------------------------------------------------------

# seeds/000 二: 各县(市)区政府、高新区管委会和市直有关部门发现有需要市领导协调的问题，
# 每月10日前报送市发改委 — the escalation batch's cut-off (docs/coordination.md).
MONTHLY_CUTOFF_DAY = 10


def monthly_cutoff(month: date, day: int = MONTHLY_CUTOFF_DAY) -> WorkdayResult:
    """The last day of "by the `day`th of `month`": that day when it is a working day,
    otherwise the first working day after it. A time limit whose last day is a rest day
    runs to the next working day (《民法典》第二百零三条: 期间的最后一日是法定休假日的，
    以法定休假日结束的次日为期间的最后一日); an adjusted working day (调休) counts, so
    Saturday 10 October 2026 is itself the cut-off. "By the 10th" includes the cut-off.
    Provisional when counted on a year without an official schedule."""
    cal = _calendar()
    last = month.replace(day=day)
    if cal.is_workday(last):
        return WorkdayResult(last, last.year not in cal.official)
    end = _step(cal, last, 1, ONE_DAY)
    return WorkdayResult(end, cal.any_provisional(last, end))


def _first_of_next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def cutoff_month_for(received: datetime | date, day: int = MONTHLY_CUTOFF_DAY) -> date:
    """The month (its first day) whose cut-off `received` meets: this month's when received
    on or before its cut-off (Asia/Shanghai calendar day), else the next month's."""
    if isinstance(received, datetime):
        received = timezone.localdate(received)
    month = received.replace(day=1)
    return month if received <= monthly_cutoff(month, day).date else _first_of_next_month(month)


def cutoff_window(month: date, day: int = MONTHLY_CUTOFF_DAY) -> tuple[datetime, datetime]:
    """[start, end) of the receipt times that meet `month`'s cut-off and not the previous
    month's: from the day after the previous cut-off to the end of this cut-off day
    (Asia/Shanghai)."""
    month = month.replace(day=1)
    prev = (month - ONE_DAY).replace(day=1)
    first = monthly_cutoff(prev, day).date + ONE_DAY
    after = monthly_cutoff(month, day).date + ONE_DAY
    tz = timezone.get_current_timezone()
    return (
        datetime(first.year, first.month, first.day, tzinfo=tz),
        datetime(after.year, after.month, after.day, tzinfo=tz),
    )


@dataclass(frozen=True)
class MonthDay:
    date: date
    workday: bool
    # "" | "holiday" | "workday" | "weekend" | "provisional_holiday" | "provisional_workday"
    kind: str
    name: str


def year_days(year: int) -> dict[date, MonthDay]:
    """Every day of `year` with how it counts, for the calendar page; in a provisional
    year the predicted holidays and make-up working days are kinds of their own."""
    cal = _calendar()
    names = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "name"))
    predicted = predict(year) if year not in cal.official else None
    out = {}
    d = date(year, 1, 1)
    while d.year == year:
        name = names.get(d, "")
        if d in cal.workdays:
            kind = "workday"
        elif d in cal.holidays:
            kind = "holiday"
        elif predicted is not None and d in predicted.work:
            kind, name = "provisional_workday", predicted.work[d]
        elif predicted is not None and d in predicted.rest:
            kind, name = "provisional_holiday", predicted.rest[d]
        elif d.weekday() >= 5:
            kind = "weekend"
        else:
            kind = ""
        out[d] = MonthDay(d, cal.is_workday(d), kind, name)
        d += ONE_DAY
    return out


# ---------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------


KIND_ALIASES = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "法定节假日": DayKind.HOLIDAY,
    "workday": DayKind.ADJUSTED_WORKDAY,
    "班": DayKind.ADJUSTED_WORKDAY,
    "上班": DayKind.ADJUSTED_WORKDAY,
    "调休": DayKind.ADJUSTED_WORKDAY,
    "调休上班": DayKind.ADJUSTED_WORKDAY,
}
HEADER_WORDS = {"date", "日期"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file
    column: str
    reason: str

    def __str__(self) -> str:
        return gettext("第%(row)s行 %(column)s：%(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    ok: bool
    years: list[int] = field(default_factory=list)
    days: int = 0
    errors: list[RowError] = field(default_factory=list)
    change: object = None  # the CalendarChange, with the deadlines it re-timed


def _validate_day(day: date, kind: str) -> str | None:
    if kind == DayKind.ADJUSTED_WORKDAY and day.weekday() < 5:
        return gettext("调休上班日须为周六或周日（周一至周五本来就是工作日）")
    return None


def _read_text(fileobj) -> str:
    raw = fileobj.read()
    if isinstance(raw, str):
        return raw.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError("文件编码无法识别，请保存为 UTF-8 编码的 CSV。", code="bad_encoding")


def _parse_csv(text: str) -> tuple[list[tuple[date, str, str]], list[RowError]]:
    rows, errors, seen = [], [], {}
    for lineno, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if lineno == 1 and cells[0].lower() in HEADER_WORDS:
            continue
        if len(cells) < 2:
            errors.append(
                RowError(lineno, gettext("类型"), gettext("缺少类型列（每行应为：日期,类型,名称）"))
            )
            continue
        if len(cells) > 3:
            reason = gettext("列数过多（%(n)s列），每行应为：日期,类型,名称") % {"n": len(cells)}
            errors.append(RowError(lineno, gettext("名称"), reason))
            continue
        raw_date, raw_kind, name = cells[0], cells[1], cells[2] if len(cells) > 2 else ""
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            reason = gettext("“%(value)s”不是有效日期，应为 YYYY-MM-DD") % {"value": raw_date}
            errors.append(RowError(lineno, gettext("日期"), reason))
            continue
        kind = KIND_ALIASES.get(raw_kind.lower())
        if kind is None:
            reason = gettext("“%(value)s”不是有效类型，应为 holiday（休）或 workday（班）") % {
                "value": raw_kind
            }
            errors.append(RowError(lineno, gettext("类型"), reason))
            continue
        if len(name) > 50:
            errors.append(RowError(lineno, gettext("名称"), gettext("名称不得超过50个字")))
            continue
        problem = _validate_day(day, kind)
        if problem:
            errors.append(RowError(lineno, gettext("类型"), problem))
            continue
        if day in seen:
            reason = gettext("%(day)s 与第%(row)s行重复") % {"day": day.isoformat(), "row": seen[day]}
            errors.append(RowError(lineno, gettext("日期"), reason))
            continue
        seen[day] = lineno
        rows.append((day, kind, name))
    if not rows and not errors:
        errors.append(RowError(1, gettext("日期"), gettext("文件中没有数据行")))
    return rows, errors


def calendar_import_csv(
    *, fileobj, actor, replace_year: bool = True, now: datetime | None = None
) -> ImportResult:
    """Load a year's official schedule from CSV lines `date,kind,name` (kind: holiday/休 or
    workday/班). All or nothing: any bad row and nothing is written; the result lists every
    problem (row, column, reason). Each year in the file becomes official; with
    replace_year its previous rows are replaced, otherwise merged."""
    from zhitong.audit.services import audit_record

    now = now or timezone.now()
    rows, errors = _parse_csv(_read_text(fileobj))
    if errors:
        return ImportResult(ok=False, errors=errors)
    years = sorted({d.year for d, _, _ in rows})
    with transaction.atomic():
        before = {y: CalendarDay.objects.filter(date__year=y).count() for y in years}
        if replace_year:
            CalendarDay.objects.filter(date__year__in=years).delete()
        else:
            CalendarDay.objects.filter(date__in=[d for d, _, _ in rows]).delete()
        CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in rows])
        for y in years:
            CalendarYear.objects.update_or_create(
                year=y,
                defaults={"source": "CSV导入", "note": f"{timezone.localtime(now):%Y-%m-%d %H:%M} 导入"},
            )
        audit_record(
            action="workdays.import",
            object_type="workdays.calendaryear",
            object_id=str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}",
            actor=actor,
            before={"days_per_year": before},
            after={"years": years, "days": len(rows), "replace_year": replace_year},
            now=now,
        )
        change = _changed(years, source=ChangeSource.IMPORT, actor=actor, now=now)
    return ImportResult(ok=True, years=years, days=len(rows), change=change)


def calendar_day_set(
    *, actor, day: date, kind: str, name: str = "", now: datetime | None = None
) -> CalendarDay:
    """Mark one day as a holiday or an adjusted working day (an admin's correction)."""
    from zhitong.audit.services import audit_record

    if kind not in DayKind.values:
        raise ServiceError("类型须为法定节假日或调休上班。", code="invalid_kind", field="kind")
    problem = _validate_day(day, kind)
    if problem:
        raise ServiceError(problem + gettext("。"), code="invalid_kind", field="kind")
    name = (name or "").strip()
    if len(name) > 50:
        raise ServiceError("名称不得超过50个字。", field="name")
    now = now or timezone.now()
    with transaction.atomic():
        old = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = {"kind": old.kind, "name": old.name} if old else None
        obj, _ = CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        audit_record(
            action="workdays.day_set",
            obj=obj,
            actor=actor,
            before=before,
            after={"kind": kind, "name": name},
            now=now,
        )
        _changed([day.year], source=ChangeSource.DAY_SET, actor=actor, now=now)
    return obj


def calendar_day_clear(*, actor, day: date, now: datetime | None = None) -> bool:
    """Remove a day's row: it counts by the weekday again. False when there was none."""
    from zhitong.audit.services import audit_record

    now = now or timezone.now()
    with transaction.atomic():
        old = CalendarDay.objects.select_for_update().filter(date=day).first()
        if old is None:
            return False
        before = {"kind": old.kind, "name": old.name}
        old.delete()
        audit_record(
            action="workdays.day_clear",
            object_type="workdays.calendarday",
            object_id=day.isoformat(),
            actor=actor,
            before=before,
            after=None,
            now=now,
        )
        _changed([day.year], source=ChangeSource.DAY_CLEAR, actor=actor, now=now)
    return True


def calendar_seed_from_package(*, years=None, actor=None, now: datetime | None = None) -> list[int]:
    """Load the schedules the `chinesecalendar` package ships (default: every year it
    covers), replacing those years' rows. Returns the years loaded."""
    return _seed(years=years, actor=actor, now=now, audit=True)


def _seed(*, years, actor=None, now=None, audit: bool) -> list[int]:
    from zhitong.audit.services import audit_record

    from .package import package_rows

    now = now or timezone.now()
    covered, rows = package_rows(years)
    if not covered:
        return []
    with transaction.atomic():
        CalendarDay.objects.filter(date__year__in=covered).delete()
        CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in rows])
        for y in covered:
            CalendarYear.objects.update_or_create(year=y, defaults={"source": "chinesecalendar", "note": ""})
        if not audit:
            # The post_migrate re-seed of an emptied (flushed) database: nothing stored
            # to re-time, and nothing to record.
            _changed_quietly(covered)
        else:
            audit_record(
                action="workdays.seed",
                object_type="workdays.calendaryear",
                object_id=f"{covered[0]}-{covered[-1]}",
                actor=actor,
                after={"years": covered, "days": len(rows)},
                now=now,
            )
            _changed(covered, source=ChangeSource.SEED, actor=actor, now=now)
    return covered
