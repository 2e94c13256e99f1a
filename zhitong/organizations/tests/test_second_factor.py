"""The TOTP second factor, the forced password change and the session limits at sign-in
(issue 15; GB/T 22239-2019 8.1.4.1 a, b, d). Real password sign-ins through the pages."""

import importlib
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.core import crypto
from zhitong.core.errors import AccessDenied
from zhitong.organizations import totp
from zhitong.organizations.choices import Role
from zhitong.organizations.models import PasswordHistory, TotpDevice
from zhitong.organizations.signin_steps import PENDING_KEY
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def password(client, username, pw=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": pw})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def hub():
    user = UserFactory(username="hub2fa", role=Role.HUB)
    totp.enrol_with_secret(user, SECRET)
    return user


def test_a_role_without_second_factor_signs_in_with_its_password(client):
    UserFactory(username="h1", role=Role.HANDLER)
    assert password(client, "h1").status_code == 302 and signed_in(client)


def test_the_password_alone_does_not_sign_a_hub_in(client, hub):
    response = password(client, "hub2fa")
    assert response["Location"] == reverse("signin_code")
    assert not signed_in(client) and PENDING_KEY in client.session
    # A half signed-in session reaches nothing: pages send to sign in, the probe says 401.
    for url in ("/", "/appeals/", "/audit/", "/admin/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"], url
    assert client.get(reverse("session_status")).status_code == 401
    assert client.get("/api/v1/appeals").status_code == 401


def test_the_code_signs_in_and_a_replayed_code_is_refused(client, hub):
    password(client, "hub2fa")
    code = totp.code_for(SECRET)
    r = client.post(reverse("signin_code"), {"code": code})
    assert r.status_code == 302 and r["Location"] == "/" and signed_in(client)
    # The same code again, from another browser with the right password: refused.
    other = Client()
    password(other, "hub2fa")
    r = other.post(reverse("signin_code"), {"code": code})
    assert r.status_code == 200 and "已使用过" in r.text and not signed_in(other)


def test_wrong_codes_are_throttled_with_the_password_lockout(client, hub):
    password(client, "hub2fa")
    for _ in range(settings.ZHITONG_LOCKOUT_FAILURES):
        client.post(reverse("signin_code"), {"code": "000000"})
    r = client.post(reverse("signin_code"), {"code": totp.code_for(SECRET)})
    assert "错误次数过多" in r.text and not signed_in(client)


def test_a_recovery_code_works_once(client):
    user = UserFactory(username="lead", role=Role.LEADER)
    device = totp.enrol_with_secret(user, SECRET)
    codes = totp.new_recovery_codes(device)
    assert codes[0] not in str(TotpDevice.objects.get(pk=device.pk).recovery_hashes)  # hashed
    password(client, "lead")
    client.post(reverse("signin_code"), {"code": codes[0]})
    assert signed_in(client)
    other = Client()
    password(other, "lead")
    other.post(reverse("signin_code"), {"code": codes[0]})
    assert not signed_in(other)
    assert AuditEvent.objects.filter(action="auth.totp_recovery_used").count() == 1


def test_the_first_sign_in_enrols(client):
    user = UserFactory(username="sup", role=Role.SUPERVISOR)
    r = password(client, "sup")
    assert r["Location"] == reverse("signin_enrol")
    page = client.get(reverse("signin_enrol"))
    assert "<svg" in page.text and 'data-testid="totp-secret"' in page.text
    secret = page.context["secret"].replace(" ", "")
    device = TotpDevice.objects.get(user=user)
    assert secret not in device.secret_sealed and totp.open_secret(device.secret_sealed) == secret
    wrong = client.post(reverse("signin_enrol"), {"code": "123456"})
    assert "验证码不正确" in wrong.text and not signed_in(client)
    r = client.post(reverse("signin_enrol"), {"code": totp.code_for(secret)})
    codes = client.get(r["Location"])
    assert len(codes.context["codes"]) == 10 and not signed_in(client)
    r = client.post(reverse("signin_enrol"))
    assert r["Location"] == "/" and signed_in(client)
    assert AuditEvent.objects.filter(action="auth.totp_enrolled", object_id=str(user.pk)).exists()


def test_a_pending_sign_in_lapses(client, hub, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    password(client, "hub2fa")
    time_machine.shift(timedelta(seconds=settings.ZHITONG_SIGNIN_PENDING_SECONDS + 1))
    r = client.post(reverse("signin_code"), {"code": totp.code_for(SECRET)})
    assert r["Location"].startswith(reverse("login")) and not signed_in(client)


def test_seal_and_open(hub):
    sealed = totp.seal_secret(SECRET)
    assert SECRET not in sealed and totp.open_secret(sealed) == SECRET
    assert crypto.is_ciphertext(sealed)  # the field keys' scheme (core/crypto.py)
    with pytest.raises(crypto.DecryptionError):  # any tampering fails authentication
        totp.open_secret(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
    with pytest.raises(crypto.DecryptionError):  # another column's ciphertext is no TOTP seed
        totp.open_secret(crypto.encrypt(SECRET.encode("ascii")))


def _migration_0005():
    return importlib.import_module("zhitong.organizations.migrations.0005_totp_secrets_under_field_keys")


def test_a_secret_sealed_the_old_way_still_signs_in_after_the_migration(client, hub):
    """Migration 0005 re-seals the `v1:` secrets of totp.py's former own AES-GCM under the
    field keys: the device keeps working (a page sign-in with its code), a rerun changes
    nothing, and backwards gives back the old scheme."""
    migration = _migration_0005()
    old = migration.legacy_seal(SECRET)
    assert old.startswith("v1:") and migration.legacy_open(old) == SECRET
    TotpDevice.objects.filter(user=hub).update(secret_sealed=old)
    editor = SimpleNamespace(connection=connection)

    migration.forwards(apps, editor)
    resealed = TotpDevice.objects.get(user=hub).secret_sealed
    assert crypto.is_ciphertext(resealed) and totp.open_secret(resealed) == SECRET
    migration.forwards(apps, editor)  # a rerun leaves it alone
    assert TotpDevice.objects.get(user=hub).secret_sealed == resealed

    password(client, "hub2fa")
    client.post(reverse("signin_code"), {"code": totp.code_for(SECRET)})
    assert signed_in(client)

    migration.backwards(apps, editor)
    back = TotpDevice.objects.get(user=hub).secret_sealed
    assert back.startswith("v1:") and migration.legacy_open(back) == SECRET


def test_the_migration_stops_at_a_secret_its_key_cannot_open(hub, settings):
    migration = _migration_0005()
    settings.ZHITONG_TOTP_KEY = "a key since lost"
    TotpDevice.objects.filter(user=hub).update(secret_sealed=migration.legacy_seal(SECRET))
    settings.ZHITONG_TOTP_KEY = "the key of today"
    with pytest.raises(RuntimeError, match=f"TOTP device {hub.totp_device.pk}"):
        migration.forwards(apps, SimpleNamespace(connection=connection))


def test_the_field_key_rotation_re_seals_the_totp_secrets(client, hub, settings):
    """`zhitong fieldkeys reencrypt` covers the TOTP column: once it has run, the retired
    key can leave ZHITONG_FIELD_KEYS and the device still signs in."""
    settings.FIELD_KEYS = ["a" * 40]
    TotpDevice.objects.filter(user=hub).update(secret_sealed=totp.seal_secret(SECRET))
    old_kid = crypto.key_id_of(TotpDevice.objects.get(user=hub).secret_sealed)
    settings.FIELD_KEYS = ["b" * 40, "a" * 40]
    out = io.StringIO()
    call_command("fieldkeys", "reencrypt", stdout=out)
    assert "organizations.TotpDevice.secret_sealed: 1 re-encrypted" in out.getvalue()
    settings.FIELD_KEYS = ["b" * 40]  # the retired key is gone
    sealed = TotpDevice.objects.get(user=hub).secret_sealed
    assert crypto.key_id_of(sealed) not in (None, old_kid)
    out = io.StringIO()
    call_command("fieldkeys", "status", stdout=out)
    assert (
        f"organizations.TotpDevice.secret_sealed: {crypto.key_id_of(sealed)} (current): 1" in out.getvalue()
    )
    password(client, "hub2fa")
    client.post(reverse("signin_code"), {"code": totp.code_for(SECRET)})
    assert signed_in(client)


def test_only_the_security_administrator_resets_a_second_factor(hub):
    admin = UserFactory(role=Role.ADMIN, is_superuser=True)
    with pytest.raises(AccessDenied):
        totp.totp_reset(actor=admin, user=hub)
    security = UserFactory(role=Role.SECURITY_ADMIN)
    assert totp.totp_reset(actor=security, user=hub) is True
    assert not TotpDevice.objects.filter(user=hub).exists()
    event = AuditEvent.objects.get(action="auth.totp_reset")
    assert event.actor_id == security.pk and event.object_id == str(hub.pk)


# -- passwords (GB/T 22239-2019 8.1.4.1 a) --------------------------------------------------------


def test_an_administrator_set_password_is_changed_at_first_sign_in(client):
    user = UserFactory(username="newbie", role=Role.HANDLER, must_change_password=True)
    r = password(client, "newbie")
    assert r["Location"] == reverse("signin_password") and not signed_in(client)
    same = client.post(reverse("signin_password"), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "最近5次" in same.text and not signed_in(client)
    new = "Another-Pass-2026!"
    r = client.post(reverse("signin_password"), {"new_password1": new, "new_password2": new})
    assert r["Location"] == "/" and signed_in(client)
    user.refresh_from_db()
    assert user.check_password(new) and not user.must_change_password
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(user.pk)).exists()


def test_an_expired_password_must_be_changed(client, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    UserFactory(username="old", role=Role.HANDLER)
    time_machine.shift(timedelta(days=settings.ZHITONG_PASSWORD_MAX_AGE_DAYS - 1))
    password(client, "old")
    assert signed_in(client)
    client.logout()
    time_machine.shift(timedelta(days=2))
    r = password(client, "old")
    assert r["Location"] == reverse("signin_password")
    assert "超过有效期" in client.get(r["Location"]).text


def test_the_last_five_passwords_cannot_be_reused():
    from django.core.exceptions import ValidationError

    from zhitong.organizations.password_policy import check_not_reused, password_change

    user = UserFactory()
    used = [PASSWORD] + [f"Pass-{i}-Zhitong!" for i in range(5)]
    for pw in used[1:]:
        password_change(user=user, actor=user, raw=pw)
    assert PasswordHistory.objects.filter(user=user).count() == settings.ZHITONG_PASSWORD_HISTORY - 1
    for pw in used[-5:]:
        with pytest.raises(ValidationError):
            check_not_reused(user, pw)
    check_not_reused(user, used[0])  # the sixth back may come again


# -- sessions (GB/T 22239-2019 8.1.4.1 b) ---------------------------------------------------------


def test_the_absolute_limit_ends_an_active_session(client, time_machine):
    time_machine.move_to("2026-03-02 08:00 +0800", tick=False)
    UserFactory(username="busy", role=Role.HANDLER)
    password(client, "busy")
    for _ in range(settings.ZHITONG_SESSION_ABSOLUTE_SECONDS // 1200):  # a request every 20 minutes
        time_machine.shift(timedelta(minutes=20))
        assert client.get(reverse("session_keep_alive")).status_code in (200, 405)
        assert client.post(reverse("session_keep_alive")).status_code == 200
    time_machine.shift(timedelta(minutes=1))
    r = client.get("/")
    assert r.status_code == 302 and "expired=1" in r["Location"] and not signed_in(client)
    assert "登录已满12小时" in client.get(r["Location"]).text
    assert AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_the_absolute_limit_holds_for_the_session_probe(client, time_machine):
    time_machine.move_to("2026-03-02 08:00 +0800", tick=False)
    user = UserFactory(role=Role.HANDLER)
    client.force_login(user)
    for _ in range(28):  # active for 11 h 40: the stored session's own expiry keeps sliding
        time_machine.shift(timedelta(minutes=25))
        assert client.post(reverse("session_keep_alive")).status_code == 200
    time_machine.shift(timedelta(minutes=25))
    r = client.get(reverse("session_status"))
    assert r.status_code == 401 and r.json()["expired"] is True


def test_a_fourth_session_ends_the_oldest_and_it_is_told_why():
    UserFactory(username="many", role=Role.HANDLER)
    clients = [Client() for _ in range(settings.ZHITONG_MAX_SESSIONS_PER_USER + 1)]
    for c in clients:
        password(c, "many")
    assert all(c.get("/").status_code == 200 for c in clients[1:])
    r = clients[0].get("/appeals/")
    assert r.status_code == 302 and "ended=concurrent" in r["Location"]
    assert "最早的会话已被结束" in clients[0].get(r["Location"]).text
    assert AuditEvent.objects.filter(action="auth.session_ended_concurrent").count() == 1


# -- 三员分立 in the Django admin (GB/T 22239-2019 8.1.4.2 c/d) ----------------------------------


def _admin_form_fields(user, target):
    from django.test import RequestFactory

    from zhitong.organizations.models import User

    request = RequestFactory().get("/")
    request.user = user
    return site._registry[User].get_readonly_fields(request, target)


def test_the_system_administrator_cannot_grant_roles_and_the_security_administrator_can():
    system = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    security = UserFactory(role=Role.SECURITY_ADMIN, is_staff=True)
    target = UserFactory()
    assert {"role", "is_superuser", "user_permissions"} <= set(_admin_form_fields(system, target))
    assert {"role", "is_superuser"}.isdisjoint(_admin_form_fields(security, target))
    assert {"username", "unit"} <= set(_admin_form_fields(security, target))


def test_the_audit_log_is_closed_to_the_system_administrator(client):
    system = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(system)
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 403
    auditor = UserFactory(role=Role.AUDIT_ADMIN)
    client.force_login(auditor)
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get("/appeals/").status_code == 403  # nothing else
    assert client.get("/admin/").status_code == 403
