import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.enterprises.tests.factories import ContactFactory
from zhitong.organizations.choices import Role

from .org_fixtures import org_fixture  # noqa: F401  (provides the `org` fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org):
    from zhitong.organizations.tests.factories import UserFactory

    admin = UserFactory(username="root", role=Role.ADMIN, unit=org.root, is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def test_the_admin_pages_render(admin_client, org):
    contact = ContactFactory(enterprise__location=org.unit_b)
    for url in [
        reverse("admin:organizations_unit_changelist"),
        reverse("admin:organizations_unit_change", args=[org.unit_a.pk]),
        reverse("admin:organizations_user_change", args=[org.handler_a.pk]),
        reverse("admin:organizations_servicewindow_changelist"),
        reverse("admin:enterprises_enterprise_change", args=[contact.enterprise_id]),
        reverse("admin:projects_project_changelist"),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_an_admin_edit_is_audited_with_what_changed(admin_client, org):
    url = reverse("admin:organizations_unit_change", args=[org.unit_b.pk])
    data = {
        "code": "B",
        "name": "乙区人民政府",
        "short_name": "乙区",
        "kind": org.unit_b.kind,
        "parent": org.root.pk,
        "duties": "",
        "is_active": "on",
        "sort_order": "0",
        "window-TOTAL_FORMS": "0",
        "window-INITIAL_FORMS": "0",
        "window-MIN_NUM_FORMS": "0",
        "window-MAX_NUM_FORMS": "1",
    }
    resp = admin_client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    event = AuditEvent.objects.get(action="unit.admin_update")
    assert event.actor == admin_client.admin
    assert event.before == {"name": org.unit_b.name, "short_name": ""}
    assert event.after == {"name": "乙区人民政府", "short_name": "乙区"}
