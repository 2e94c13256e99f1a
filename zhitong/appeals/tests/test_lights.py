"""One light rule everywhere: a unit's light shows only the clocks a unit or the hub answers
for. An appeal waiting for the enterprise's rating (verified) has light "none" — on the
workbench, on every home page and in every count — while its stored deadline still drives
the rating reminder and the not-rated close."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals import deadlines, selectors
from zhitong.appeals.choices import Light, Status
from zhitong.appeals.jobs import run_appeal_clock
from zhitong.appeals.models import Appeal
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import TZ

pytestmark = pytest.mark.django_db

WORKBENCH = reverse("appeals:workbench")


def _set_clock(appeal, *, due, yellow_from):
    Appeal.objects.filter(pk=appeal.pk).update(clock_due=due, clock_yellow_from=yellow_from)


@pytest.fixture
def mixed(flow, city):
    """Appeals in every light, plus verified ones whose rating clock is overdue or near."""
    today = timezone.localdate()
    overdue = dict(due=today - timedelta(days=3), yellow_from=today - timedelta(days=6))
    near = dict(due=today + timedelta(days=1), yellow_from=today - timedelta(days=1))
    far = dict(due=today + timedelta(days=20), yellow_from=today + timedelta(days=17))
    for status, when in [
        (Status.IN_PROGRESS, overdue),
        (Status.ASSIGNED, overdue),
        (Status.SUBMITTED, overdue),
        (Status.IN_PROGRESS, near),
        (Status.RESOLVED, near),
        (Status.IN_PROGRESS, far),
        (Status.VERIFIED, overdue),
        (Status.VERIFIED, near),
        (Status.VERIFIED, far),
    ]:
        _set_clock(flow.to(status), **when)
    flow.to(Status.CLOSED)
    flow.to(Status.MATERIALS_PENDING)
    return today


def _workbench_lights(client, user) -> dict[str, int]:
    client.force_login(user)
    response = client.get(WORKBENCH)
    assert response.status_code == 200
    return {value: n for value, _, n, _meaning in response.context["light_tabs"]}


def test_a_verified_appeal_has_no_light_in_python_in_the_filter_and_in_the_column(mixed, city):
    today = mixed
    rows = list(selectors.appeal_list_for_user(user=city.hub, today=today))
    verified = [a for a in rows if a.status == Status.VERIFIED]
    assert len(verified) == 3 and all(a.clock_due for a in verified)
    for appeal in rows:
        expected = Light.NONE if appeal.status == Status.VERIFIED else deadlines.light_of(appeal, today)
        assert appeal.light == deadlines.light_of(appeal, today) == expected
        in_filter = [
            x
            for x in Light.values
            if Appeal.objects.filter(deadlines.light_q(x, today), pk=appeal.pk).exists()
        ]
        assert in_filter == [appeal.light]


def _home_figures(client) -> dict[str, int]:
    page = client.get(reverse("home")).content.decode()
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def test_the_supervisors_home_shows_the_workbench_numbers(client, mixed, city):
    lights = _workbench_lights(client, city.supervisor)
    assert (lights[Light.RED], lights[Light.YELLOW]) == (3, 2)
    shown = _home_figures(client)
    assert (shown["red"], shown["yellow"]) == (lights[Light.RED], lights[Light.YELLOW])
    assert shown["open"] == client.get(WORKBENCH).context["open_total"]


def test_the_overseers_overdue_numbers_add_up_to_the_workbench_red(client, mixed, city):
    overseer = UserFactory(role=Role.OVERSEER, unit=None)
    lights = _workbench_lights(client, overseer)
    shown = _home_figures(client)
    assert shown["unreported"] + shown["late"] == lights[Light.RED] == 3


@pytest.mark.parametrize("who", ["hub", "handler"])
def test_the_staff_home_figures_equal_the_workbench_tabs(client, mixed, city, who):
    user = getattr(city, who)
    lights = _workbench_lights(client, user)
    shown = _home_figures(client)
    for light in (Light.RED, Light.YELLOW, Light.GREEN):
        assert shown[light] == lights[light]
    assert lights[Light.RED] > 0


def test_the_rating_clock_still_reminds_and_closes_without_a_light(flow, city):
    appeal = flow.to(Status.VERIFIED)
    due = appeal.clock_due
    assert deadlines.light_of(appeal, due + timedelta(days=1)) == Light.NONE
    reminded = run_appeal_clock(now=datetime.combine(due, time(10), tzinfo=TZ))
    assert (reminded.rating_reminders, reminded.yellow, reminded.red) == (1, 0, 0)
    closing = run_appeal_clock(now=datetime.combine(due + timedelta(days=3), time(10), tzinfo=TZ))
    assert (closing.closed_not_rated, closing.red) == (1, 0)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
