"""N+1 guard (STYLE.md): the audit log costs the same number of queries with 2 events as with
10, each naming its own people, units and objects (one query per model named, one per linked
object type for the reader's scope, whatever the number of rows)."""

import pytest
from django.urls import reverse

from zhitong.audit.services import audit_record
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_audit_log_costs_the_same_for_2_or_10_events(client, count_queries):
    client.force_login(UserFactory(role=Role.SUPERVISOR))

    def events(n):
        for i in range(n):
            actor = UserFactory(role=Role.HANDLER, unit=UnitFactory())
            unit, parent = UnitFactory(), UnitFactory()
            if i % 2:
                audit_record(
                    action="unit.update",
                    obj=unit,
                    actor=actor,
                    before={"parent_id": None, "kind": "department"},
                    after={"parent_id": parent.pk, "kind": "county"},
                )
            else:
                audit_record(
                    action="enterprise.butler_set",
                    obj=EnterpriseFactory(),
                    actor=actor,
                    before={"butler_id": None},
                    after={"butler_id": UserFactory().pk},
                )

    events(2)
    small = count_queries(client, reverse("audit:list"))
    events(8)
    large = count_queries(client, reverse("audit:list"))
    html = count_queries.html
    # Each row in words: the butler and the parent unit by name.
    assert (
        html.count('zt-change-label">项目管家</span>') == html.count('zt-change-label">上级单位</span>') == 5
    )
    assert html.count("（已不存在）") == 0
    assert small == large
