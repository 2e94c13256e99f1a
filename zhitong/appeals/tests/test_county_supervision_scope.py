"""A county's supervision office sees its county, everywhere (issue 15, authorization
matrix finding F1; seeds/000 三: 各县(市)区政府督查室 督查落实 in their county)."""

import pytest
from django.urls import reverse

from zhitong.api.tests.conftest import token_client
from zhitong.appeals import selectors
from zhitong.enterprises.selectors import enterprise_list_for_user
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.selectors import county_supervision_root, user_scope_unit_ids, user_sees_all
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_office(city):
    office = UnitFactory(
        code="GLQ-DCS", name="鼓楼区政府督查室", kind=UnitKind.SECTION, parent=city.units.glq
    )
    return UserFactory(username="t_glq_dcs", role=Role.SUPERVISOR, unit=office)


@pytest.fixture
def two_appeals(city, flow):
    glq_unit = UnitFactory(
        code="GLQ-GXJ", name="鼓楼区工信局", kind=UnitKind.DEPARTMENT, parent=city.units.glq
    )
    county = flow.move(
        flow.intake(title="县区牵头的诉求"),
        "assign",
        city.hub,
        lead_unit_id=glq_unit.pk,
        override_reason="属地县区办理",
    )
    city_led = flow.move(
        flow.intake(title="市直牵头的诉求"), "assign", city.hub, lead_unit_id=city.units.gxj.pk
    )
    return county, city_led


def test_the_county_office_is_scoped_to_its_county_and_the_city_office_is_not(city, county_office):
    assert county_supervision_root(county_office) == city.units.glq
    assert not user_sees_all(county_office)
    ids = user_scope_unit_ids(county_office)
    assert city.units.glq.pk in ids and city.units.gxj.pk not in ids
    assert county_supervision_root(city.supervisor) is None and user_sees_all(city.supervisor)


def test_lists_counts_and_details_hold_only_the_county(client, city, county_office, two_appeals):
    county, city_led = two_appeals
    assert set(selectors.appeals_visible(county_office).values_list("pk", flat=True)) == {county.pk}
    # The city's office still sees both.
    assert {county.pk, city_led.pk} <= set(
        selectors.appeals_visible(city.supervisor).values_list("pk", flat=True)
    )

    client.force_login(county_office)
    page = client.get(reverse("appeals:workbench"))
    assert page.status_code == 200
    listed = [a.pk for a in page.context["appeals"]]
    assert listed == [county.pk]
    assert page.context["all_total"] == len(listed)
    assert client.get(reverse("appeals:detail", args=[city_led.pk])).status_code in (403, 404)
    assert client.get(reverse("appeals:detail", args=[county.pk])).status_code == 200

    api = token_client(county_office)
    body = api.get("/api/v1/appeals").json()
    assert [item["id"] for item in body["items"]] == [county.pk]
    assert api.get(f"/api/v1/appeals/{city_led.pk}").status_code == 404


def test_the_home_counts_equal_their_lists(client, city, county_office, two_appeals):
    from django.utils import timezone

    from zhitong.portal.selectors import supervisor_home

    first = supervisor_home(user=county_office, today=timezone.localdate())["counts"][0]
    assert str(first.label) == "本县(市)区在办诉求"
    client.force_login(county_office)
    listed = client.get(first.url)
    assert first.value == 1 == len(listed.context["appeals"])
    assert client.get(reverse("home")).status_code == 200


def test_enterprises_of_other_counties_are_out_of_the_county_offices_scope(city, county_office):
    elsewhere = UnitFactory(code="TJQ", name="台江区", kind=UnitKind.COUNTY, parent=city.units.root)
    far = EnterpriseFactory(name="台江某公司", location=elsewhere)
    seen = set(enterprise_list_for_user(user=county_office).values_list("pk", flat=True))
    assert city.enterprise.pk in seen  # located in 鼓楼区
    assert far.pk not in seen
    assert far.pk in set(enterprise_list_for_user(user=city.supervisor).values_list("pk", flat=True))


def test_enterprise_contacts_are_kept_to_their_own_doors(client, city):
    client.force_login(city.enterprise_user)
    for name in ("enterprises:list", "projects:list", "coordination:meetings", "organizations:units"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r["Location"] == reverse("home"), name
    api = token_client(city.enterprise_user)
    r = api.get("/api/v1/enterprises")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # 我的诉求 stays theirs.
    assert client.get(reverse("appeals:workbench")).status_code == 200
