"""Sign-up with the credit code and a mobile confirmed by a one-time SMS code (issue 12)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from zhitong.eportal import otp
from zhitong.eportal.choices import AccessStatus
from zhitong.eportal.models import ContactAccess, PhoneCode, Signup
from zhitong.eportal.services import signup_resend, signup_start, signup_verify
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.outbox.models import OutboxMessage

from .conftest import last_code, sign_up

pytestmark = pytest.mark.django_db


def _start(enterprise, phone="13912345678", address="10.0.0.1"):
    return signup_start(
        credit_code=enterprise.credit_code, name="林晓", phone=phone, password="abc12345", address=address
    )


def test_the_first_contact_of_an_enterprise_waits_for_the_hub_and_sees_nothing(city, client):
    r = sign_up(client, city.enterprise)
    assert r.status_code == 302 and r["Location"] == "/e/"
    user = User.objects.get(username="13912345678")
    assert user.role == Role.ENTERPRISE and user.enterprise_id is None
    access = ContactAccess.objects.get(user=user)
    assert access.status == AccessStatus.PENDING_HUB and access.is_principal
    page = client.get("/e/")
    assert "待平台确认" in page.content.decode()
    # Nothing of the enterprise: no appeal list rows, no submission.
    assert client.get("/e/appeals/new/").status_code == 302
    assert client.get("/e/contacts/").status_code == 403


def test_a_further_contact_waits_for_the_principal_who_approves_it(city, client):
    sign_up(client, city.enterprise)
    principal = User.objects.get(username="13912345678")
    hub = Client()
    hub.force_login(city.hub)
    access = ContactAccess.objects.get(user=principal)
    r = hub.post(f"/e/contacts/{access.pk}/move/confirm_principal/", {"version": access.version})
    assert r.status_code == 302
    principal.refresh_from_db()
    assert principal.enterprise_id == city.enterprise.pk

    second = Client()
    sign_up(second, city.enterprise, phone="13912345679", name="陈工")
    newcomer = ContactAccess.objects.get(user__username="13912345679")
    assert newcomer.status == AccessStatus.PENDING_PRINCIPAL and not newcomer.is_principal
    assert newcomer.user.enterprise_id is None
    # The hub does not decide it; the principal does, on its page.
    assert (
        hub.post(f"/e/contacts/{newcomer.pk}/move/approve/", {"version": newcomer.version}).status_code == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.status == AccessStatus.PENDING_PRINCIPAL
    page = client.get("/e/contacts/")
    assert page.status_code == 200 and "陈工" in page.content.decode()
    r = client.post(f"/e/contacts/{newcomer.pk}/move/approve/", {"version": newcomer.version})
    assert r.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.status == AccessStatus.APPROVED
    assert User.objects.get(username="13912345679").enterprise_id == city.enterprise.pk


def test_another_enterprises_principal_cannot_see_or_decide_a_contact(city, client):
    sign_up(client, city.enterprise)
    access = ContactAccess.objects.get(user__username="13912345678")
    access.status, access.is_principal = AccessStatus.APPROVED, True
    access.save()
    User.objects.filter(pk=access.user_id).update(enterprise=city.enterprise)
    other = Client()
    sign_up(other, city.other_enterprise, phone="13700000000")
    theirs = ContactAccess.objects.get(user__username="13700000000")
    # The other enterprise's (first) contact is pending at the hub: our principal gets 404.
    r = client.post(f"/e/contacts/{theirs.pk}/move/refuse_principal/", {"version": 1, "reason": "x"})
    assert r.status_code == 404
    # A pending contact cannot decide anything either (404) nor open the principal's page (403).
    assert (
        other.post(f"/e/contacts/{access.pk}/move/revoke/", {"version": 1, "reason": "x"}).status_code == 404
    )
    assert other.get("/e/contacts/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == AccessStatus.PENDING_HUB


def test_only_the_hub_opens_the_hubs_queues(city, client):
    for user, status in [(city.hub, 200), (city.handler, 403), (city.enterprise_user, 403)]:
        client.force_login(user)
        assert client.get("/e/hub/contacts/").status_code == status
        assert client.get("/e/hub/withdrawals/").status_code == status
    client.logout()
    assert client.get("/e/hub/contacts/").status_code == 302  # to the sign-in page


def test_the_credit_code_is_checked_by_its_check_digit(city, client):
    bad = city.enterprise.credit_code[:17] + ("0" if city.enterprise.credit_code[17] != "0" else "1")
    r = client.post(
        "/e/signup/",
        {
            "credit_code": bad,
            "name": "林晓",
            "phone": "13912345678",
            "password": "abc12345",
            "password2": "abc12345",
        },
    )
    assert r.status_code == 400 and "校验码错误" in r.content.decode()
    assert not OutboxMessage.objects.filter(kind="sms").exists()


def test_an_enterprise_not_in_the_library_cannot_sign_up(city):
    from zhitong.enterprises.validators import credit_code_check_char

    code = "91350100MA" + "1234567"
    code += credit_code_check_char(code)
    with pytest.raises(Exception) as exc:
        signup_start(credit_code=code, name="林晓", phone="13912345678", password="abc12345")
    assert "企业库中没有" in str(exc.value)


def test_the_code_is_six_digits_hashed_at_rest_and_sent_as_an_sms(city):
    s = _start(city.enterprise)
    code = last_code("13912345678")
    assert len(code) == 6 and code.isdigit()
    row = PhoneCode.objects.get(signup=s)
    assert len(row.code_hash) == 64 and row.code_hash == otp._hash(s.pk, code)
    assert not PhoneCode.objects.filter(code_hash=code).exists()
    assert row.expires_at - row.sent_at == timedelta(minutes=10)
    sms = OutboxMessage.objects.get(kind="sms")
    assert set(sms.payload) == {"phone", "text", "purpose"}


def test_five_wrong_codes_lock_the_code(city):
    s = _start(city.enterprise)
    code = last_code("13912345678")
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(Exception, match=f"还可尝试{left}次"):
            signup_verify(signup=s, code=wrong)
    with pytest.raises(Exception, match="错误次数过多"):
        signup_verify(signup=s, code=wrong)
    with pytest.raises(Exception, match="错误次数过多"):
        signup_verify(signup=s, code=code)  # even the right one now
    assert not User.objects.filter(username="13912345678").exists()


def test_a_code_expires_after_ten_minutes(city):
    s = _start(city.enterprise)
    code = last_code("13912345678")
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        with pytest.raises(Exception, match="已过期"):
            signup_verify(signup=s, code=code)


def test_a_new_code_is_sent_at_most_once_a_minute_and_replaces_the_old(city):
    s = _start(city.enterprise)
    first = last_code("13912345678")
    with pytest.raises(otp.TooMany):
        signup_resend(signup=s)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        signup_resend(signup=s)
        second = last_code("13912345678")
        if second != first:
            with pytest.raises(Exception, match="请先获取验证码|不正确"):
                signup_verify(signup=s, code=first)
        user = signup_verify(signup=Signup.objects.get(pk=s.pk), code=second)
    assert user.username == "13912345678"


def test_codes_per_phone_and_per_address_are_limited_per_day(city, settings):
    settings.ZHITONG_OTP_PER_PHONE_PER_DAY = 2
    settings.ZHITONG_OTP_PER_ADDRESS_PER_DAY = 3
    s = _start(city.enterprise)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        signup_resend(signup=s, address="10.0.0.1")
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        with pytest.raises(otp.TooMany, match="该手机号今日"):
            signup_resend(signup=s, address="10.0.0.1")
        # Another phone from the same address: the address's third code, then no more.
        _start(city.enterprise, phone="13900000001")
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        with pytest.raises(otp.TooMany, match="今日获取验证码次数已达上限"):
            _start(city.enterprise, phone="13900000002")


def test_sign_up_posts_are_rate_limited_per_address(city, client, settings):
    settings.ZHITONG_SIGNUP_POSTS_PER_HOUR = 3
    data = {"credit_code": "X", "name": "a", "phone": "1", "password": "p", "password2": "p"}
    statuses = [client.post("/e/signup/", data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_a_mobile_already_registered_cannot_sign_up_again(city, client):
    sign_up(client, city.enterprise)
    with pytest.raises(Exception, match="已注册"):
        _start(city.enterprise)
