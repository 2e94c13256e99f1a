from datetime import date

import pytest

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.workdays import calendar, services
from zhitong.workdays.models import CalendarDay, CalendarYear, DayKind
from zhitong.workdays.package import package_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMIN)


def test_a_day_set_by_an_admin_changes_the_next_answer_at_once(admin):
    before = services.add_workdays(date(2026, 3, 2), 1)  # warm the in-process snapshot
    assert before.date == date(2026, 3, 3)
    services.calendar_day_set(actor=admin, day=date(2026, 3, 3), kind=DayKind.HOLIDAY, name="测试假日")
    assert services.add_workdays(date(2026, 3, 2), 1).date == date(2026, 3, 4)
    assert services.calendar_day_clear(actor=admin, day=date(2026, 3, 3))
    assert services.add_workdays(date(2026, 3, 2), 1).date == date(2026, 3, 3)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["workdays.day_set", "workdays.day_clear"]


def test_a_change_committed_elsewhere_is_seen_through_the_cache_version(admin):
    services.add_workdays(date(2026, 3, 2), 1)
    # Another process writes the row and bumps the version; this process holds an old snapshot.
    CalendarDay.objects.create(date=date(2026, 3, 3), kind=DayKind.HOLIDAY, name="外部")
    assert services.add_workdays(date(2026, 3, 2), 1).date == date(2026, 3, 3)  # still cached
    services.invalidate_cache()
    assert services.add_workdays(date(2026, 3, 2), 1).date == date(2026, 3, 4)


def test_a_loop_of_calls_reads_the_database_once(admin, django_assert_num_queries):
    services.add_workdays(date(2025, 1, 1), 1)
    with django_assert_num_queries(0):
        for i in range(300):
            services.add_workdays(date(2025, 1, 1), i % 40)
            services.workdays_between(date(2025, 1, 1), date(2026, 12, 31))


def test_a_weekday_cannot_be_an_adjusted_working_day(admin):
    with pytest.raises(ServiceError, match="周六或周日"):
        services.calendar_day_set(actor=admin, day=date(2026, 3, 3), kind=DayKind.ADJUSTED_WORKDAY)
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()


def test_clearing_a_day_without_a_row_says_so(admin):
    assert services.calendar_day_clear(actor=admin, day=date(2026, 3, 3)) is False
    assert not AuditEvent.objects.exists()


def test_the_migration_loaded_every_year_the_package_covers():
    years = package_years()
    assert years[0] == 2004 and 2026 in years
    assert list(CalendarYear.objects.values_list("year", flat=True)) == years
    assert CalendarDay.objects.filter(date=date(2026, 2, 14), kind=DayKind.ADJUSTED_WORKDAY).exists()


def test_reseeding_restores_the_package_schedule(admin):
    services.calendar_day_set(actor=admin, day=date(2025, 10, 9), kind=DayKind.HOLIDAY, name="误设")
    assert services.calendar_seed_from_package(years=[2025, 2099]) == [2025]
    assert services.is_workday(date(2025, 10, 9))
    assert services.add_workdays(date(2025, 9, 30), 7).date == date(2025, 10, 16)


def test_other_processes_are_told_to_reload_only_once_the_change_commits(
    admin, django_capture_on_commit_callbacks
):
    # Stored deadlines are re-timed inside the change's transaction (test_deadlines.py);
    # what waits for the commit is the cache version other processes read.
    version = calendar._current_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.calendar_day_set(actor=admin, day=date(2026, 3, 3), kind=DayKind.HOLIDAY)
    assert calendar._current_version() == version  # not before the commit
    for callback in callbacks:
        callback()
    assert calendar._current_version() != version


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_package_calendar_back():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == package_years()
    assert (
        list(AuditEvent.objects.values_list("action", flat=True)) == []
    )  # flushed tests start from an empty log
    assert services.add_workdays(date(2025, 9, 30), 7) == services.WorkdayResult(date(2025, 10, 16), False)
