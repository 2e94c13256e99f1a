"""Sign-in throttling (organizations/signin_throttle.py): per account and address, per
address, and a soft per-account limit; nothing an anonymous flood can turn against the
administrator, the same words for unknown and real accounts, a bounded audit trail."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_verify
from zhitong.organizations.choices import Role
from zhitong.organizations.signin_steps import PENDING_KEY
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "用户名或密码错误。"
THROTTLED = "登录尝试过于频繁"
ATTACKER = "203.0.113.66"
DESK = "10.20.0.7"


def sign_in(client, username, password, addr="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=addr)


def signed_in(client) -> bool:
    """The password was accepted: signed in, or (a role with a second factor) sent on to the
    code or enrolment step (organizations/signin_steps.py)."""
    return "_auth_user_id" in client.session or PENDING_KEY in client.session


def error_of(response) -> str:
    """The sign-in form's error line."""
    text = response.content.decode()
    start = text.index('data-testid="login-error">') + len('data-testid="login-error">')
    return text[start : text.index("</p>", start)]


@pytest.fixture
def user():
    return UserFactory(username="handler_a")


@pytest.fixture
def admin():
    return UserFactory(username="admin", role=Role.ADMIN)


def test_the_right_password_signs_in_and_is_audited(client, user):
    response = sign_in(client, "handler_a", PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.outcome, event.client_addr) == (user, "ok", "127.0.0.1")


def test_four_failures_do_not_throttle_and_the_sign_in_notes_them(client, user):
    for _ in range(4):
        assert error_of(sign_in(client, "handler_a", "wrong-password")) == WRONG
    assert sign_in(client, "handler_a", PASSWORD).status_code == 302
    assert AuditEvent.objects.get(action="auth.login").after == {"failures_before": 4}
    user.refresh_from_db()
    assert user.failed_logins == 0 and user.locked_until is None  # no row is written per attempt


def test_five_failures_refuse_the_account_from_that_address_for_fifteen_minutes(client, user, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(settings.ZHITONG_LOCKOUT_FAILURES):
        response = sign_in(client, "handler_a", "wrong-password")
    assert error_of(response) == "登录尝试过于频繁，请15分钟后再试。"  # the fifth failure already says so

    # The right password is not even checked meanwhile.
    response = sign_in(client, "handler_a", PASSWORD)
    assert response.status_code == 200 and THROTTLED in error_of(response) and not signed_in(client)

    time_machine.shift(timedelta(minutes=14))
    assert error_of(sign_in(client, "handler_a", PASSWORD)) == "登录尝试过于频繁，请1分钟后再试。"

    time_machine.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(client, "handler_a", PASSWORD).status_code == 302 and signed_in(client)
    assert audit_verify().ok


def test_a_flood_from_one_address_does_not_lock_the_admin_out_at_another(client, admin):
    for i in range(1000):
        sign_in(client, "admin", f"guess-{i}", addr=ATTACKER)
    assert THROTTLED in error_of(sign_in(client, "admin", PASSWORD, addr=ATTACKER))
    # The administrator at their own desk: the right password at the first try.
    assert sign_in(client, "admin", PASSWORD, addr=DESK).status_code == 302 and signed_in(client)


def test_a_flood_spread_over_many_addresses_still_lets_the_admin_in_from_a_new_address(client, admin):
    # 50 addresses x 3 guesses: the account is marked under attack, so addresses it never
    # signed in from get one try each; its own desk keeps the ordinary allowance.
    sign_in(client, "admin", PASSWORD, addr=DESK)  # the desk is known
    client.logout()
    for a in range(50):
        for i in range(3):
            sign_in(client, "admin", f"guess-{a}-{i}", addr=f"198.51.100.{a}")
    assert AuditEvent.objects.filter(action="auth.account_under_attack").count() == 1
    # A new address gets one try: a wrong password there refuses it ...
    assert error_of(sign_in(client, "admin", "typo", addr="10.30.0.1")).startswith(THROTTLED)
    # ... the right one at the first try signs in.
    assert sign_in(client, "admin", PASSWORD, addr="10.30.0.2").status_code == 302
    client.logout()
    # The known desk keeps its ordinary allowance: a typo first, then in.
    assert error_of(sign_in(client, "admin", "typo", addr=DESK)) == WRONG
    assert sign_in(client, "admin", PASSWORD, addr=DESK).status_code == 302


def test_the_refusal_is_per_account_and_address(client, user):
    other = UserFactory(username="handler_b")
    for _ in range(5):
        sign_in(client, "handler_a", "wrong-password")
    assert sign_in(client, other.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "handler_a", PASSWORD, addr=DESK).status_code == 302


def test_too_many_failures_from_one_address_refuse_it_for_every_account(client, user):
    for i in range(settings.ZHITONG_SIGNIN_ADDRESS_FAILURES):
        sign_in(client, f"nobody-{i}", "wrong-password", addr=ATTACKER)
    assert THROTTLED in error_of(sign_in(client, "handler_a", PASSWORD, addr=ATTACKER))
    assert sign_in(client, "handler_a", PASSWORD, addr=DESK).status_code == 302


def test_an_unknown_username_gets_the_same_message_as_a_wrong_password(client, user):
    wrong = sign_in(client, "handler_a", "wrong-password")
    unknown = sign_in(client, "nobody", "wrong-password")
    assert wrong.status_code == unknown.status_code == 200
    assert error_of(wrong) == error_of(unknown) == WRONG


def test_throttling_does_not_tell_whether_the_account_exists(client, user):
    def fifth_and_sixth(username, addr):
        for _ in range(settings.ZHITONG_LOCKOUT_FAILURES - 1):
            sign_in(client, username, "wrong-password", addr=addr)
        return [error_of(sign_in(client, username, "wrong-password", addr=addr)) for _ in range(2)]

    assert fifth_and_sixth("handler_a", "10.0.0.1") == fifth_and_sixth("nobody", "10.0.0.2")


@pytest.mark.slow
def test_audit_rows_stay_bounded_under_a_thousand_attempt_flood(client, admin):
    before = AuditEvent.objects.count()
    for i in range(100):
        sign_in(client, "admin", f"guess-{i}", addr=ATTACKER)
    after_100 = AuditEvent.objects.count() - before
    for i in range(900):
        sign_in(client, "admin", f"guess-{i}", addr=ATTACKER)
    after_1000 = AuditEvent.objects.count() - before
    # The first failure, the pair refused at the fifth, the address refused at the 30th.
    assert after_100 == after_1000 == 3
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "client_addr")[before:])
    assert actions == [
        ("auth.login_failed", ATTACKER),
        ("auth.login_throttled", ATTACKER),
        ("auth.signin_flood", ATTACKER),
    ]
    assert AuditEvent.objects.get(action="auth.signin_flood").after["attempts"] == 30
    assert audit_verify().ok


def test_a_refused_attempt_costs_no_query_and_no_write(client, admin):
    for i in range(settings.ZHITONG_SIGNIN_ADDRESS_FAILURES):
        sign_in(client, "admin", f"guess-{i}", addr=ATTACKER)
    with CaptureQueriesContext(connection) as ctx:
        response = sign_in(client, "admin", PASSWORD, addr=ATTACKER)
    assert THROTTLED in error_of(response)
    assert len(ctx.captured_queries) == 0, [q["sql"] for q in ctx.captured_queries]


def test_a_failed_attempt_writes_no_user_row(client, admin):
    sign_in(client, "admin", "first", addr=ATTACKER)  # the first failure of the window is audited
    with CaptureQueriesContext(connection) as ctx:
        sign_in(client, "admin", "second", addr=ATTACKER)
    writes = [q["sql"] for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert len(ctx.captured_queries) == 1  # the account lookup


def test_an_inactive_account_is_refused_with_the_ordinary_message(client):
    UserFactory(username="gone", is_active=False)
    response = sign_in(client, "gone", PASSWORD)
    assert error_of(response) == WRONG and not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_refused_inactive").count() == 1


def test_the_django_admin_signs_in_through_the_platform_page(client, admin):
    # Its own form would sign in with a password alone (no second factor, no throttle).
    admin.is_staff = True
    admin.save()
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
