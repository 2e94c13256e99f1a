from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from zhitong.notifications.models import Notification
from zhitong.notifications.selectors import notification_unread_count
from zhitong.notifications.services import (
    notifications_quiet_before,
    notify,
    notify_on_commit,
)
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_notify_stores_one_message_per_recipient():
    a, b = UserFactory(), UserFactory()
    assert notify(recipients=[a, b.pk, None], kind="t", title="标题", body="内容", url="/x/") == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([a.pk, b.pk])
    assert notification_unread_count(user=a) == 1


def test_a_dedupe_key_makes_repeats_a_no_op_per_recipient():
    a, b = UserFactory(), UserFactory()
    assert notify(recipients=[a], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 1
    assert notify(recipients=[a, b], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 1
    assert notify(recipients=[a, b], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 0
    assert Notification.objects.count() == 2


def test_without_a_key_every_call_sends():
    a = UserFactory()
    notify(recipients=[a], kind="t", title="一")
    notify(recipients=[a], kind="t", title="一")
    assert Notification.objects.filter(recipient=a).count() == 2


def test_notify_on_commit_waits_for_the_commit_and_skips_a_rollback(django_capture_on_commit_callbacks):
    a = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_on_commit(recipients=lambda: [a.pk], kind="t", title="提交后发送")
        assert Notification.objects.count() == 0
    assert len(callbacks) == 1 and Notification.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify_on_commit(recipients=[a], kind="t", title="回滚")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and Notification.objects.count() == 1


def test_history_before_the_quiet_moment_is_not_notified(django_capture_on_commit_callbacks):
    a = UserFactory()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with notifications_quiet_before(now - timedelta(days=30)):
            notify_on_commit(recipients=[a], kind="t", title="两月前", now=now - timedelta(days=60))
            assert notify(recipients=[a], kind="t", title="两月前", now=now - timedelta(days=60)) == 0
            notify_on_commit(recipients=[a], kind="t", title="昨天", now=now - timedelta(days=1))
            notify_on_commit(recipients=[a], kind="t", title="无日期")
    assert len(callbacks) == 2
    assert set(Notification.objects.values_list("title", flat=True)) == {"昨天", "无日期"}
    # Outside the block nothing is held back.
    assert notify(recipients=[a], kind="t", title="两月前", now=now - timedelta(days=60)) == 1
