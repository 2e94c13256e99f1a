"""The channels beside the inbox: e-mail through Django's e-mail framework (locmem), SMS
through the gateway interface (a backend that fails, then recovers, sends once), quiet
hours that hold and release, and the record of every delivery."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from zhitong.delivery.backends.sms import HttpSmsBackend, Sms, SmsBackend
from zhitong.delivery.choices import Channel, DeliveryStatus
from zhitong.delivery.models import ChannelPreferences, Delivery, SmsLog
from zhitong.delivery.services import deliveries_release_held
from zhitong.notifications.models import Notification
from zhitong.notifications.services import notify
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import Message, outbox_deliver, outbox_enqueue

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 9, 12, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _locmem_and_noon(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZHITONG_SITE_URL = "https://zt.example.gov.cn"
    with time_machine.travel(NOON, tick=False):
        yield


def choose(user, quiet=None, **channels):
    start, end = quiet or (None, None)
    ChannelPreferences.objects.create(
        user=user,
        channels={k.replace("__", "."): v for k, v in channels.items()},
        quiet_start=start,
        quiet_end=end,
        updated_at=NOON,
    )


def tell(user, kind="appeal.clock_red", title="诉求ZT-2026-000001已超期", url="/appeals/1/"):
    with transaction.atomic():
        notify(recipients=[user], kind=kind, title=title, body="请尽快办理。", url=url)


class FlakySms(SmsBackend):
    """Fails while `down`, then sends (counts the successful sends)."""

    down = 0
    sent: list[Sms] = []

    def send(self, sms):
        if FlakySms.down:
            FlakySms.down -= 1
            raise ConnectionError("短信网关无响应")
        FlakySms.sent.append(sms)


@pytest.fixture
def flaky(settings):
    settings.ZHITONG_SMS_BACKEND = f"{__name__}.FlakySms"
    FlakySms.down, FlakySms.sent = 0, []
    return FlakySms


def test_an_email_goes_through_djangos_email_with_the_kinds_chinese_template(people):
    handler = people["handler"]
    choose(handler, appeal__clock_red=["email"])
    tell(handler)
    outbox_deliver()
    assert Notification.objects.filter(recipient=handler).count() == 1  # the inbox as before
    [email] = mail.outbox
    assert email.to == ["handler@example.gov.cn"]
    assert email.subject == "【直通】诉求超期提醒：诉求ZT-2026-000001已超期"
    assert "王办理：" in email.body and "https://zt.example.gov.cn/appeals/1/" in email.body
    d = Delivery.objects.get()
    assert (d.channel, d.status, d.attempts, d.recipient) == (Channel.EMAIL, DeliveryStatus.SENT, 1, handler)
    assert d.sent_at is not None


def test_a_kind_without_its_own_template_takes_the_generic_one_and_text_is_not_escaped(people):
    handler = people["handler"]
    choose(handler, coordination__task_due=["email"])
    tell(handler, kind="coordination.task_due", title="任务<办理>&反馈")
    outbox_deliver()
    [email] = mail.outbox
    assert email.subject.startswith("【直通】") and "任务<办理>&反馈" in email.subject
    assert "直通平台有一条" in email.body


def test_nothing_beyond_the_inbox_without_a_choice_and_only_the_chosen_kinds(people):
    handler = people["handler"]
    choose(handler, appeal__clock_yellow=["email", "sms"])
    tell(handler)  # clock_red: not chosen
    outbox_deliver()
    assert mail.outbox == [] and not Delivery.objects.exists()
    tell(people["head"])  # no preferences at all
    outbox_deliver()
    assert not Delivery.objects.exists()


def test_an_sms_backend_that_fails_then_recovers_delivers_exactly_once(people, flaky):
    handler = people["handler"]
    choose(handler, appeal__clock_red=["sms"])
    flaky.down = 2
    tell(handler)
    outbox_deliver(now=NOON)
    d = Delivery.objects.get()
    assert (d.status, d.attempts, flaky.sent) == (DeliveryStatus.FAILED, 1, [])
    assert "短信网关无响应" in d.last_error
    outbox_deliver(now=NOON)  # the backoff: not due yet
    assert Delivery.objects.get().attempts == 1
    outbox_deliver(now=NOON + timedelta(minutes=1))  # second failure
    assert Delivery.objects.get().attempts == 2
    outbox_deliver(now=NOON + timedelta(minutes=3))  # the gateway is back
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == (DeliveryStatus.SENT, 3, "")
    for later in (5, 60, 600):
        outbox_deliver(now=NOON + timedelta(minutes=later))
    assert len(flaky.sent) == 1
    assert flaky.sent[0].phone == "13800000001" and flaky.sent[0].text.startswith("【直通】超期提醒：")
    assert flaky.sent[0].key == d.dedupe_key


def test_an_sms_queued_by_another_app_is_logged_once_by_the_default_backend(people):
    """SHARED_CONTRACTS.md: kind "sms" with {"phone", "text", "purpose"}."""
    message = Message(
        kind="sms",
        payload={"phone": "13900000002", "text": "验证码 123456", "purpose": "otp"},
        dedupe_key="otp:1",
    )
    with transaction.atomic():
        outbox_enqueue(messages=[message])
        outbox_enqueue(messages=[message])  # queued twice: stored once
    outbox_deliver()
    outbox_deliver(now=NOON + timedelta(hours=1))
    [log] = SmsLog.objects.all()
    assert (log.phone, log.text, log.purpose) == ("13900000002", "验证码 123456", "otp")
    d = Delivery.objects.get()
    assert (d.channel, d.kind, d.status, d.purpose) == (Channel.SMS, "sms", DeliveryStatus.SENT, "otp")


def test_an_sms_without_a_valid_number_is_given_up_at_once_and_recorded(db):
    with transaction.atomic():
        outbox_enqueue(
            messages=[Message(kind="sms", payload={"phone": "12ab", "text": "x", "purpose": "notice"})]
        )
    outbox_deliver()
    assert OutboxMessage.objects.get().status == "dead"
    d = Delivery.objects.get()
    assert (d.status, d.attempts) == (DeliveryStatus.DEAD, 1) and "手机号码" in d.last_error


def test_the_http_gateway_example_retries_a_5xx_and_sends_once_with_an_idempotency_key(
    people, stub, settings
):
    settings.ZHITONG_SMS_BACKEND = "zhitong.delivery.backends.sms.HttpSmsBackend"
    settings.ZHITONG_SMS_HTTP = {"url": stub.url, "token": "t0ken", "sign": "【直通】"}
    stub.statuses = [503, 200]
    with transaction.atomic():
        outbox_enqueue(
            messages=[
                Message(
                    kind="sms",
                    payload={"phone": "13900000002", "text": "通知", "purpose": "notice"},
                    dedupe_key="n:1",
                )
            ]
        )
    outbox_deliver(now=NOON)
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    outbox_deliver(now=NOON + timedelta(minutes=2))
    outbox_deliver(now=NOON + timedelta(minutes=20))
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(stub.received) == 2
    last = stub.received[-1]
    assert last.json()["phone"] == "13900000002" and last.headers["Authorization"] == "Bearer t0ken"
    assert last.headers["Idempotency-Key"] == "sms:n:1"


def test_the_http_gateway_refusing_a_message_is_final(stub):
    stub.statuses = [400]
    backend = HttpSmsBackend({"url": stub.url})
    from zhitong.delivery.backends.base import PermanentFailure

    with pytest.raises(PermanentFailure):
        backend.send(Sms(phone="13900000002", text="x", purpose="notice", key="k"))


def test_quiet_hours_hold_a_message_and_release_it_when_they_end(people, flaky):
    handler = people["handler"]
    choose(handler, quiet=(time(22, 0), time(7, 0)), appeal__clock_red=["sms", "email"])
    night = datetime(2026, 3, 9, 23, 30, tzinfo=TZ)
    with time_machine.travel(night, tick=False):
        tell(handler)
        outbox_deliver(now=night)
    assert Notification.objects.filter(recipient=handler).count() == 1  # the inbox is never held
    held = Delivery.objects.all()
    assert {d.status for d in held} == {DeliveryStatus.HELD} and len(held) == 2
    assert {d.hold_until for d in held} == {datetime(2026, 3, 10, 7, 0, tzinfo=TZ)}
    assert not OutboxMessage.objects.filter(kind="channel").exists()
    assert deliveries_release_held(now=datetime(2026, 3, 10, 6, 59, tzinfo=TZ)) == 0
    morning = datetime(2026, 3, 10, 7, 0, tzinfo=TZ)
    assert deliveries_release_held(now=morning) == 2
    assert deliveries_release_held(now=morning) == 0  # released once
    outbox_deliver(now=morning)
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.SENT}
    assert len(flaky.sent) == 1 and len(mail.outbox) == 1


def test_a_mandatory_message_is_not_held_by_quiet_hours(people, flaky):
    handler = people["handler"]
    choose(handler, quiet=(time(22, 0), time(7, 0)), appeal__assigned=["sms"])
    night = datetime(2026, 3, 9, 23, 30, tzinfo=TZ)
    with time_machine.travel(night, tick=False):
        tell(handler, kind="appeal.assigned", title="新分办诉求")
        outbox_deliver(now=night)
    assert Delivery.objects.get().status == DeliveryStatus.SENT and len(flaky.sent) == 1


def test_outside_quiet_hours_nothing_is_held(people, flaky):
    handler = people["handler"]
    choose(handler, quiet=(time(22, 0), time(7, 0)), appeal__clock_red=["sms"])
    tell(handler)  # at noon
    outbox_deliver()
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_daily_digest_goes_through_the_users_channels(people):
    from zhitong.notifications.models import NotificationPreferences
    from zhitong.notifications.services import notification_digests_send

    handler = people["handler"]
    NotificationPreferences.objects.create(
        user=handler, modes={"appeal.clock_red": "digest"}, updated_at=NOON
    )
    choose(handler, digest=["email"])
    tell(handler)
    outbox_deliver()
    assert mail.outbox == []  # held for the digest
    notification_digests_send()
    outbox_deliver()
    [email] = mail.outbox
    assert email.subject.startswith("【直通】每日消息汇总：") and "超期提醒（1条）" in email.body
    assert Delivery.objects.get().kind == "digest"
