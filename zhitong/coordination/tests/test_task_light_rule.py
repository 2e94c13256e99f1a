"""Task lights follow the appeals' light rule (appeals/deadlines.py "The light rule"):
green while in time, yellow when at most YELLOW_WORKDAYS working days are left AND
YELLOW_ELAPSED_SHARE of the limit is used (up to and including the deadline day), red from
the day after — on the registered calendar. A task of 1–2 working days was yellow the
moment it was assigned under "≤ 2 working days left" alone.

The boundaries sit across the 2025 National Day holiday (1–8 October off, Saturday 11
October an adjusted working day), as in appeals/tests/test_light_rule.py."""

from datetime import date

import pytest

from zhitong.appeals.choices import Light
from zhitong.coordination import selectors, services
from zhitong.coordination.deadlines import task_clock
from zhitong.coordination.home import home_panels
from zhitong.coordination.models import Task
from zhitong.workdays.services import is_provisional, is_workday

from .conftest import at

pytestmark = pytest.mark.django_db

EVE = date(2025, 9, 30)  # Tuesday, the last working day before the National Day week


@pytest.fixture(autouse=True)
def _calendar():
    assert not is_provisional(date(2025, 10, 1))
    assert not is_workday(date(2025, 10, 8)) and is_workday(date(2025, 10, 11))


def assign(city, scene, **due) -> Task:
    """A meeting opinion of 30 September 2025 giving GXJ a task (`due_workdays` or `due_date`)."""
    appeal = scene.appeal(project=city.project)
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 30, 9), now=at(2025, 9, 29)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 29)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="市工信局牵头协调供电公司增容",
        unit_ids=[city.units.gxj.pk],
        now=at(2025, 9, 30, 11),
        **due,
    )
    return Task.objects.get(meeting_item=item)


def light_everywhere(task, today) -> str:
    """The light on the task's page and in the list's filter: they must agree."""
    light = selectors.task_light(task, today)
    listed = [x for x in Light.values if selectors.task_filter(Task.objects.all(), light=x, today=today)]
    assert listed == [light], (today, light, listed)
    return light


ONE_DAY = [
    (EVE, Light.GREEN),  # assigned now
    (date(2025, 10, 3), Light.GREEN),
    (date(2025, 10, 8), Light.GREEN),
    (date(2025, 10, 9), Light.YELLOW),  # a 1-day limit is yellow on its deadline day only
    (date(2025, 10, 10), Light.RED),
]


def test_a_one_day_task_is_green_when_assigned_and_yellow_on_its_deadline_day(city, scene):
    task = assign(city, scene, due_workdays=1)
    assert (task.due, task.yellow_from) == (date(2025, 10, 9), date(2025, 10, 9))
    assert [(d, light_everywhere(task, d)) for d, _ in ONE_DAY] == ONE_DAY


TWO_DAYS = [
    (EVE, Light.GREEN),
    (date(2025, 10, 8), Light.GREEN),  # the holiday uses none of the 2 working days
    (date(2025, 10, 9), Light.YELLOW),  # 1 of 2 days used, 1 left
    (date(2025, 10, 10), Light.YELLOW),  # the deadline day
    (date(2025, 10, 11), Light.RED),  # the day after: an adjusted working Saturday
]


@pytest.mark.parametrize(
    "due",
    [{"due_workdays": 2}, {"due_date": date(2025, 10, 10)}],
    ids=["two-working-days", "a-date-the-leader-set-two-working-days-ahead"],
)
def test_a_two_day_task_turns_yellow_halfway(city, scene, due):
    task = assign(city, scene, **due)
    assert task_clock(task) == (EVE, 2)
    assert (task.due, task.yellow_from) == (date(2025, 10, 10), date(2025, 10, 9))
    assert [(d, light_everywhere(task, d)) for d, _ in TWO_DAYS] == TWO_DAYS


FIVE_DAYS = [
    (date(2025, 10, 10), Light.GREEN),  # 3 working days left
    (date(2025, 10, 11), Light.YELLOW),  # 2 left (the adjusted Saturday counts)
    (date(2025, 10, 14), Light.YELLOW),
    (date(2025, 10, 15), Light.RED),
]


def test_a_longer_task_is_yellow_two_working_days_ahead(city, scene):
    # 9, 10, 11 (Saturday, worked), 13, 14 October.
    task = assign(city, scene, due_workdays=5)
    assert (task.due, task.yellow_from) == (date(2025, 10, 14), date(2025, 10, 11))
    assert [(d, light_everywhere(task, d)) for d, _ in FIVE_DAYS] == FIVE_DAYS


def test_a_done_task_has_no_light_and_is_in_no_light_list(city, scene):
    task = assign(city, scene, due_workdays=1)
    Task.objects.filter(pk=task.pk).update(status="done")
    task.refresh_from_db()
    assert selectors.task_light(task, date(2025, 10, 9)) == Light.NONE
    for light in (Light.GREEN, Light.YELLOW, Light.RED):
        assert not selectors.task_filter(Task.objects.all(), light=light, today=date(2025, 10, 20))


def test_the_home_figure_counts_yellow_by_the_rule_and_says_what_it_means(city, scene):
    assign(city, scene, due_workdays=1)
    for today, yellow in ((EVE, 0), (date(2025, 10, 9), 1)):
        (panel,) = [p for p in home_panels(city.handler, today=today) if p.title.startswith("协调会")]
        count = {c.key: c for c in panel.counts}["task_yellow"]
        assert count.value == yellow, today
        assert "一半" in count.hint  # the rule in words (appeals.deadlines.light_meanings)
