"""The administration pages gated by a capability, opened by every role: the audit log
(can_read_audit), the working-day calendar (can_view_calendar / can_manage_calendar) and the
bulk import (can_import_data). None of them has an API; the page is the only door."""

import pytest
from django.urls import reverse

from zhitong.organizations import capabilities as caps
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "audit:list": (caps.can_read_audit, {Role.AUDIT_ADMIN, Role.SUPERVISOR}),
    "workdays:calendar": (caps.can_view_calendar, {Role.ADMIN, Role.HUB}),
    "enterprises:import": (caps.can_import_data, {Role.ADMIN, Role.HUB}),
}
CASES = [(name, role) for name in PAGES for role in Role.values]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_each_role_is_let_in_or_refused(client, name, role):
    allowed, roles = PAGES[name]
    user = UserFactory(role=role)
    assert allowed(user) is (role in roles)
    client.force_login(user)
    assert client.get(reverse(name)).status_code == (200 if role in roles else 403)


@pytest.mark.parametrize("name", list(PAGES))
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_admin_may_edit_the_calendar(client):
    for role, can_edit in ((Role.ADMIN, True), (Role.HUB, False)):
        client.force_login(UserFactory(role=role))
        page = client.get(reverse("workdays:calendar"))
        assert page.context["can_edit"] is can_edit
