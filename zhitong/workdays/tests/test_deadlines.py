"""The registry of stored working-day deadlines and the monthly cut-off rule."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from zhitong.workdays import deadlines, services
from zhitong.workdays.models import CalendarChange, ChangeSource, DayKind, DeadlineShift

TZ = ZoneInfo("Asia/Shanghai")


# --- every stored working-day deadline is registered ----------------------------------------


def test_every_model_with_a_provisional_deadline_registers_it():
    """A BooleanField `<x>_provisional` (or `provisional`) marks a date counted in working
    days; the owning app must register it (AppConfig.ready → workdays.deadlines.register),
    or a calendar change would leave it counted on the old calendar."""
    assert deadlines.unregistered() == []


def test_the_convention_check_finds_a_deadline_left_out(monkeypatch):
    registry = {k: v for k, v in deadlines._registry.items() if not k.startswith("coordination.task.")}
    monkeypatch.setattr(deadlines, "_registry", registry)
    assert deadlines.unregistered() == ["coordination.Task.due_provisional", "coordination.Task.due"]


def test_the_known_deadlines_are_registered():
    fields = deadlines.registered_fields()
    for label, name in [
        ("appeals.Appeal", "handling_due"),
        ("appeals.Appeal", "sign_due"),
        ("appeals.Appeal", "legal_due"),
        ("appeals.Appeal", "clock_due"),
        ("coordination.EscalationBatch", "cutoff"),
        ("coordination.Event", "catalog_due"),
        ("coordination.Task", "due"),
        ("coordination.MeetingItem", "due_date"),
        ("coordination.EventItem", "due_date"),
    ]:
        assert (label, name) in fields


# --- the monthly cut-off ("by the 10th") ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "cutoff"),
    [
        (date(2026, 2, 1), date(2026, 2, 10)),  # a Tuesday: the 10th itself
        (date(2026, 1, 1), date(2026, 1, 12)),  # Saturday 10th → Monday 12th
        (date(2026, 5, 1), date(2026, 5, 11)),  # Sunday 10th → Monday 11th
        (date(2024, 2, 1), date(2024, 2, 18)),  # Spring Festival: runs to the adjusted working Sunday
        (date(2026, 10, 1), date(2026, 10, 10)),  # an adjusted working Saturday is a working day
    ],
)
def test_the_monthly_cutoff_is_the_10th_or_the_next_working_day(month, cutoff):
    assert services.monthly_cutoff(month) == services.WorkdayResult(cutoff, False)
    assert services.monthly_cutoff(month.replace(day=17)).date == cutoff  # any day names the month


@pytest.mark.django_db
def test_a_cutoff_in_a_year_without_an_official_schedule_is_provisional():
    # 2027 predicted: the Spring Festival break runs from 除夕, Friday 5 February, to
    # Saturday 13 February; Sunday 14 February is a make-up working day and the cut-off.
    assert services.monthly_cutoff(date(2027, 2, 1)) == services.WorkdayResult(date(2027, 2, 14), True)
    assert services.monthly_cutoff(date(2027, 4, 1)).date == date(2027, 4, 12)  # Saturday 10th
    assert services.monthly_cutoff(date(2026, 5, 1), day=1).date == date(2026, 5, 6)  # Labour Day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "month"),
    [
        (datetime(2026, 2, 10, 23, 59, tzinfo=TZ), date(2026, 2, 1)),
        (datetime(2026, 2, 11, 0, 1, tzinfo=TZ), date(2026, 3, 1)),
        (datetime.fromisoformat("2025-09-10T16:30:00+00:00"), date(2025, 10, 1)),  # 00:30 on the 11th
        (date(2026, 1, 11), date(2026, 1, 1)),  # Sunday; the cut-off is Monday 12th
        (date(2026, 1, 13), date(2026, 2, 1)),
        (date(2026, 10, 11), date(2026, 11, 1)),  # the adjusted Saturday 10th was the cut-off
        (date(2025, 12, 20), date(2026, 1, 1)),  # over the year end
    ],
)
def test_a_receipt_meets_the_cutoff_of_its_month_or_the_next(received, month):
    assert services.cutoff_month_for(received) == month


@pytest.mark.django_db
def test_the_window_runs_from_the_day_after_the_previous_cutoff_to_the_end_of_this_one():
    start, end = services.cutoff_window(date(2026, 2, 1))
    assert (start, end) == (datetime(2026, 1, 13, tzinfo=TZ), datetime(2026, 2, 11, tzinfo=TZ))
    start, _ = services.cutoff_window(date(2026, 1, 1))
    assert start == datetime(2025, 12, 11, tzinfo=TZ)


# --- a calendar change re-times a registered deadline in its own transaction ----------------


@pytest.fixture
def admin(db):
    from zhitong.organizations.choices import Role
    from zhitong.organizations.tests.factories import UserFactory

    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def batch(db):
    from zhitong.coordination.models import EscalationBatch

    cutoff = services.monthly_cutoff(date(2027, 3, 1))
    assert cutoff == services.WorkdayResult(date(2027, 3, 10), True)
    return EscalationBatch.objects.create(month=date(2027, 3, 1), cutoff=cutoff.date, cutoff_provisional=True)


def test_setting_a_holiday_moves_a_cutoff_and_records_the_move(admin, batch):
    services.calendar_day_set(actor=admin, day=date(2027, 3, 10), kind=DayKind.HOLIDAY, name="测试")
    batch.refresh_from_db()
    assert batch.cutoff == date(2027, 3, 11) and batch.cutoff_provisional  # 2027 is still provisional
    change = CalendarChange.objects.get()
    assert (change.source, change.years, change.actor, change.moved) == (
        ChangeSource.DAY_SET,
        [2027],
        admin,
        1,
    )
    assert change.summary["moved"] == {"coordination.escalationbatch": 1}
    shift = DeadlineShift.objects.get()
    assert (shift.change, shift.object_id, shift.field) == (change, str(batch.pk), "cutoff")
    assert (shift.old_date, shift.new_date, shift.moved) == (date(2027, 3, 10), date(2027, 3, 11), True)

    services.calendar_day_clear(actor=admin, day=date(2027, 3, 10))
    batch.refresh_from_db()
    assert batch.cutoff == date(2027, 3, 10)
    assert DeadlineShift.objects.filter(change__source=ChangeSource.DAY_CLEAR).get().new_date == date(
        2027, 3, 10
    )


def test_a_closed_batch_keeps_the_cutoff_it_closed_on(admin, batch):
    from zhitong.coordination.choices import BatchStatus

    type(batch).objects.filter(pk=batch.pk).update(status=BatchStatus.UNDER_REVIEW)
    services.calendar_day_set(actor=admin, day=date(2027, 3, 10), kind=DayKind.HOLIDAY)
    batch.refresh_from_db()
    assert batch.cutoff == date(2027, 3, 10)
    assert not DeadlineShift.objects.exists()


def test_a_failing_recompute_rolls_the_calendar_change_back(admin, batch, monkeypatch):
    def boom(rows):
        raise RuntimeError("recompute failed")

    registry = dict(deadlines._registry)
    registry["boom"] = deadlines.Deadline(
        model_label="coordination.EscalationBatch",
        dates=("cutoff",),
        provisional="cutoff_provisional",
        recompute=boom,
    )
    monkeypatch.setattr(deadlines, "_registry", registry)
    with pytest.raises(RuntimeError):
        services.calendar_day_set(actor=admin, day=date(2027, 3, 10), kind=DayKind.HOLIDAY)
    batch.refresh_from_db()
    assert batch.cutoff == date(2027, 3, 10)
    assert services.is_workday(date(2027, 3, 10))
    assert not CalendarChange.objects.exists() and not DeadlineShift.objects.exists()


def test_retiming_reads_the_calendar_once(admin, batch, django_assert_max_num_queries):
    from zhitong.coordination.models import EscalationBatch

    months = [date(2027, m, 1) for m in range(4, 13)] + [date(2028, m, 1) for m in range(1, 13)]
    for month in months:
        c = services.monthly_cutoff(month)
        EscalationBatch.objects.create(month=month, cutoff=c.date, cutoff_provisional=c.provisional)
    # The calendar write and its audit event, the change row, one locked query per
    # registered model, the calendar read once (measured: 34 queries), not twice more per
    # recomputed row (78 for these 22 batches without the pinned calendar).
    with django_assert_max_num_queries(40):
        services.calendar_day_set(actor=admin, day=date(2027, 3, 10), kind=DayKind.HOLIDAY)
