"""N+1 guards (STYLE.md): the enterprise list and detail cost the same number of queries
with 2 rows as with 10."""

import pytest
from django.urls import reverse

from zhitong.enterprises.choices import TeamRole
from zhitong.enterprises.models import TeamMember
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project

pytestmark = pytest.mark.django_db


def _enterprises(city, n):
    for _ in range(n):
        county = UnitFactory(kind=UnitKind.COUNTY, parent=city.root)
        butler = UserFactory(role=Role.HANDLER, unit=UnitFactory(parent=city.root))
        EnterpriseFactory(location=county, butler=butler)


def test_the_enterprise_list_costs_the_same_for_2_or_10_enterprises(client, city, count_queries):
    hub = UserFactory(role=Role.HUB, unit=city.root)
    client.force_login(hub)
    _enterprises(city, 2)
    small = count_queries(client, reverse("enterprises:list"))
    _enterprises(city, 8)
    large = count_queries(client, reverse("enterprises:list"))
    assert count_queries.html.count("测试科技有限公司") == 10
    assert small == large


def _fill(enterprise, city, n, start):
    for i in range(start, start + n):
        contact = ContactFactory(enterprise=enterprise, is_primary=False)
        unit = UnitFactory(parent=city.root)
        user = UserFactory(role=Role.HANDLER, unit=unit)
        TeamMember.objects.create(
            enterprise=enterprise, role=TeamRole.DEPARTMENT_CONTACT, user=user, unit=unit, name=f"联系人{i}"
        )
        TeamMember.objects.create(
            enterprise=enterprise, role=TeamRole.ENTERPRISE_CONTACT, contact=contact, name=f"企业联系人{i}"
        )
        Project.objects.create(
            code=f"P{enterprise.pk}-{i:03d}",
            name=f"项目{i}",
            owner=enterprise,
            location=enterprise.location,
            lead_unit=unit,
            leader=user,
        )


def test_the_enterprise_detail_costs_the_same_for_2_or_10_contacts_members_and_projects(
    client, city, count_queries
):
    hub = UserFactory(role=Role.HUB, unit=city.root)
    client.force_login(hub)
    few, many = city.enterprise_a, city.enterprise_b
    _fill(few, city, 2, 0)
    _fill(many, city, 10, 0)
    small = count_queries(client, reverse("enterprises:detail", args=[few.pk]))
    large = count_queries(client, reverse("enterprises:detail", args=[many.pk]))
    assert "联系人9" in count_queries.html and "项目9" in count_queries.html
    assert small == large


# Names not alike (the similar-name check would ask about them otherwise).
NEW_NAMES = [
    "云帆智能",
    "海川食品",
    "鑫达机械",
    "青松园林",
    "闽江物流",
    "晨光模具",
    "东湖纺织",
    "西峰建材",
    "南山医药",
    "北辰能源",
]


def _added_at_intake(city, n, start):
    from zhitong.enterprises.choices import Industry
    from zhitong.enterprises.services import enterprise_add_at_intake
    from zhitong.enterprises.tests.factories import make_credit_code

    for i in range(start, start + n):
        county = UnitFactory(kind=UnitKind.COUNTY, parent=city.root)
        clerk = UserFactory(role=Role.CLERK, unit=UnitFactory(parent=city.root))
        enterprise_add_at_intake(
            actor=clerk,
            credit_code=make_credit_code(700_000 + i),
            name=f"{NEW_NAMES[i]}有限公司",
            industry=Industry.MANUFACTURING,
            location_id=county.pk,
        )


def test_the_review_queue_costs_the_same_for_2_or_10_enterprises(client, city, count_queries):
    client.force_login(UserFactory(role=Role.HUB, unit=city.root))
    _added_at_intake(city, 2, 0)
    small = count_queries(client, reverse("enterprises:review"))
    _added_at_intake(city, 8, 2)
    large = count_queries(client, reverse("enterprises:review"))
    assert all(name in count_queries.html for name in NEW_NAMES)
    assert small == large
