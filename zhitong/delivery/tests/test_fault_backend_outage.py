"""Fault: a delivery backend failing for an hour (docs/reliability.md). The SMS gateway is
down from noon to 13:00; the minute sweep runs every minute (frozen time). The e-mail of
the same notice goes out at once (one outbox row per channel: a failing channel blocks no
other); the SMS is retried with backoff (1, 2, 4 … minutes), never given up within the
hour, and sent once when the gateway is back; an SMS queued during the outage is sent
then too. No operator step."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from zhitong.delivery.backends.sms import SmsBackend
from zhitong.delivery.choices import Channel, DeliveryStatus
from zhitong.delivery.models import ChannelPreferences, Delivery
from zhitong.notifications.services import notify
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 9, 12, 0, tzinfo=TZ)
BACK_AT = NOON + timedelta(hours=1)


class GatewayDownForAnHour(SmsBackend):
    """Refuses every SMS before BACK_AT (the gateway unreachable), then sends."""

    attempts: list[datetime] = []
    sent: list = []

    def send(self, sms):
        now = timezone.now()
        GatewayDownForAnHour.attempts.append(now)
        if now < BACK_AT:
            raise ConnectionError("短信网关无响应")
        GatewayDownForAnHour.sent.append(sms)


@pytest.fixture
def gateway(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZHITONG_SMS_BACKEND = f"{__name__}.GatewayDownForAnHour"
    GatewayDownForAnHour.attempts, GatewayDownForAnHour.sent = [], []
    return GatewayDownForAnHour


def choose(user, **channels):
    ChannelPreferences.objects.create(
        user=user, channels={k.replace("__", "."): v for k, v in channels.items()}, updated_at=NOON
    )


def tell(user, title):
    with transaction.atomic():
        notify(
            recipients=[user], kind="appeal.clock_red", title=title, body="请尽快办理。", url="/appeals/1/"
        )


def sweep_at(minute: int):
    with time_machine.travel(NOON + timedelta(minutes=minute), tick=False):
        return outbox_deliver()


def test_an_hour_of_sms_gateway_outage_loses_nothing_and_blocks_no_other_channel(people, gateway):
    handler, head = people["handler"], people["head"]
    choose(handler, appeal__clock_red=["email", "sms"])
    choose(head, appeal__clock_red=["sms"])
    head.phone = "13800000002"
    head.save(update_fields=["phone"])
    with time_machine.travel(NOON, tick=False):
        tell(handler, "诉求ZT-2026-000001已超期")
    sweep_at(0)
    # The e-mail went at once, whatever the SMS gateway does.
    assert [m.to for m in mail.outbox] == [["handler@example.gov.cn"]]
    sms = Delivery.objects.get(recipient=handler, channel=Channel.SMS)
    assert sms.status == DeliveryStatus.FAILED and "短信网关无响应" in sms.last_error

    for minute in range(1, 70):
        if minute == 30:  # another notice while the gateway is still down
            with time_machine.travel(NOON + timedelta(minutes=30), tick=False):
                tell(head, "诉求ZT-2026-000002已超期")
        sweep_at(minute)
        if minute < 60:
            assert not gateway.sent
            assert not OutboxMessage.objects.filter(status=OutboxStatus.DEAD).exists(), minute

    # Backoff: the first SMS was tried at 0, 1, 3, 7, 15, 31 minutes, then at 63 — sent.
    # The second SMS (queued at 30) at 30, 31, 33, 37, 45, then at 61 — sent.
    minutes = [int((t - NOON).total_seconds() // 60) for t in gateway.attempts]
    assert minutes == [0, 1, 3, 7, 15, 30, 31, 31, 33, 37, 45, 61, 63], minutes
    assert sorted(s.phone for s in gateway.sent) == ["13800000001", "13800000002"]
    assert Delivery.objects.filter(channel=Channel.SMS, status=DeliveryStatus.SENT).count() == 2
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.DELIVERED).exists()
    assert len(mail.outbox) == 1  # the e-mail was not sent again by the SMS's retries
    for minute in (90, 180, 600):
        sweep_at(minute)
    assert len(gateway.sent) == 2  # sent once each
