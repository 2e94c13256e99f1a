import pytest

from zhitong.audit.models import AuditEvent
from zhitong.core.context import client_addr_from_meta
from zhitong.organizations.tests.factories import PASSWORD, UserFactory


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    meta = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}
    assert client_addr_from_meta(meta) == "198.51.100.7"


def test_behind_the_proxy_only_the_hop_it_appended_counts(settings):
    settings.BEHIND_PROXY = True
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.5"}
    assert client_addr_from_meta(meta) == "203.0.113.5"


@pytest.mark.django_db
def test_a_sign_in_is_audited_with_the_address_it_came_from(client, settings):
    settings.BEHIND_PROXY = True
    user = UserFactory()
    client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.5"},
    )
    assert AuditEvent.objects.get(action="auth.login").client_addr == "203.0.113.5"
