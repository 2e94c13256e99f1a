from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from zhitong.notifications.models import Notification
from zhitong.notifications.selectors import notification_unread_count
from zhitong.notifications.services import notifications_quiet_before, notify
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_notify_queues_one_message_per_recipient_and_the_deliverer_writes_them():
    a, b = UserFactory(), UserFactory()
    assert notify(recipients=[a, b.pk, None], kind="t", title="标题", body="内容", url="/x/") == 2
    assert Notification.objects.count() == 0  # queued, not yet delivered

    assert outbox_deliver().delivered == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([a.pk, b.pk])
    n = Notification.objects.get(recipient=a)
    assert (n.kind, n.title, n.body, n.url) == ("t", "标题", "内容", "/x/")
    assert n.source_message.status == "delivered"
    assert notification_unread_count(user=a) == 1


def test_the_message_keeps_the_moment_of_the_change_it_reports():
    a = UserFactory()
    then = timezone.now() - timedelta(hours=3, microseconds=123)
    notify(recipients=lambda: [a], kind="t", title="三小时前", now=then)
    outbox_deliver()
    assert Notification.objects.get(recipient=a).created_at == then


def test_a_dedupe_key_makes_repeats_a_no_op_per_recipient():
    a, b = UserFactory(), UserFactory()
    assert notify(recipients=[a], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 1
    assert notify(recipients=[a, b], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 1
    assert notify(recipients=[a, b], kind="t", title="提醒", dedupe_key="appeal:1:yellow") == 0
    outbox_deliver()
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {"appeal:1:yellow"}


def test_without_a_key_every_call_sends():
    a = UserFactory()
    notify(recipients=[a], kind="t", title="一")
    notify(recipients=[a], kind="t", title="一")
    outbox_deliver()
    assert Notification.objects.filter(recipient=a).count() == 2


def test_a_rolled_back_change_queues_nothing_and_a_committed_one_is_delivered_after_the_commit(
    django_capture_on_commit_callbacks,
):
    a = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipients=[a], kind="t", title="回滚")
                raise RuntimeError
        except RuntimeError:
            pass
    assert OutboxMessage.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(recipients=[a], kind="t", title="提交后送达")
            assert Notification.objects.count() == 0
    assert len(callbacks) == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["提交后送达"]


def test_a_recipient_deleted_before_the_delivery_is_skipped():
    a, b = UserFactory(), UserFactory()
    notify(recipients=[a, b], kind="t", title="标题")
    b.delete()
    assert outbox_deliver().delivered == 2
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [a.pk]


def test_history_before_the_quiet_moment_is_not_notified():
    a = UserFactory()
    now = timezone.now()
    with notifications_quiet_before(now - timedelta(days=30)):
        assert notify(recipients=[a], kind="t", title="两月前", now=now - timedelta(days=60)) == 0
        assert notify(recipients=[a], kind="t", title="昨天", now=now - timedelta(days=1)) == 1
        assert notify(recipients=[a], kind="t", title="无日期") == 1
    outbox_deliver()
    assert set(Notification.objects.values_list("title", flat=True)) == {"昨天", "无日期"}
    # Outside the block nothing is held back.
    assert notify(recipients=[a], kind="t", title="两月前", now=now - timedelta(days=60)) == 1


def test_a_title_too_long_for_its_column_is_shortened_visibly():
    a = UserFactory()
    notify(recipients=[a], kind="t", title="长" * 250, body="全文")
    outbox_deliver()
    title = Notification.objects.get(recipient=a).title
    assert len(title) == 200 and title.endswith("长…")  # says it was cut; the body has the whole text
