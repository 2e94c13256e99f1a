"""Deadlines and lights on the working-day calendar, and the idempotent clock job."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from zhitong.appeals import deadlines, selectors, services
from zhitong.appeals.choices import CloseReason, Light, Status
from zhitong.appeals.jobs import run_appeal_clock
from zhitong.appeals.models import Appeal
from zhitong.notifications.models import Notification
from zhitong.outbox.services import outbox_deliver
from zhitong.workdays.services import is_provisional, is_workday

from .conftest import TZ

pytestmark = pytest.mark.django_db


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=TZ)


@pytest.fixture
def national_day(flow):
    """2025 National Day and Mid-Autumn: 1–8 October off, Sunday 28 September and Saturday
    11 October are adjusted working days (国办发明电〔2024〕12号)."""
    assert not is_provisional(date(2025, 10, 1))
    assert (
        is_workday(date(2025, 9, 28)) and not is_workday(date(2025, 10, 8)) and is_workday(date(2025, 10, 11))
    )
    flow.now = at(date(2025, 9, 26), 9)  # a Friday
    return flow


def test_handling_deadline_skips_the_national_day_holiday_and_counts_the_adjusted_sunday(national_day, city):
    flow = national_day
    appeal = flow.intake()
    appeal = flow.move(appeal, "assign", city.hub, handling_days=5)
    # Sep 28 (adjusted Sunday), 29, 30, then Oct 9, 10: the holiday week counts for nothing.
    assert appeal.handling_due == date(2025, 10, 10)
    assert appeal.sign_due == date(2025, 9, 28)
    assert appeal.clock_due == appeal.sign_due
    assert appeal.clock_provisional is False


@pytest.mark.parametrize(
    "today, light",
    [
        (date(2025, 9, 29), Light.GREEN),
        (date(2025, 9, 30), Light.YELLOW),  # two working days left: Oct 9 and Oct 10
        (date(2025, 10, 5), Light.YELLOW),  # the holiday does not eat into them
        (date(2025, 10, 10), Light.YELLOW),
        (date(2025, 10, 11), Light.RED),
    ],
)
def test_lights_across_the_holiday_agree_in_python_and_in_the_query(national_day, city, today, light):
    flow = national_day
    appeal = flow.move(flow.intake(), "assign", city.hub, handling_days=5)
    appeal = flow.move(appeal, "sign", city.handler)
    assert (appeal.clock_due, appeal.clock_yellow_from) == (date(2025, 10, 10), date(2025, 9, 30))
    with time_machine.travel(at(today), tick=False):
        assert deadlines.light_of(appeal) == light
        row = selectors.appeal_list_for_user(user=city.hub).get(pk=appeal.pk)
        assert row.light == light
        assert list(selectors.appeal_list_for_user(user=city.hub, light=light)) == [row]
        others = [x for x in Light.values if x != light]
        assert all(not selectors.appeal_list_for_user(user=city.hub, light=x).exists() for x in others)


def test_a_closed_appeal_has_no_light(flow):
    appeal = flow.to(Status.CLOSED)
    assert (appeal.clock_due, deadlines.light_of(appeal)) == (None, Light.NONE)


def test_materials_pending_stops_the_clock_and_completion_restarts_it(flow, city):
    appeal = flow.to(Status.MATERIALS_PENDING)
    assert appeal.clock_due is None and appeal.materials_complete is False
    flow.now = at(date(2025, 9, 10))
    appeal = flow.move(appeal, "complete_materials", city.enterprise_user)
    assert appeal.materials_completed_on == date(2025, 9, 10)
    assert appeal.clock_due == date(2025, 9, 12)  # triage within 2 working days of completion
    appeal = flow.move(appeal, "assign", city.hub)
    # The time limit counts from the day the materials were complete (seeds/003 六.2).
    assert appeal.handling_due == deadlines.add_workdays(date(2025, 9, 10), city.category.handling_days).date


def test_mayors_mailbox_appeals_get_seven_working_days(flow, city):
    appeal = flow.intake(channel="mayor_mailbox")
    appeal = flow.move(appeal, "assign", city.hub)
    assert appeal.handling_days == deadlines.MAYOR_MAILBOX_WORKDAYS == 7


def test_a_deadline_in_a_year_without_official_calendar_is_marked_provisional(flow, city):
    from zhitong.workdays.models import CalendarYear

    far = max(CalendarYear.objects.values_list("year", flat=True)) + 1
    flow.now = at(date(far, 3, 2))
    with time_machine.travel(flow.now, tick=True):
        appeal = flow.move(flow.intake(), "assign", city.hub)
    assert appeal.clock_provisional is True


# ---------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------


def _notes(user, kind):
    """What `user` has been told once the outbox is delivered (a test runs in one
    transaction, so the delivery queued after each commit never runs by itself)."""
    outbox_deliver()
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_clock_job_sends_yellow_then_red_once_each(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    yellow_day, due = appeal.clock_yellow_from, appeal.clock_due

    assert run_appeal_clock(now=at(yellow_day - timedelta(days=1))).yellow == 0
    first = run_appeal_clock(now=at(yellow_day))
    assert first.yellow == 1  # the handler
    assert run_appeal_clock(now=at(yellow_day, 15)).yellow == 0
    assert _notes(city.handler, "appeal.clock_yellow") == 1

    overdue = at(due + timedelta(days=1))
    red = run_appeal_clock(now=overdue)
    assert red.red == 3  # handler, unit head, hub
    assert run_appeal_clock(now=overdue).red == 0
    assert [_notes(u, "appeal.clock_red") for u in (city.handler, city.head, city.hub, city.outsider)] == [
        1,
        1,
        1,
        0,
    ]


def test_the_clock_job_says_once_that_the_deadline_is_today_and_nobody_can_mute_it(flow, city):
    from zhitong.notifications.models import NotificationPreferences

    appeal = flow.to(Status.IN_PROGRESS)
    due = appeal.clock_due
    # Stored behind the preferences page's back: a mandatory kind is delivered regardless.
    NotificationPreferences.objects.create(
        user=city.handler, modes={"appeal.clock_due_today": "off"}, updated_at=at(due)
    )
    assert run_appeal_clock(now=at(due - timedelta(days=1))).due_today == 0
    assert run_appeal_clock(now=at(due, 0)).due_today == 1  # the handler
    assert run_appeal_clock(now=at(due, 15)).due_today == 0
    assert run_appeal_clock(now=at(due + timedelta(days=1))).due_today == 0  # overdue now: red
    assert _notes(city.handler, "appeal.clock_due_today") == 1
    assert "今日到期" in Notification.objects.get(recipient=city.handler, kind="appeal.clock_due_today").title


def test_an_extension_gives_a_new_deadline_and_new_reminders(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    run_appeal_clock(now=at(appeal.clock_yellow_from))
    new_due = deadlines.add_workdays(appeal.handling_due, 3).date
    flow.move(appeal, "request_extension", city.handler, new_due=new_due, reason="需等待省厅批复")
    appeal = flow.move(appeal, "approve_extension", city.head)
    assert appeal.clock_due == new_due
    assert run_appeal_clock(now=at(appeal.clock_yellow_from)).yellow == 1


def test_cooperating_unit_is_reminded_once_when_its_answer_is_late(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    due = appeal.cooperations.get().due
    assert run_appeal_clock(now=at(due)).cooperation_overdue == 0
    assert run_appeal_clock(now=at(due + timedelta(days=1))).cooperation_overdue == 1
    assert run_appeal_clock(now=at(due + timedelta(days=2))).cooperation_overdue == 0
    assert _notes(city.tcj_handler, "appeal.cooperation_overdue") == 1


def test_not_rated_after_ten_working_days_with_exactly_one_reminder(
    flow, city, django_capture_on_commit_callbacks
):
    appeal = flow.to(Status.VERIFIED)
    verified_on = appeal.state_since.astimezone(TZ).date()
    assert appeal.clock_due == deadlines.add_workdays(verified_on, 10).date

    with django_capture_on_commit_callbacks(execute=True):
        assert run_appeal_clock(now=at(appeal.clock_yellow_from)).rating_reminders == 1
    assert run_appeal_clock(now=at(appeal.clock_yellow_from, 16)).rating_reminders == 0
    assert (
        run_appeal_clock(now=at(appeal.clock_due)).closed_not_rated == 0
    )  # the last day is still the enterprise's

    report = run_appeal_clock(now=at(appeal.clock_due + timedelta(days=1)))
    assert report.closed_not_rated == 1
    appeal.refresh_from_db()
    assert (appeal.status, appeal.close_reason) == (Status.CLOSED, CloseReason.NOT_RATED)
    assert _notes(city.enterprise_user, "appeal.rate_reminder") == 1
    assert list(appeal.transitions.values_list("action", flat=True))[-2:] == [
        "remind_rating",
        "close_not_rated",
    ]


def test_if_the_job_was_down_the_reminder_still_comes_a_day_before_the_close(flow, city):
    appeal = flow.to(Status.VERIFIED)
    late = at(appeal.clock_due + timedelta(days=3))
    report = run_appeal_clock(now=late)
    assert (report.rating_reminders, report.closed_not_rated) == (1, 0)
    assert run_appeal_clock(now=late + timedelta(days=1)).closed_not_rated == 1


def test_a_rating_before_the_close_wins(flow, city):
    appeal = flow.to(Status.VERIFIED)
    run_appeal_clock(now=at(appeal.clock_yellow_from))
    flow.move(appeal, "rate", city.enterprise_user, rating=4)
    assert run_appeal_clock(now=at(appeal.clock_due + timedelta(days=1))).closed_not_rated == 0
    assert Appeal.objects.get(pk=appeal.pk).close_reason == CloseReason.RATED


def test_close_not_rated_is_refused_before_the_deadline(flow):
    appeal = flow.to(Status.VERIFIED)
    services.appeal_remind_rating(appeal_id=appeal.pk, now=flow.tick())
    with pytest.raises(services.ConflictError):
        services.appeal_close_not_rated(appeal_id=appeal.pk, now=at(appeal.clock_due))


def test_the_management_command_and_the_task_run_the_job(flow, city):
    from django.core.management import call_command

    from zhitong.appeals.tasks import run_appeal_clock as task

    appeal = flow.to(Status.IN_PROGRESS)
    with time_machine.travel(at(appeal.clock_yellow_from), tick=False):
        assert "临期提醒 1" in task.delay().get(disable_sync_subtasks=False)
        call_command("appeal_clock")
    assert _notes(city.handler, "appeal.clock_yellow") == 1


@pytest.mark.parametrize(
    "today, light",
    [
        (date(2026, 2, 12), Light.GREEN),
        (date(2026, 2, 13), Light.GREEN),  # 1 of 3 working days used: less than half
        (date(2026, 2, 14), Light.YELLOW),  # the adjusted working Saturday: 1 day left
        (date(2026, 2, 18), Light.YELLOW),  # 春节: nine days off count for nothing
        (date(2026, 2, 24), Light.YELLOW),
        (date(2026, 2, 25), Light.RED),
    ],
)
def test_deadline_and_lights_across_the_2026_spring_festival(flow, city, today, light):
    """2026 Spring Festival: 15–23 February off; Saturday 14 and Saturday 28 February are
    adjusted working days."""
    if is_provisional(date(2026, 2, 1)):
        pytest.skip("the 2026 schedule is not loaded")
    flow.now = at(date(2026, 2, 12), 9)  # Thursday
    appeal = flow.move(flow.intake(), "assign", city.hub, handling_days=3)
    appeal = flow.move(appeal, "sign", city.handler)
    # Feb 13 (Fri), Feb 14 (adjusted Sat), Feb 24 (Tue); a 3-day limit is yellow on its
    # last working day but one (deadlines.yellow_window).
    assert (appeal.handling_due, appeal.clock_yellow_from) == (date(2026, 2, 24), date(2026, 2, 14))
    assert deadlines.light_for(appeal.clock_due, appeal.clock_yellow_from, today) == light
    assert (
        selectors.appeal_list_for_user(user=city.hub, light=light, today=today).filter(pk=appeal.pk).exists()
    )
