"""The SMS gateway interface. `settings.ZHITONG_SMS_BACKEND` names the class (dotted path);
the default writes each SMS to the `SmsLog` table (read in the admin). `HttpSmsBackend` is
the example of a real gateway: a JSON POST to `settings.ZHITONG_SMS_HTTP["url"]`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .base import PermanentFailure, SendFailure
from .http import post_json

DEFAULT_BACKEND = "zhitong.delivery.backends.sms.LogSmsBackend"
SIGN = "【直通】"  # the signature a gateway prefixes (registered with the carrier)


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str
    purpose: str
    key: str  # the delivery's dedupe key: the gateway's idempotency key where it takes one


class SmsBackend:
    """Send one SMS or raise (PermanentFailure: never retried; anything else: retried)."""

    def send(self, sms: Sms) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class LogSmsBackend(SmsBackend):
    """Writes the SMS to the log table in the deliverer's transaction (so exactly once)."""

    def send(self, sms: Sms) -> None:
        from zhitong.delivery.models import SmsLog

        SmsLog.objects.get_or_create(
            dedupe_key=sms.key,
            defaults={
                "phone": sms.phone,
                "text": sms.text,
                "purpose": sms.purpose,
                "created_at": timezone.now(),
            },
        )


class HttpSmsBackend(SmsBackend):
    """A gateway that takes `{"phone", "text", "sign", "request_id"}` as JSON with a bearer
    token and answers `{"code": "OK"}` (most Chinese SMS platforms look like this; adapt the
    body to yours). Settings: ZHITONG_SMS_HTTP = {"url": …, "token": …, "sign": "【直通】"}."""

    def __init__(self, config: dict | None = None):
        self.config = config if config is not None else getattr(settings, "ZHITONG_SMS_HTTP", {})

    def send(self, sms: Sms) -> None:
        url = self.config.get("url")
        if not url:
            raise SendFailure("ZHITONG_SMS_HTTP['url'] is not set")
        headers = {"Idempotency-Key": sms.key}
        if self.config.get("token"):
            headers["Authorization"] = f"Bearer {self.config['token']}"
        response = post_json(
            url,
            {
                "phone": sms.phone,
                "text": sms.text,
                "sign": self.config.get("sign", SIGN),
                "request_id": sms.key,
            },
            headers=headers,
        )
        answer = response.json()
        code = answer.get("code") if isinstance(answer, dict) else None
        if code not in (None, "OK", 0, "0"):
            if str(code).startswith("INVALID"):
                raise PermanentFailure(f"网关拒绝：{code}")
            raise SendFailure(f"网关返回：{code}")


def sms_backend() -> SmsBackend:
    return import_string(getattr(settings, "ZHITONG_SMS_BACKEND", DEFAULT_BACKEND))()
