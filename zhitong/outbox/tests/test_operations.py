"""Looking after the outbox: `zhitong outbox`, the admin's list and its home panel."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox import delivery
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.home import home_panels
from zhitong.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(monkeypatch):
    """One row per status; "test.ok" rows deliver, "test.broken" rows fail."""
    monkeypatch.setitem(delivery.HANDLERS, "test.ok", lambda message: None)
    now = timezone.now()
    made = {}
    for status, kind in [
        (OutboxStatus.PENDING, "test.ok"),
        (OutboxStatus.FAILED, "test.broken"),
        (OutboxStatus.DELIVERED, "test.ok"),
        (OutboxStatus.DEAD, "test.ok"),
    ]:
        made[status] = OutboxMessage.objects.create(
            kind=kind,
            payload={},
            dedupe_key=f"row-{status}",
            status=status,
            attempts=0 if status == OutboxStatus.PENDING else 3,
            last_error="" if status in (OutboxStatus.PENDING, OutboxStatus.DELIVERED) else "Boom: 502",
            next_attempt_at=now,
            created_at=now,
        )
    return made


def run(*args) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def test_status_counts_the_rows_and_lists_the_dead_ones(rows):
    out = run("status")
    assert "pending: 1  failed: 1  delivered: 1  dead: 1" in out
    assert "oldest waiting:" in out
    assert f"dead #{rows[OutboxStatus.DEAD].pk} test.ok row-dead after 3: Boom: 502" in out


def test_deliver_delivers_what_is_due_now(rows):
    assert "已投递 1，失败待重试 1，放弃 0" in run("deliver")
    assert OutboxMessage.objects.get(pk=rows[OutboxStatus.PENDING].pk).status == OutboxStatus.DELIVERED


def test_retry_dead_queues_the_dead_rows_again(rows):
    assert "queued again: 1" in run("retry-dead", "--kind", "test.ok")
    row = OutboxMessage.objects.get(pk=rows[OutboxStatus.DEAD].pk)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert "queued again: 0" in run("retry-dead", str(rows[OutboxStatus.DEAD].pk))


def test_the_admin_lists_the_rows_read_only_and_queues_dead_ones_again(client, rows):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    url = reverse("admin:outbox_outboxmessage_changelist")
    page = client.get(url, {"status__exact": "dead"})
    assert page.status_code == 200
    assert "row-dead" in page.text and "row-pending" not in page.text
    detail = client.get(reverse("admin:outbox_outboxmessage_change", args=[rows[OutboxStatus.DEAD].pk]))
    assert detail.status_code == 200 and 'name="status"' not in detail.text  # no form fields

    dead, delivered = rows[OutboxStatus.DEAD], rows[OutboxStatus.DELIVERED]
    response = client.post(url, {"action": "retry_dead", "_selected_action": [dead.pk, delivered.pk]})
    assert response.status_code == 302
    assert OutboxMessage.objects.get(pk=dead.pk).status == OutboxStatus.PENDING
    assert OutboxMessage.objects.get(pk=delivered.pk).status == OutboxStatus.DELIVERED


def test_the_admin_home_shows_the_failures_and_each_count_opens_its_rows(client, rows):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    [panel] = home_panels(admin, today=timezone.localdate())
    assert [(c.label, c.value) for c in panel.counts] == [("已放弃", 1), ("失败待重试", 1)]
    for count in panel.counts:
        page = client.get(count.url)
        assert page.status_code == 200
        assert page.text.count('class="action-select"') == count.value
    assert "outbox-problems" in client.get("/").text


def test_nobody_else_sees_the_panel_and_nothing_is_shown_without_failures(rows):
    for user in (UserFactory(role=Role.HUB), UserFactory(role=Role.ADMIN)):  # not staff
        assert home_panels(user, today=timezone.localdate()) == []
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    OutboxMessage.objects.filter(status__in=[OutboxStatus.DEAD, OutboxStatus.FAILED]).update(
        status=OutboxStatus.DELIVERED
    )
    assert home_panels(admin, today=timezone.localdate()) == []
