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


# -- The idle warning's endpoints (issue 9): the probe asks, the keep-alive refreshes ----------

STATUS, KEEP_ALIVE = reverse("session_status"), reverse("session_keep_alive")


def test_the_probe_says_how_long_is_left(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=10))
    response = signed_in_client.get(STATUS)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {"signed_in": True, "remaining": 20 * 60}


def test_asking_does_not_count_as_activity(signed_in_client, time_machine):
    # A page left open asks before warning; if asking kept the session, it never ended.
    time_machine.shift(timedelta(minutes=29))
    assert signed_in_client.get(STATUS).json()["remaining"] == 60
    time_machine.shift(timedelta(minutes=2))
    response = signed_in_client.get(reverse("home"))
    assert response.status_code == 302 and "idle=1" in response["Location"]


def test_the_probe_after_the_limit_signs_out_and_answers_in_json(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.get(STATUS)
    assert response.status_code == 401 and response.json() == {"signed_in": False, "idle": True}
    assert "_auth_user_id" not in signed_in_client.session
    assert AuditEvent.objects.filter(action="auth.idle_logout", actor=signed_in_client.user).count() == 1


def test_keep_alive_starts_the_clock_again(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=29, seconds=30))
    response = signed_in_client.post(KEEP_ALIVE)
    assert response.status_code == 200 and response.json() == {"signed_in": True, "remaining": 30 * 60}
    time_machine.shift(timedelta(minutes=29, seconds=30))  # 59 minutes after the last page
    assert signed_in_client.get(STATUS).json()["remaining"] == 30
    assert signed_in_client.get(reverse("home")).status_code == 200


def test_keep_alive_does_not_bring_back_a_session_that_timed_out(signed_in_client, time_machine):
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.post(KEEP_ALIVE)
    assert response.status_code == 401 and response.json()["signed_in"] is False
    assert signed_in_client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("url", [STATUS, KEEP_ALIVE])
def test_a_signed_out_visitor_is_refused_and_gets_no_session(client, url):
    response = client.post(url) if url == KEEP_ALIVE else client.get(url)
    assert response.status_code == 401 and response.json() == {"signed_in": False, "idle": False}
    assert "sessionid" not in response.cookies
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


def test_keep_alive_is_a_post_with_the_csrf_token(signed_in_client, time_machine):
    assert signed_in_client.get(KEEP_ALIVE).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = signed_in_client.cookies
    assert strict.post(KEEP_ALIVE).status_code == 403  # another site cannot keep a session open
    token = strict.get(reverse("home")).context["csrf_token"]
    assert strict.post(KEEP_ALIVE, headers={"X-CSRFToken": str(token)}).status_code == 200


def test_a_timed_out_post_returns_to_the_page_it_came_from(signed_in_client, time_machine):
    # The page restores the typed draft (site.js); nothing is re-submitted.
    time_machine.shift(timedelta(minutes=31))
    response = signed_in_client.post(
        reverse("appeals:intake"),
        {"title": "x"},
        headers={"Referer": "http://testserver/appeals/intake/?enterprise_id=5"},
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "next": ["/appeals/intake/?enterprise_id=5"],
        "idle": ["1"],
    }


@pytest.mark.parametrize(
    "referer", ["https://evil.example/appeals/", "", "http://testserver/accounts/login/?next=/"]
)
def test_a_timed_out_post_from_elsewhere_goes_home(signed_in_client, time_machine, referer):
    time_machine.shift(timedelta(minutes=31))
    headers = {"Referer": referer} if referer else {}
    response = signed_in_client.post(reverse("appeals:intake"), {"title": "x"}, headers=headers)
    assert parse_qs(urlsplit(response["Location"]).query) == {"idle": ["1"]}
