"""The anonymous sign-up forms under hostile input (the page crawl signs in, so it never
sees them; portal/tests/test_hostile_pages.py lists them in UNREACHED with this file as
the reason): every hostile value in every field at once, and each field alone — never a
5xx, never Django's own message, nothing stored."""

import pytest
from django.test import Client

from zhitong.eportal.models import PhoneCode, Signup
from zhitong.organizations.models import User
from zhitong.portal.tests import hostile as H

pytestmark = pytest.mark.django_db

SIGNUP_FIELDS = ("credit_code", "name", "phone", "password", "password2")
CODE_FIELDS = ("code",)


def _post(client, url, pairs):
    return client.post(url, H.encode(pairs), content_type="application/x-www-form-urlencoded")


def _check(response, problems, what):
    body = response.content.decode("utf-8", "replace")
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code}")
    for label, pattern in H.django_default_messages():
        if pattern.search(body):
            problems.append(f"{what}: Django's message {label!r}")


@pytest.mark.parametrize("value", H.HOSTILE, ids=range(len(H.HOSTILE)))
def test_the_sign_up_forms_refuse_hostile_input_in_chinese(city, settings, value):
    settings.ZHITONG_SIGNUP_POSTS_PER_HOUR = 10_000
    problems: list[str] = []
    client = Client()
    _check(_post(client, "/e/signup/", [(f, value) for f in SIGNUP_FIELDS]), problems, "signup, all fields")
    for field in SIGNUP_FIELDS:
        pairs = [(f, value if f == field else "") for f in SIGNUP_FIELDS]
        _check(_post(client, "/e/signup/", pairs), problems, f"signup, {field}")
    assert not Signup.objects.exists() and not PhoneCode.objects.exists()
    # The code form, with a sign-up pending in the session.
    ok = {"credit_code": city.enterprise.credit_code, "name": "林晓", "phone": "13912345678"}
    r = client.post("/e/signup/", {**ok, "password": "abc12345", "password2": "abc12345"})
    assert r.status_code == 302
    _check(_post(client, "/e/signup/verify/", [("code", value)]), problems, "code")
    _check(_post(client, "/e/signup/resend/", [("x", value)]), problems, "resend")
    assert not User.objects.filter(username="13912345678").exists()
    assert not problems, "\n".join(problems)
