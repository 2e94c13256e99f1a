"""N+1 guard (STYLE.md): the audit log costs the same number of queries with 2 events as with 10."""

import pytest
from django.urls import reverse

from zhitong.audit.services import audit_record
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_audit_log_costs_the_same_for_2_or_10_events(client, count_queries):
    client.force_login(UserFactory(role=Role.SUPERVISOR))

    def events(n):
        for i in range(n):
            actor = UserFactory(role=Role.HANDLER, unit=UnitFactory())
            audit_record(
                action="test.change",
                object_type="test.thing",
                object_id=str(i),
                actor=actor,
                before={"n": i},
                after={"n": i + 1},
            )

    events(2)
    small = count_queries(client, reverse("audit:list"))
    events(8)
    large = count_queries(client, reverse("audit:list"))
    assert count_queries.html.count("test.change") >= 10
    assert small == large
