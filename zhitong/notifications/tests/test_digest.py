"""The daily digest of repeats and the preferences that steer it (issue 9): the first
notice of a kind about an object comes at once, a repeat within the window waits for the
digest, the digest is one message per user per day, "off" sends nothing, and a mandatory
kind cannot be muted."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ServiceError
from zhitong.notifications.kinds import DIGEST, KINDS, Delivery, kind_of
from zhitong.notifications.models import DigestItem, Notification, NotificationPreferences
from zhitong.notifications.services import (
    notification_digests_send,
    notification_preferences_update,
    notification_route,
    notify,
)
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db

MORNING = timezone.make_aware(datetime(2026, 3, 9, 9, 0))  # a Monday
RED = "appeal.clock_red"  # 超期提醒: not mandatory, at once by default


@pytest.fixture
def handler():
    return UserFactory(role=Role.HANDLER)


def overdue(user, appeal_id=7, *, at, title="超期通知：办理期限已过", kind=RED):
    n = notify(recipients=[user], kind=kind, title=title, url=f"/appeals/{appeal_id}/", now=at)
    outbox_deliver()
    return n


def told(user, kind=RED):
    return list(Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True))


def held(user):
    return list(
        DigestItem.objects.filter(recipient=user, digest__isnull=True).values_list("title", flat=True)
    )


def test_the_first_notice_about_an_object_comes_at_once(handler):
    overdue(handler, at=MORNING)
    assert told(handler) == ["超期通知：办理期限已过"]
    assert Notification.objects.get(recipient=handler).subject == "/appeals/7/"
    assert held(handler) == []


def test_a_repeat_within_the_window_waits_for_the_digest(handler):
    overdue(handler, at=MORNING, title="超期：签收期限已过")
    overdue(handler, at=MORNING + timedelta(hours=5), title="超期：办理期限已过")
    assert told(handler) == ["超期：签收期限已过"]
    assert held(handler) == ["超期：办理期限已过"]


def test_another_object_or_another_kind_is_not_a_repeat(handler):
    overdue(handler, 7, at=MORNING)
    overdue(handler, 8, at=MORNING + timedelta(minutes=1))
    overdue(handler, 7, at=MORNING + timedelta(minutes=2), kind="appeal.clock_yellow", title="临期")
    assert len(told(handler)) == 2 and told(handler, "appeal.clock_yellow") == ["临期"]
    assert held(handler) == []


def test_after_the_window_the_next_notice_comes_at_once_again(handler):
    overdue(handler, at=MORNING)
    overdue(handler, at=MORNING + timedelta(days=7, seconds=1), title="一周后又超期")
    assert told(handler) == ["一周后又超期", "超期通知：办理期限已过"]


def test_the_window_is_the_users_own(handler):
    notification_preferences_update(user=handler, modes={}, digest_window_hours=24)
    overdue(handler, at=MORNING)
    overdue(handler, at=MORNING + timedelta(hours=23), title="23小时后")
    overdue(handler, at=MORNING + timedelta(hours=25), title="25小时后")
    assert held(handler) == ["23小时后"]
    assert "25小时后" in told(handler)


def test_a_notice_without_an_object_is_never_a_repeat(handler):
    notify(recipients=[handler], kind=RED, title="一")
    notify(recipients=[handler], kind=RED, title="二")
    outbox_deliver()
    assert sorted(told(handler)) == ["一", "二"]


def test_the_digest_carries_what_was_held_in_one_message(handler):
    overdue(handler, 7, at=MORNING)
    for hours in (1, 2, 3):
        overdue(handler, 7, at=MORNING + timedelta(hours=hours), title=f"第{hours}次")
    overdue(handler, 8, at=MORNING)
    overdue(handler, 8, at=MORNING + timedelta(hours=1), title="另一件")

    assert notification_digests_send(now=MORNING + timedelta(days=1)) == 1
    outbox_deliver()
    digest = Notification.objects.get(recipient=handler, kind=DIGEST)
    assert digest.title == "每日汇总（2026-03-10）：4条重复或汇总提醒，涉及2项"
    assert digest.body.splitlines() == ["超期提醒（3条）：第3次", "超期提醒（1条）：另一件"]
    assert digest.url == f"/notifications/digests/{digest.pk}/"
    assert digest.read_at is None
    assert held(handler) == [] and digest.digest_items.count() == 4


def test_running_the_digest_twice_sends_one_message(handler):
    overdue(handler, at=MORNING)
    overdue(handler, at=MORNING + timedelta(hours=1), title="重复")
    later = MORNING + timedelta(days=1)
    assert notification_digests_send(now=later) == 1
    assert notification_digests_send(now=later + timedelta(hours=2)) == 0
    outbox_deliver()
    assert notification_digests_send(now=later + timedelta(hours=3)) == 0
    outbox_deliver()
    assert Notification.objects.filter(recipient=handler, kind=DIGEST).count() == 1
    assert OutboxMessage.objects.filter(kind="notification_digest").count() == 1


def test_what_is_held_after_todays_digest_waits_for_tomorrows(handler):
    overdue(handler, at=MORNING)
    overdue(handler, at=MORNING + timedelta(hours=1), title="第一天")
    day2 = MORNING + timedelta(days=1)
    notification_digests_send(now=day2)
    outbox_deliver()
    overdue(handler, at=day2 + timedelta(hours=1), title="第二天")
    assert notification_digests_send(now=day2 + timedelta(hours=2)) == 0  # today's is sent
    assert held(handler) == ["第二天"]
    assert notification_digests_send(now=day2 + timedelta(days=1)) == 1
    outbox_deliver()
    assert [d.digest_items.get().title for d in Notification.objects.filter(kind=DIGEST).order_by("id")] == [
        "第一天",
        "第二天",
    ]


def test_nobody_with_nothing_held_gets_a_digest(handler):
    overdue(handler, at=MORNING)
    assert notification_digests_send(now=MORNING + timedelta(days=1)) == 0


def test_a_kind_chosen_as_digest_is_held_from_the_first_notice(handler):
    notification_preferences_update(user=handler, modes={RED: Delivery.DIGEST}, digest_window_hours=168)
    overdue(handler, at=MORNING)
    assert told(handler) == [] and held(handler) == ["超期通知：办理期限已过"]


def test_a_kind_turned_off_sends_nothing(handler):
    notification_preferences_update(user=handler, modes={RED: Delivery.OFF}, digest_window_hours=168)
    other = UserFactory(role=Role.HANDLER)
    assert notify(recipients=[handler, other], kind=RED, title="超期", url="/appeals/7/", now=MORNING) == 2
    assert outbox_deliver().delivered == 2  # delivered: the outbox row is done, nothing written
    assert told(handler) == [] and held(handler) == []
    assert told(other) == ["超期"]  # one user's choice is theirs alone


def test_a_mandatory_kind_cannot_be_turned_off_or_held(handler):
    assert kind_of("appeal.assigned").is_mandatory(Role.HANDLER)
    for mode in (Delivery.OFF, Delivery.DIGEST):
        with pytest.raises(ServiceError) as exc:
            notification_preferences_update(
                user=handler, modes={"appeal.assigned": mode}, digest_window_hours=168
            )
        assert exc.value.code == "mandatory" and "必收" in exc.value.message
    assert not NotificationPreferences.objects.filter(user=handler).exists()


def test_a_mandatory_kind_comes_at_once_every_time_whatever_is_stored(handler):
    # Even a row written behind the service's back (or before the kind became mandatory).
    NotificationPreferences.objects.create(
        user=handler, modes={"appeal.assigned": Delivery.OFF}, updated_at=MORNING
    )
    for minutes in (0, 5):
        notify(
            recipients=[handler],
            kind="appeal.assigned",
            title=f"新分办{minutes}",
            url="/appeals/7/",
            now=MORNING + timedelta(minutes=minutes),
        )
    outbox_deliver()
    assert sorted(told(handler, "appeal.assigned")) == ["新分办0", "新分办5"]


def test_a_kind_mandatory_for_the_enterprise_is_optional_for_the_clerk():
    enterprise, clerk = UserFactory(role=Role.ENTERPRISE), UserFactory(role=Role.CLERK)
    signed = kind_of("appeal.signed")
    assert signed.is_mandatory(Role.ENTERPRISE) and not signed.is_mandatory(Role.CLERK)
    notification_preferences_update(
        user=clerk, modes={"appeal.signed": Delivery.OFF}, digest_window_hours=168
    )
    with pytest.raises(ServiceError):
        notification_preferences_update(
            user=enterprise, modes={"appeal.signed": Delivery.OFF}, digest_window_hours=168
        )
    assert notification_route(user=clerk, kind="appeal.signed", subject="/appeals/1/", at=MORNING) == "off"
    assert notification_route(user=enterprise, kind="appeal.signed", subject="/appeals/1/", at=MORNING) == (
        "immediate"
    )


def test_the_default_for_a_clerk_is_sensible():
    """签收通知 is news to the clerk who registered the appeal: the digest by default."""
    clerk = UserFactory(role=Role.CLERK)
    assert notification_route(user=clerk, kind="appeal.signed", subject="/appeals/1/", at=MORNING) == "digest"
    assert notification_route(user=clerk, kind=RED, subject="/appeals/1/", at=MORNING) == "immediate"


def test_preferences_refuse_unknown_kinds_modes_and_windows(handler):
    for modes, window in (({"nope": "off"}, 168), ({RED: "loud"}, 168), ({}, 5), ({DIGEST: "off"}, 168)):
        with pytest.raises(ServiceError):
            notification_preferences_update(user=handler, modes=modes, digest_window_hours=window)


def test_preferences_store_only_departures_from_the_default_and_are_audited(handler):
    prefs = notification_preferences_update(
        user=handler,
        modes={RED: Delivery.DIGEST, "appeal.clock_yellow": Delivery.IMMEDIATE},
        digest_window_hours=72,
        now=MORNING,
    )
    assert (prefs.modes, prefs.digest_window_hours) == ({RED: "digest"}, 72)
    event = AuditEvent.objects.get(action="notification.preferences")
    assert event.actor_id == handler.pk and event.after["modes"] == {RED: "digest"}
    notification_preferences_update(user=handler, modes={RED: Delivery.DIGEST}, digest_window_hours=72)
    assert AuditEvent.objects.filter(action="notification.preferences").count() == 1  # no change, no event


def test_every_kind_the_apps_send_is_declared():
    for code in (
        "appeal.assigned",
        "appeal.clock_red",
        "appeal.clock_due_today",
        "coordination_task",
        "event_notice",
    ):
        assert code in KINDS
    assert all(k.default == Delivery.IMMEDIATE for k in KINDS.values() if k.mandatory)


def test_the_digest_runs_each_morning_through_a_task_and_a_command(handler, settings):
    from celery.schedules import crontab

    from zhitong.notifications.tasks import send_daily_digests

    beat = settings.CELERY_BEAT_SCHEDULE["notification-digest"]
    assert (beat["task"], beat["schedule"]) == (send_daily_digests.name, crontab(hour=8, minute=0))
    now = timezone.now()
    overdue(handler, at=now - timedelta(hours=2))
    overdue(handler, at=now - timedelta(hours=1), title="重复")
    assert send_daily_digests.delay().get(disable_sync_subtasks=False) == "每日汇总 1"
    call_command("notification_digest")  # the same day: nothing more
    outbox_deliver()
    assert Notification.objects.filter(recipient=handler, kind=DIGEST).count() == 1
