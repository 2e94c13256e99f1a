"""Stored deadlines are re-timed when the working-day calendar changes.

2027 has no official schedule in the test database, so deadlines running into it are
provisional, counted on the predicted calendar (zhitong/workdays/prediction.py: the Spring
Festival break from 除夕, Friday 5 February, to Saturday 13 February, with Sunday 31 January
and Sunday 14 February worked). The made-up 2027 schedule below differs: Friday 5 – Thursday
11 February off, Saturday 20 February worked and no Sunday worked."""

import io
from datetime import date, datetime, time

import pytest
import time_machine
from django.core.management import call_command

from zhitong.appeals import deadlines, jobs
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.audit.models import AuditEvent
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.workdays.models import CalendarYear, DeadlineShift
from zhitong.workdays.services import calendar_day_clear, calendar_import_csv, is_provisional

from .conftest import TZ, pdf

pytestmark = pytest.mark.django_db

CALENDAR_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-20,workday,春节
"""
MONDAY = date(2027, 1, 25)


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=TZ)


@pytest.fixture
def in_2027(flow):
    assert not CalendarYear.objects.filter(year=2027).exists() and is_provisional(MONDAY)
    flow.now = at(MONDAY, 9)
    with time_machine.travel(flow.now, tick=True):
        yield flow


@pytest.fixture
def import_2027(django_capture_on_commit_callbacks):
    """Import the 2027 schedule as an admin (stored deadlines are re-timed inside the
    import's transaction) and run what waits for the commit (the cache version)."""

    def run():
        admin = UserFactory(role=Role.ADMIN)
        with django_capture_on_commit_callbacks(execute=True):
            result = calendar_import_csv(fileobj=io.BytesIO(CALENDAR_2027.encode()), actor=admin)
        assert result.ok

    return run


def _in_progress(flow, city, **assign):
    appeal = flow.move(flow.intake(), "assign", city.hub, handling_days=10, **assign)
    return flow.move(appeal, "sign", city.handler)


def test_importing_the_2027_calendar_moves_a_provisional_deadline_past_the_spring_festival(
    in_2027, city, import_2027
):
    appeal = _in_progress(in_2027, city)
    # Ten working days after Monday 25 January as predicted: Jan 26–29, Sunday 31,
    # Feb 1–4 and the make-up Sunday 14 February.
    assert appeal.handling_due == appeal.clock_due == date(2027, 2, 14)
    assert appeal.clock_provisional is True
    version = appeal.version

    import_2027()

    appeal.refresh_from_db()
    # Jan 26–29, Feb 1–4, then the holiday week: Friday 12 and Monday 15 February.
    assert appeal.handling_due == appeal.clock_due == date(2027, 2, 15)
    assert appeal.clock_yellow_from == date(2027, 2, 4)  # from then two working days are left: Feb 12, 15
    assert appeal.clock_provisional is False
    assert appeal.version == version  # nobody's open form turns stale over a holiday
    # One event summarises every deadline the import re-timed (workdays/deadlines.py).
    event = AuditEvent.objects.get(action="workdays.deadlines_retimed")
    assert event.after["years"] == [2027] and event.after["moved"] == {"appeals.appeal": 1}
    assert event.after["objects"]["appeals.appeal"][appeal.code]["clock_due"] == "2027-02-15"
    assert event.before["appeals.appeal"][appeal.code]["clock_due"] == "2027-02-14"
    shifts = {
        s.field: (s.old_date, s.new_date) for s in DeadlineShift.objects.filter(object_id=str(appeal.pk))
    }
    assert shifts["clock_due"] == shifts["handling_due"] == (date(2027, 2, 14), date(2027, 2, 15))


def test_a_sign_for_deadline_falling_on_the_new_holiday_moves_to_the_next_working_day(
    in_2027, city, import_2027
):
    in_2027.now = at(date(2027, 2, 4))  # Thursday
    appeal = in_2027.move(in_2027.intake(), "assign", city.hub)
    # Predicted: 除夕 (Friday 5) starts the break; the next working day is the make-up Sunday 14.
    assert appeal.status == Status.ASSIGNED and appeal.clock_due == appeal.sign_due == date(2027, 2, 14)

    import_2027()

    appeal.refresh_from_db()
    assert appeal.sign_due == appeal.clock_due == date(2027, 2, 12)
    assert appeal.clock_provisional is False


def test_an_approved_extension_keeps_its_date_and_the_legal_limit_is_recounted(in_2027, city, import_2027):
    flow = in_2027
    appeal = _in_progress(flow, city)
    legal_before = appeal.legal_due
    flow.move(appeal, "request_extension", city.handler, new_due="2027-02-19", reason="需等待省厅批复")
    appeal = flow.move(appeal, "approve_extension", city.head)
    assert appeal.clock_due == date(2027, 2, 19)

    import_2027()

    appeal.refresh_from_db()
    assert appeal.handling_due == appeal.clock_due == date(2027, 2, 19)  # the head chose a date
    # Recounted on the imported calendar: the predicted break took six weekdays and gave
    # back two Sundays, the imported one takes five and gives back a Saturday, so by
    # mid-March the count comes out the same.
    assert appeal.legal_due == legal_before == date(2027, 3, 12)
    legal_days = deadlines.legal_days_for(category=city.category, handling_days=10)
    assert appeal.legal_due == deadlines.add_workdays(MONDAY, legal_days).date
    assert appeal.clock_provisional is False


def test_a_rerouted_appeal_counts_from_the_reroute_day(in_2027, city, import_2027):
    flow = in_2027
    appeal = flow.move(flow.intake(), "assign", city.hub, handling_days=10)
    appeal = flow.move(appeal, "object", city.handler, reason="该事项属于商务部门职责")
    flow.now = at(date(2027, 1, 27))
    appeal = flow.move(
        appeal,
        "settle_transfer",
        city.hub,
        reason="改由商务局牵头",
        lead_unit_id=city.units.swj.pk,
        handling_days=10,
    )
    # Provisional: Jan 28, 29, Sunday 31, Feb 1–4, Sunday 14, 15, 16.
    assert appeal.handling_due == date(2027, 2, 16)

    import_2027()

    appeal.refresh_from_db()
    # Jan 28, 29, Feb 1–4, 12, 15, 16, 17: counted from the reroute, not from the intake.
    assert appeal.handling_due == date(2027, 2, 17)
    assert appeal.sign_due == date(2027, 1, 28)


def test_an_appeal_routed_before_the_start_day_was_recorded_counts_from_complete_materials(
    in_2027, city, import_2027
):
    appeal = _in_progress(in_2027, city)
    assign = Transition.objects.get(appeal=appeal, action="assign")
    assign.data.pop("handling_from")
    Transition.objects.filter(pk=assign.pk).update(data=assign.data)

    import_2027()

    appeal.refresh_from_db()
    assert appeal.handling_due == date(2027, 2, 15)


def test_a_reopened_appeal_counts_from_the_unsatisfied_rating(in_2027, city, import_2027):
    flow = in_2027
    appeal = _in_progress(flow, city)
    appeal = flow.move(appeal, "resolve", city.handler, resolution="已办结。", evidence_files=[pdf()])
    appeal = flow.move(appeal, "verify", city.hub)
    flow.now = at(date(2027, 1, 28))
    appeal = flow.move(appeal, "rate", city.enterprise_user, rating=2, comment="问题仍未解决")
    # Provisional: Jan 29, Sunday 31, Feb 1–4, Sunday 14, 15, 16, 17.
    assert appeal.status == Status.IN_PROGRESS and appeal.handling_due == date(2027, 2, 17)

    import_2027()

    appeal.refresh_from_db()
    # Jan 29, Feb 1–4, 12, 15, 16, 17, 18.
    assert appeal.handling_due == appeal.clock_due == date(2027, 2, 18)


def test_the_rating_clock_of_a_verified_appeal_is_re_timed_too(in_2027, city, import_2027):
    flow = in_2027
    appeal = _in_progress(flow, city)
    appeal = flow.move(appeal, "resolve", city.handler, resolution="已办结。", evidence_files=[pdf()])
    flow.now = at(date(2027, 2, 1))
    appeal = flow.move(appeal, "verify", city.hub)
    # Provisional: Feb 2, 3, 4, Sunday 14, 15–19 and Monday 22 (no Saturday predicted worked).
    assert appeal.clock_due == date(2027, 2, 22)

    import_2027()

    appeal.refresh_from_db()
    # Feb 2, 3, 4, 12, 15, 16, 17, 18, 19 and the adjusted Saturday 20.
    assert appeal.clock_due == date(2027, 2, 20)


def test_closed_appeals_and_appeals_outside_the_changed_years_are_left_alone(flow, city, import_2027):
    in_2025 = flow.to(Status.IN_PROGRESS)
    closed = flow.to(Status.CLOSED)
    # A stored deadline the 2025 calendar would not give: a recompute would "fix" it.
    Appeal.objects.filter(pk=in_2025.pk).update(clock_due=date(2025, 12, 31))

    import_2027()

    in_2025.refresh_from_db()
    closed.refresh_from_db()
    assert in_2025.clock_due == date(2025, 12, 31)
    assert closed.clock_due is None
    assert not AuditEvent.objects.filter(action="workdays.deadlines_retimed").exists()
    assert not DeadlineShift.objects.exists()


def test_recomputing_twice_changes_nothing_the_second_time(in_2027, city, import_2027):
    appeal = _in_progress(in_2027, city)
    import_2027()
    appeal.refresh_from_db()
    due = appeal.clock_due
    assert jobs.appeal_clock_recompute(years=[2027]) == 0
    appeal.refresh_from_db()
    assert appeal.clock_due == due
    assert AuditEvent.objects.filter(action="workdays.deadlines_retimed").count() == 1  # the import's only


def test_clearing_a_holiday_moves_the_deadline_back(
    in_2027, city, import_2027, django_capture_on_commit_callbacks
):
    appeal = _in_progress(in_2027, city)
    import_2027()
    appeal.refresh_from_db()
    assert appeal.clock_due == date(2027, 2, 15)
    admin = UserFactory(role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        for day in (5, 8, 9, 10, 11):
            calendar_day_clear(actor=admin, day=date(2027, 2, day))
    appeal.refresh_from_db()
    assert appeal.clock_due == date(2027, 2, 8)


def test_the_management_command_recomputes_on_request(in_2027, city, capsys):
    appeal = _in_progress(in_2027, city)
    Appeal.objects.filter(pk=appeal.pk).update(clock_due=date(2027, 3, 31), clock_provisional=True)
    call_command("appeal_clock", "--recompute", "2027")
    appeal.refresh_from_db()
    assert appeal.clock_due == date(2027, 2, 14)
    assert "已重算期限的诉求：1" in capsys.readouterr().out
