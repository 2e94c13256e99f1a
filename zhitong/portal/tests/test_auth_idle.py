from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

IDLE_NOTICE = "分钟未操作"


@pytest.fixture
def signed_in_client(client, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    user = UserFactory(username="handler_a")
    assert client.post(reverse("login"), {"username": "handler_a", "password": PASSWORD}).status_code == 302
    client.user = user
    return client


def test_a_request_within_thirty_minutes_keeps_the_session(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=29))
    assert signed_in_client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=29))  # idle is measured from the last request
    assert signed_in_client.get(reverse("home")).status_code == 200


def test_a_request_after_thirty_one_idle_minutes_signs_out(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.get(reverse("home") + "?tab=x")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("login")
    assert parse_qs(url.query) == {"next": ["/?tab=x"], "idle": ["1"]}
    assert "_auth_user_id" not in signed_in_client.session
    page = signed_in_client.get(response["Location"])
    assert IDLE_NOTICE in page.text
    assert AuditEvent.objects.filter(action="auth.idle_logout", actor=signed_in_client.user).exists()
    # Signed out for good: the next request is an ordinary redirect to sign in.
    response = signed_in_client.get(reverse("home"))
    assert response.status_code == 302 and "idle" not in response["Location"]


def test_the_clock_starts_at_sign_in(signed_in_client, time_machine):
    # No request at all since signing in.
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.get(reverse("home"))
    assert response.status_code == 302 and "idle=1" in response["Location"]


def test_an_htmx_request_is_sent_to_sign_in_as_a_full_page(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login") + "?")


def test_a_signed_out_visitor_is_not_affected(client, time_machine):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and IDLE_NOTICE not in response.text
