"""N+1 guard (STYLE.md): the calendar page costs the same number of queries with 2 set
days and official years as with 10."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.workdays.models import CalendarDay, CalendarYear, DayKind

pytestmark = pytest.mark.django_db


def test_the_calendar_costs_the_same_for_2_or_10_set_days(client, count_queries):
    client.force_login(UserFactory(role=Role.ADMIN))
    url = reverse("workdays:calendar")
    params = {"year": 2026}
    CalendarDay.objects.filter(date__year=2026).delete()

    def days(start, n):
        for i in range(n):
            day = date(2026, 1, 5) + timedelta(days=7 * (start + i))
            CalendarDay.objects.create(date=day, kind=DayKind.HOLIDAY, name=f"测试假日{start + i}")
            CalendarYear.objects.get_or_create(year=2000 + start + i)

    days(0, 2)
    small = count_queries(client, url, params)
    days(2, 8)
    large = count_queries(client, url, params)
    assert "测试假日9" in count_queries.html
    assert small == large
