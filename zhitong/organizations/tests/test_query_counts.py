"""N+1 guards (STYLE.md): the public window directory and the organisation chart cost the
same number of queries with 2 rows as with 10."""

import pytest
from django.urls import reverse

from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import ServiceWindow, WindowStaff
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _windows(n):
    for kind in (UnitKind.DEPARTMENT, UnitKind.COUNTY):
        for _ in range(n):
            unit = UnitFactory(kind=kind, name=f"窗口单位{UnitFactory._meta.model.objects.count()}")
            window = ServiceWindow.objects.create(
                unit=unit, leader_name="王局长", section_name="办公室", phone="0591-88880000"
            )
            for j in range(3):
                WindowStaff.objects.create(
                    window=window,
                    name=f"工作人员{j}",
                    position="科员",
                    duties="受理诉求",
                    phone="0591-88881111",
                )


def test_the_public_directory_costs_the_same_for_2_or_10_windows(client, count_queries):
    url = reverse("organizations:directory")
    _windows(2)
    small = count_queries(client, url)
    _windows(8)
    large = count_queries(client, url)
    assert count_queries.html.count("王局长") == 20
    assert small == large


def test_the_unit_tree_costs_the_same_for_2_or_10_units(client, count_queries):
    root = UnitFactory(kind=UnitKind.CITY_GOVERNMENT, name="榕城市人民政府")
    client.force_login(UserFactory(role=Role.ADMIN, unit=root))
    url = reverse("organizations:units")

    def units(n):
        for _ in range(n):
            parent = UnitFactory(parent=root, kind=UnitKind.COUNTY)
            UnitFactory(parent=parent, kind=UnitKind.OTHER)

    units(2)
    small = count_queries(client, url)
    units(8)
    large = count_queries(client, url)
    assert count_queries.html.count("测试单位") >= 20
    assert small == large
