"""N+1 guard (STYLE.md): the hub costs the same number of queries with 2 rows as with 10,
however many messages each row holds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.notifications.models import Notification
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_hub_costs_the_same_for_2_or_10_rows(client, count_queries):
    user = UserFactory(role=Role.HANDLER)
    client.force_login(user)
    now = timezone.now()

    def rows(first, n):
        for i in range(first, first + n):
            for repeat in range(3):  # three messages about each appeal
                Notification.objects.create(
                    recipient=user,
                    kind="appeal.clock_red" if i % 2 else "appeal.assigned",
                    subject=f"/appeals/{i}/",
                    title=f"诉求{i}第{repeat}条",
                    url=f"/appeals/{i}/",
                    created_at=now - timedelta(minutes=10 * i + repeat),
                    read_at=now if repeat == 2 else None,
                )

    rows(0, 2)
    small = count_queries(client, reverse("notifications:list"), {"state": "all"})
    rows(2, 8)
    large = count_queries(client, reverse("notifications:list"), {"state": "all"})
    assert "诉求9第0条" in count_queries.html and "诉求9第2条" in count_queries.html
    assert small == large
    assert count_queries(client, reverse("notifications:list")) == large  # unread, grouped
    assert count_queries(client, reverse("notifications:list"), {"kind": "appeal.clock_red"}) == large
