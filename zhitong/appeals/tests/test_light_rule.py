"""The light rule (appeals/deadlines.py): green while in time, yellow when at most 2 working
days are left AND half the time limit is used (up to and including the deadline day), red
from the working day after — counted on the registered calendar, never in calendar days.

Issue 9: "a new appeal is yellow the moment it is registered" — the 2-day materials check
and the 1-day sign-for were yellow from their first minute under "≤ 2 working days left"
alone. The boundaries below sit across the 2025 National Day holiday (1–8 October off,
Saturday 11 October an adjusted working day), where calendar days and working days part."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from zhitong.appeals import deadlines, selectors
from zhitong.appeals.choices import Light, Status
from zhitong.workdays.services import add_workdays, is_provisional, is_workday

from .conftest import TZ

pytestmark = pytest.mark.django_db


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=TZ)


@pytest.fixture
def holiday_eve(flow):
    """Tuesday 30 September 2025, the last working day before the National Day week."""
    assert not is_provisional(date(2025, 10, 1))
    assert not is_workday(date(2025, 10, 8)) and is_workday(date(2025, 10, 11))
    flow.now = at(date(2025, 9, 30), 9)
    return flow


def _light_everywhere(appeal, user, today) -> str:
    """The light in Python and in the list's filter: they must agree."""
    with time_machine.travel(at(today), tick=False):
        light = deadlines.light_of(appeal)
        listed = [
            x for x in Light.values if selectors.appeal_list_for_user(user=user, light=x).filter(pk=appeal.pk)
        ]
    assert listed == [light]
    return light


# One city per clock, every boundary day checked on it (a city per day costs seconds each).
NEW_APPEAL_DAYS = [
    (date(2025, 9, 30), Light.GREEN),  # registered now
    (date(2025, 10, 3), Light.GREEN),  # the holiday uses none of the 2 working days
    (date(2025, 10, 8), Light.GREEN),
    (date(2025, 10, 9), Light.YELLOW),  # the yellow threshold: 1 of 2 days used, 1 left
    (date(2025, 10, 10), Light.YELLOW),  # the deadline day
    (date(2025, 10, 11), Light.RED),  # the day after: an adjusted working Saturday
]


def test_a_new_appeal_is_green_when_registered_and_turns_on_working_days(holiday_eve, city):
    appeal = holiday_eve.intake()
    assert appeal.status == Status.SUBMITTED
    # seeds/003 六.2: the materials check within 2 working days: Oct 9 and Oct 10.
    assert (appeal.clock_due, appeal.clock_yellow_from) == (date(2025, 10, 10), date(2025, 10, 9))
    seen = [(today, _light_everywhere(appeal, city.hub, today)) for today, _ in NEW_APPEAL_DAYS]
    assert seen == NEW_APPEAL_DAYS


ROUTED_APPEAL_DAYS = [
    (date(2025, 9, 30), Light.GREEN),  # routed now
    (date(2025, 10, 8), Light.GREEN),
    (date(2025, 10, 9), Light.YELLOW),  # a 1-day limit is yellow on its deadline day only
    (date(2025, 10, 10), Light.RED),
]


def test_a_routed_appeal_is_green_until_its_sign_for_day(holiday_eve, city):
    appeal = holiday_eve.move(holiday_eve.intake(), "assign", city.hub)
    assert appeal.status == Status.ASSIGNED
    assert (appeal.clock_due, appeal.clock_yellow_from) == (date(2025, 10, 9), date(2025, 10, 9))
    seen = [(today, _light_everywhere(appeal, city.hub, today)) for today, _ in ROUTED_APPEAL_DAYS]
    assert seen == ROUTED_APPEAL_DAYS


@pytest.mark.parametrize(
    "limit, window",
    [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (7, 2), (15, 2)],
)
def test_the_yellow_window_is_two_working_days_once_half_the_limit_is_used(limit, window):
    assert deadlines.yellow_window(limit) == window


@pytest.mark.parametrize("limit", range(1, 21))
def test_every_clock_starts_green(limit):
    """Whatever the limit, the day a clock starts lies before its first yellow day."""
    start = date(2025, 9, 30)
    due = add_workdays(start, limit).date
    assert start < deadlines.yellow_from_for(due, limit)
    assert deadlines.light_for(due, deadlines.yellow_from_for(due, limit), start) == Light.GREEN


def test_the_workbench_and_the_home_page_explain_the_lights(client, city, flow):
    flow.to(Status.IN_PROGRESS)
    meanings = deadlines.light_meanings()
    assert "不超过2个工作日" in meanings[Light.YELLOW] and "一半" in meanings[Light.YELLOW]
    client.force_login(city.handler)
    for url in (reverse("appeals:workbench"), reverse("home")):
        page = client.get(url).content.decode()
        for light in (Light.GREEN, Light.YELLOW, Light.RED):
            assert meanings[light] in page, (url, light)
    # The figures and the tabs carry the meaning as their tooltip.
    home = client.get(reverse("home")).content.decode()
    assert f'title="{meanings[Light.YELLOW]}"' in home
