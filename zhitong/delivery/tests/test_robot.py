"""Group robots (企业微信 / 钉钉): markdown posted to the unit's robot, and a robot that
fails never blocks the move that caused the message."""

import pytest
from django.db import transaction

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.appeals.tests.conftest import (  # noqa: F401 (fixtures)
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    flow,
)
from zhitong.delivery.choices import Channel, DeliveryStatus, RobotStyle
from zhitong.delivery.models import ChannelPreferences, Delivery, RobotHook
from zhitong.notifications.models import Notification
from zhitong.notifications.services import notify
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


def robot_for(user, url, style=RobotStyle.WECOM, **kw):
    ChannelPreferences.objects.update_or_create(
        user=user,
        defaults={"channels": {"appeal.assigned": ["robot"]}, "updated_at": "2025-09-01T09:00+08:00"},
    )
    return RobotHook.objects.create(name="工信局工作群", style=style, url=url, unit=user.unit, **kw)


def test_a_failing_robot_does_not_block_the_move_that_caused_the_message(
    city,  # noqa: F811 (a fixture)
    flow,  # noqa: F811
    stub,
    django_capture_on_commit_callbacks,
):
    stub.statuses = [500]
    robot_for(city.handler, stub.url)
    appeal = flow.to(Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(appeal, "assign", city.hub, cooperating_unit_ids=[])
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED  # the move stands
    assert Notification.objects.filter(
        recipient=city.handler, kind="appeal.assigned"
    ).exists()  # the inbox too
    d = Delivery.objects.get(channel=Channel.ROBOT)
    assert (d.status, d.attempts) == (DeliveryStatus.FAILED, 1) and "500" in d.last_error
    assert len(stub.received) == 1


def test_a_wecom_robot_gets_markdown_and_a_dingtalk_robot_is_signed_and_mentions(people, stub):
    handler = people["handler"]
    robot_for(handler, stub.url)
    RobotHook.objects.create(
        name="专班群", style=RobotStyle.DINGTALK, url=stub.url, secret="SEC1", unit=None
    ).members.add(handler)
    with transaction.atomic():
        notify(recipients=[handler], kind="appeal.assigned", title="新分办诉求：厂房验收", url="/appeals/9/")
    outbox_deliver()
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.SENT}
    wecom, dingtalk = sorted(stub.received, key=lambda r: "sign=" in r.path)
    assert wecom.json()["msgtype"] == "markdown"
    assert (
        "新分办诉求：厂房验收" in wecom.json()["markdown"]["content"]
        and "王办理" in wecom.json()["markdown"]["content"]
    )
    assert "timestamp=" in dingtalk.path and "sign=" in dingtalk.path
    assert dingtalk.json()["at"] == {"atMobiles": ["13800000001"]}


def test_a_robot_that_carries_other_kinds_or_is_off_gets_nothing(people, stub):
    handler = people["handler"]
    robot_for(handler, stub.url, kinds=["appeal.clock_red"])
    RobotHook.objects.create(name="停用", url=stub.url, unit=handler.unit, active=False)
    with transaction.atomic():
        notify(recipients=[handler], kind="appeal.assigned", title="新分办诉求")
    outbox_deliver()
    assert not Delivery.objects.exists() and stub.received == []
