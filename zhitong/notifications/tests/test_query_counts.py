"""N+1 guard (STYLE.md): the inbox costs the same number of queries with 2 messages as with 10."""

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.notifications.models import Notification
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_costs_the_same_for_2_or_10_messages(client, count_queries):
    user = UserFactory(role=Role.HANDLER)
    client.force_login(user)

    def messages(n):
        start = Notification.objects.count()
        for i in range(start, start + n):
            Notification.objects.create(
                recipient=user,
                kind="appeal.assigned",
                title=f"新诉求{i}",
                body="请及时办理",
                url="/appeals/",
                created_at=timezone.now(),
                read_at=timezone.now() if i % 2 else None,
            )

    messages(2)
    small = count_queries(client, reverse("notifications:list"))
    messages(8)
    large = count_queries(client, reverse("notifications:list"))
    assert "新诉求9" in count_queries.html
    assert small == large
