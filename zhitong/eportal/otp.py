"""One-time codes sent by SMS (issue 12): 6 digits, stored as a salted hash, valid for 10
minutes, at most 5 tries; a new code at most once a minute, and a bounded number per phone
and per client address per day. The SMS itself is an outbox message of kind "sms"
(SHARED_CONTRACTS: payload phone, text, purpose); the SMS helper's handler delivers it.

Throttling of the sign-up and code forms per address follows organizations/signin_throttle:
counters in the "signin" cache, no row per attempt, a refusal costs one cache round trip.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from zhitong.core.crypto import encrypt
from zhitong.core.errors import ServiceError
from zhitong.organizations.signin_throttle import _cache, _incr
from zhitong.outbox.services import Message, outbox_enqueue

from .models import PhoneCode, Signup

CODE_DIGITS = 6
CODE_MINUTES = 10
MAX_TRIES = 5
RESEND_SECONDS = 60


def per_phone_per_day() -> int:
    return getattr(settings, "ZHITONG_OTP_PER_PHONE_PER_DAY", 5)


def per_address_per_day() -> int:
    return getattr(settings, "ZHITONG_OTP_PER_ADDRESS_PER_DAY", 20)


def form_posts_per_hour() -> int:
    """Sign-up and code-form posts one address may make per hour."""
    return getattr(settings, "ZHITONG_SIGNUP_POSTS_PER_HOUR", 30)


class TooMany(ServiceError):
    status = 429
    code = "too_many"


def _hash(signup_id: int, code: str) -> str:
    return salted_hmac("zhitong.eportal.otp", f"{signup_id}:{code}", algorithm="sha256").hexdigest()


def throttle_post(address: str, *, kind: str) -> None:
    """Count one post of a sign-up form (`kind`) from `address`; refuse beyond the hourly
    allowance (TooMany, 429)."""
    key = "su:{}:{}".format(kind, hashlib.sha256((address or "").encode()).hexdigest()[:32])
    if _cache().get(key, 0) >= form_posts_per_hour():
        raise TooMany("操作过于频繁，请一小时后再试")
    _incr(key, 3600)


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def send_code(signup: Signup, *, address: str, now: datetime | None = None) -> PhoneCode:
    """Send a new code for `signup` (the earlier ones stop working), within the limits."""
    now = now or timezone.now()
    last = PhoneCode.objects.filter(phone=signup.phone).order_by("-sent_at").first()
    if last is not None and (now - last.sent_at).total_seconds() < RESEND_SECONDS:
        wait = RESEND_SECONDS - int((now - last.sent_at).total_seconds())
        raise TooMany(f"验证码已发送，请{wait}秒后再重新获取")
    day = _day_start(now)
    if PhoneCode.objects.filter(phone=signup.phone, sent_at__gte=day).count() >= per_phone_per_day():
        raise TooMany("该手机号今日获取验证码次数已达上限，请明天再试")
    if (
        address
        and PhoneCode.objects.filter(client_addr=address, sent_at__gte=day).count() >= per_address_per_day()
    ):
        raise TooMany("今日获取验证码次数已达上限，请明天再试")
    PhoneCode.objects.filter(signup=signup, used_at__isnull=True).update(used_at=now)  # superseded
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PhoneCode.objects.create(
        signup=signup,
        phone=signup.phone,
        client_addr=address or "",
        code_hash=_hash(signup.pk, code),
        sent_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    text = f"【直通平台】您的注册验证码为{code}，{CODE_MINUTES}分钟内有效。如非本人操作，请忽略本短信。"
    outbox_enqueue(
        messages=[
            Message(
                kind="sms",
                payload={
                    "phone": encrypt(signup.phone.encode()),
                    "text": text,
                    "purpose": "otp",
                },  # opened at the send step
                dedupe_key=f"sms-otp:{row.pk}",
            )
        ]
    )
    return row


def check_code(signup: Signup, code: str, *, now: datetime | None = None) -> None:
    """Accept `code` for `signup` or raise in Chinese; every wrong try counts (5 at most).
    The try is committed in its own transaction before the refusal is raised: a caller's
    rollback cannot give a guesser its tries back."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().filter(signup=signup).order_by("-sent_at", "-pk").first()
        if row is None or row.used_at is not None:
            error = ("请先获取验证码", "otp_missing")
        elif now >= row.expires_at:
            error = ("验证码已过期，请重新获取", "otp_expired")
        elif row.attempts >= MAX_TRIES:
            error = ("验证码错误次数过多，请重新获取", "otp_locked")
        else:
            row.attempts += 1
            if constant_time_compare(row.code_hash, _hash(signup.pk, (code or "").strip())):
                row.used_at = now
            else:
                left = MAX_TRIES - row.attempts
                error = (
                    f"验证码不正确，还可尝试{left}次" if left else "验证码错误次数过多，请重新获取",
                    "otp_wrong",
                )
            row.save(update_fields=["attempts", "used_at"])
    if error:
        raise ServiceError(error[0], field="code", code=error[1])
