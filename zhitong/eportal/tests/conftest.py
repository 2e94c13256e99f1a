"""The appeals domain's small city and flow (appeals/tests/conftest.py), plus the portal's
own helpers: reading the one-time code from the queued SMS, and signing up."""

import re

import pytest
from django.core.cache import caches

from zhitong.appeals.tests.conftest import (  # noqa: F401  (fixtures)
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    flow,
    pdf,
)
from zhitong.core.crypto import decrypt, is_ciphertext
from zhitong.outbox.models import OutboxMessage


@pytest.fixture(autouse=True)
def _fresh_throttle():
    caches["signin"].clear()
    yield
    caches["signin"].clear()


def _phone_of(payload: dict) -> str:
    value = str(payload.get("phone", ""))
    return decrypt(value).decode() if is_ciphertext(value) else value


def last_code(phone: str) -> str:
    """The code of the last SMS queued for `phone` (the SMS helper delivers it)."""
    # The phone is queued encrypted (core/crypto.py): open each recent SMS's to find it.
    rows = OutboxMessage.objects.filter(kind="sms").order_by("-id")[:50]
    row = next((r for r in rows if _phone_of(r.payload) == phone), None)
    assert row is not None, "no SMS queued"
    assert row.payload["purpose"] == "otp"
    return re.search(r"(\d{6})", row.payload["text"]).group(1)


def sign_up(client, enterprise, phone="13912345678", name="林晓", password="abc12345"):
    """Step 1 and 2 of the sign-up through the pages; returns the response of step 2."""
    r = client.post(
        "/e/signup/",
        {
            "credit_code": enterprise.credit_code,
            "name": name,
            "phone": phone,
            "password": password,
            "password2": password,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    return client.post("/e/signup/verify/", {"code": last_code(phone)})
