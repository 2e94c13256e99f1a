from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_verify
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "连续输错密码次数过多，账号已锁定"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user():
    return UserFactory(username="handler_a")


def test_the_right_password_signs_in_and_is_audited(client, user):
    response = sign_in(client, "handler_a", PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.outcome) == (user, "ok")


def test_four_failures_do_not_lock_and_are_each_audited(client, user):
    for _ in range(4):
        response = sign_in(client, "handler_a", "wrong-password")
        assert "用户名或密码错误" in response.text
    user.refresh_from_db()
    assert user.failed_logins == 4 and user.locked_until is None
    assert AuditEvent.objects.filter(action="auth.login_failed", outcome="denied").count() == 4
    assert sign_in(client, "handler_a", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_five_failures_lock_the_account_for_fifteen_minutes(client, user, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(settings.ZHITONG_LOCKOUT_FAILURES):
        response = sign_in(client, "handler_a", "wrong-password")
    assert LOCKED in response.text  # the fifth failure already says so
    user.refresh_from_db()
    assert user.locked_until == timezone.now() + timedelta(minutes=15)

    # The sixth attempt, with the RIGHT password, is still refused with the locked message.
    response = sign_in(client, "handler_a", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.text and not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_refused_locked").count() == 1

    time_machine.shift(timedelta(minutes=14, seconds=59))
    assert LOCKED in sign_in(client, "handler_a", PASSWORD).text

    time_machine.shift(timedelta(seconds=2))
    assert sign_in(client, "handler_a", PASSWORD).status_code == 302 and signed_in(client)
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_logins == 0
    assert audit_verify().ok


def test_the_lock_is_per_account(client, user):
    other = UserFactory(username="handler_b")
    for _ in range(5):
        sign_in(client, "handler_a", "wrong-password")
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_an_unknown_username_gets_the_ordinary_message(client):
    response = sign_in(client, "nobody", "wrong-password")
    assert response.status_code == 200 and "用户名或密码错误" in response.text


def test_an_inactive_account_is_refused_without_counting_a_failure(client):
    user = UserFactory(username="gone", is_active=False)
    assert sign_in(client, "gone", PASSWORD).status_code == 200
    user.refresh_from_db()
    assert user.failed_logins == 0 and not signed_in(client)
