"""Who opens each coordination report — page and API ask the same function of
coordination.permissions, so both answer alike for every role (allowed and denied)."""

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.coordination import permissions
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/coordination"
R = Role

# report -> (page url name, page args, API path or None, permission, roles allowed)
REPORTS = {
    "annex2": ("coordination:batch_annex2", ["2025-09"], None, permissions.can_review_batch, {R.HUB}),
    "annex3": (
        "coordination:annex3",
        [],
        "/annex3",
        permissions.can_read_annex3,
        {R.HUB, R.SUPERVISOR, R.OVERSEER, R.ADMIN, R.CLERK, R.HANDLER, R.UNIT_HEAD},
    ),
    "facts": (
        "coordination:facts",
        [],
        "/facts",
        permissions.can_read_facts,
        {R.HUB, R.SUPERVISOR, R.OVERSEER, R.ADMIN},
    ),
    # seeds/000 五(二)1: the hub's certifications are read where the facts are (the page is
    # the facts page); making one is the hub's (test_county_meetings.py).
    "certifications": (
        "coordination:facts",
        [],
        "/facts/certifications",
        permissions.can_read_facts,
        {R.HUB, R.SUPERVISOR, R.OVERSEER, R.ADMIN},
    ),
    "my_batch": ("coordination:my_batch", [], "/my-batch", permissions.can_read_leader_batch, {R.LEADER}),
}
CASES = [(report, role) for report in REPORTS for role in Role.values]


def _user(city, role, **kw):
    unit = None if role == R.ENTERPRISE else city.units.gxj
    return UserFactory(role=role, unit=unit, **kw)


@pytest.mark.parametrize(("report", "role"), CASES, ids=[f"{r}-{role}" for r, role in CASES])
def test_page_and_api_agree_for_every_role(city, client, report, role):
    name, args, api_path, allowed, roles = REPORTS[report]
    user = _user(city, role)
    expected = role in roles
    assert allowed(user) is expected

    # Annex 3 of the user's own department (a city-wide role may read it too). Without a
    # unit the page shows the first one it offers; the API's default is left to the API.
    page_q = {"unit": city.units.gxj.pk} if report == "annex3" else {}
    api_q = {"unit_id": city.units.gxj.pk} if report == "annex3" else {}
    client.force_login(user)
    page = client.get(reverse(name, args=args), page_q)
    assert page.status_code == (200 if expected else 403)

    if api_path is not None:
        _, raw = ApiToken.issue(user=user, name="测试")
        response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API + api_path, api_q)
        assert response.status_code == (200 if expected else 403), response.content


@pytest.mark.parametrize("report", list(REPORTS))
def test_anonymous_and_inactive_are_refused(city, client, report):
    name, args, api_path, allowed, roles = REPORTS[report]
    page = client.get(reverse(name, args=args))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    inactive = _user(city, next(iter(roles)), is_active=False)
    assert allowed(inactive) is False
    if api_path is not None:
        assert Client().get(API + api_path).status_code == 401


def test_annex3_unit_is_chosen_by_the_same_rule(city):
    hub, handler, leader = (_user(city, r) for r in (R.HUB, R.HANDLER, R.LEADER))
    # City-wide roles pick any unit; unit staff only their own department.
    assert permissions.annex3_unit(hub, city.units.swj.pk) == city.units.swj
    assert permissions.annex3_unit(handler, None) == city.units.gxj
    assert permissions.annex3_unit(handler, str(city.units.gxj.pk)) == city.units.gxj
    assert permissions.annex3_unit(handler, city.units.swj.pk) is None
    assert permissions.annex3_unit(leader, None) is None and permissions.annex3_units(leader) == []
    # Section staff read their department's.
    section = UserFactory(role=R.HANDLER, unit=city.units.gxj_section)
    assert permissions.annex3_unit(section, None) == city.units.gxj
