"""The message hub's pages: groups with counts that equal their lists, marking a row, a
kind or everything read, the digest page and the preferences page — each only the
signed-in user's own (owner, teammate and outsider)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.notifications.kinds import DIGEST, Delivery
from zhitong.notifications.models import DigestItem, Notification, NotificationPreferences
from zhitong.notifications.selectors import notification_unread_count
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 9, 9, 0))
HUB = reverse("notifications:list")


@pytest.fixture
def people():
    unit_a, unit_b = UnitFactory(), UnitFactory()
    owner = UserFactory(role=Role.HANDLER, unit=unit_a)
    return {
        "owner": owner,
        "teammate": UserFactory(role=Role.UNIT_HEAD, unit=unit_a),
        "outsider": UserFactory(role=Role.HANDLER, unit=unit_b),
    }


def message(user, kind, appeal_id, minutes=0, read=False, title=None):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        subject=f"/appeals/{appeal_id}/",
        url=f"/appeals/{appeal_id}/",
        title=title or f"{kind} {appeal_id} {minutes}",
        created_at=NOW - timedelta(minutes=minutes),
        read_at=NOW if read else None,
    )


@pytest.fixture
def inbox(people):
    """The owner: three overdue notices about appeal 1 (one read), one about appeal 2, two
    new assignments; the teammate one message of their own."""
    owner = people["owner"]
    for m in (0, 10, 20):
        message(owner, "appeal.clock_red", 1, m, read=m == 20)
    message(owner, "appeal.clock_red", 2, 5)
    message(owner, "appeal.assigned", 3, 30)
    message(owner, "appeal.assigned", 4, 40)
    message(people["teammate"], "appeal.clock_red", 1, 0, title="队友的消息")
    return owner


def test_the_hub_groups_by_kind_and_object_and_its_counts_equal_its_lists(client, inbox):
    client.force_login(inbox)
    page = client.get(HUB)  # unread, the default
    assert page.context["unread_count"] == notification_unread_count(user=inbox) == 5
    groups = page.context["groups"]
    assert [(g.kind, g.subject, g.count, g.unread) for g in groups] == [
        ("appeal.clock_red", "/appeals/1/", 2, 2),
        ("appeal.clock_red", "/appeals/2/", 1, 1),
        ("appeal.assigned", "/appeals/3/", 1, 1),
        ("appeal.assigned", "/appeals/4/", 1, 1),
    ]
    assert sum(g.count for g in groups) == page.context["total"] == 5
    kinds = {k["kind"]: k["count"] for k in page.context["kinds"]}
    assert kinds == {"appeal.clock_red": 3, "appeal.assigned": 2}
    html = page.content.decode()
    assert '超期提醒 <span class="zt-count">(3)</span>' in html
    assert "队友的消息" not in html

    # Each kind's count is the length of the list its link shows.
    for code, count in kinds.items():
        filtered = client.get(HUB, {"state": "unread", "kind": code})
        assert sum(g.count for g in filtered.context["groups"]) == filtered.context["shown"] == count
    # A row's count is the length of its own list, message by message.
    row = client.get(HUB, {"state": "unread", "kind": "appeal.clock_red", "subject": "/appeals/1/"})
    assert row.templates[0].name == "notifications/group.html"
    assert row.context["page_obj"].paginator.count == 2
    everything = client.get(HUB, {"state": "all", "kind": "appeal.clock_red", "subject": "/appeals/1/"})
    assert everything.context["page_obj"].paginator.count == 3


def test_the_badge_counts_the_unread_list_it_links_to(client, inbox):
    client.force_login(inbox)
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert ">5</span>" in badge
    assert client.get(HUB).context["total"] == 5


def test_marking_one_row_read_leaves_the_others(client, inbox):
    client.force_login(inbox)
    client.post(
        reverse("notifications:read"),
        {"kind": "appeal.clock_red", "subject": "/appeals/1/", "group": "1", "next": f"{HUB}?state=unread"},
    )
    assert notification_unread_count(user=inbox) == 3
    assert not Notification.objects.filter(
        recipient=inbox, subject="/appeals/1/", read_at__isnull=True
    ).exists()


def test_marking_a_kind_read_and_then_everything(client, inbox, people):
    client.force_login(inbox)
    response = client.post(
        reverse("notifications:read"), {"kind": "appeal.assigned", "next": "https://evil.example/"}
    )
    assert response.url == HUB  # only a hub page is a place to go back to
    assert notification_unread_count(user=inbox) == 3
    client.post(reverse("notifications:read_all"))
    assert notification_unread_count(user=inbox) == 0
    assert notification_unread_count(user=people["teammate"]) == 1  # theirs untouched


def test_opening_a_row_marks_the_row_read_and_follows_its_link(client, inbox):
    client.force_login(inbox)
    latest = (
        Notification.objects.filter(recipient=inbox, subject="/appeals/1/").order_by("-created_at").first()
    )
    response = client.post(reverse("notifications:open", args=[latest.pk]), {"group": "1"})
    assert response.url == "/appeals/1/"
    assert notification_unread_count(user=inbox) == 3
    single = Notification.objects.get(recipient=inbox, subject="/appeals/2/")
    client.post(reverse("notifications:open", args=[single.pk]))
    assert notification_unread_count(user=inbox) == 2


def test_nobody_opens_or_marks_another_users_messages(client, inbox, people):
    theirs = Notification.objects.get(recipient=people["teammate"])
    client.force_login(people["outsider"])
    assert client.post(reverse("notifications:open", args=[theirs.pk]), {"group": "1"}).url == HUB
    client.post(reverse("notifications:read"), {"kind": "appeal.clock_red"})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert notification_unread_count(user=inbox) == 5
    assert client.get(HUB, {"state": "all"}).context["groups"] == []


def test_garbage_filters_list_as_if_unset(client, inbox):
    client.force_login(inbox)
    response = client.get(HUB, {"state": "nonsense", "kind": "x" * 500, "page": "-1"})
    assert response.status_code == 200 and response.context["state"] == "unread"
    assert client.post(reverse("notifications:read"), {"kind": "x" * 500}).status_code == 302
    assert notification_unread_count(user=inbox) == 5


def test_the_hub_asks_anonymous_visitors_to_sign_in(client):
    for url in (HUB, reverse("notifications:preferences"), reverse("notifications:digest", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.fixture
def digest(people):
    owner = people["owner"]
    d = Notification.objects.create(
        recipient=owner,
        kind=DIGEST,
        subject="digest:2026-03-09",
        title="每日汇总（2026-03-09）",
        created_at=NOW,
    )
    for i in range(3):
        DigestItem.objects.create(
            recipient=owner,
            kind="appeal.clock_red",
            subject="/appeals/1/",
            title=f"重复的超期通知{i}",
            url="/appeals/1/",
            created_at=NOW - timedelta(hours=i),
            digest=d,
        )
    return d


def test_the_owner_reads_their_digest(client, digest, people):
    client.force_login(people["owner"])
    response = client.get(reverse("notifications:digest", args=[digest.pk]))
    assert response.status_code == 200
    (group,) = response.context["groups"]
    assert (group["label"], group["count"]) == ("超期提醒", 3)
    assert 'href="/appeals/1/"' in response.content.decode()


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_nobody_else_reads_a_digest(client, digest, people, who):
    client.force_login(people[who])
    assert client.get(reverse("notifications:digest", args=[digest.pk])).status_code == 404
    assert client.get(reverse("notifications:digest", args=[digest.pk + 1000])).status_code == 404


# ---------------------------------------------------------------------------------------
# Preferences
# ---------------------------------------------------------------------------------------

PREFS = reverse("notifications:preferences")


def test_the_preferences_page_lists_the_kinds_of_my_role_with_mandatory_ones_fixed(client, people):
    client.force_login(people["owner"])
    html = client.get(PREFS).content.decode()
    assert "超期提醒" in html and "新分办诉求" in html and "必收" in html
    assert 'name="mode-appeal.clock_red"' in html
    assert 'name="mode-appeal.assigned"' not in html  # nothing to choose
    assert "满意度评价邀请" not in html  # the enterprise's


def test_a_user_saves_their_own_preferences(client, people):
    client.force_login(people["owner"])
    response = client.post(
        PREFS,
        {"digest_window_hours": "24", "mode-appeal.clock_red": "digest", "mode-appeal.clock_yellow": "off"},
    )
    assert response.status_code == 302 and response.url == PREFS
    prefs = NotificationPreferences.objects.get(user=people["owner"])
    assert prefs.digest_window_hours == 24
    assert prefs.modes["appeal.clock_red"] == Delivery.DIGEST and prefs.modes["appeal.clock_yellow"] == "off"
    assert not NotificationPreferences.objects.exclude(user=people["owner"]).exists()
    page = client.get(PREFS)
    assert page.context["form"]["mode-appeal.clock_red"].value() == "digest"
    assert "消息设置已保存" in page.content.decode()


def test_a_user_cannot_edit_someone_elses_preferences(client, people):
    """There is no user in the page's address or form: whatever is posted, the row written
    is the signed-in user's."""
    client.force_login(people["outsider"])
    client.post(
        PREFS,
        {
            "user": people["owner"].pk,
            "user_id": people["owner"].pk,
            "digest_window_hours": "72",
            "mode-appeal.clock_red": "off",
        },
    )
    assert not NotificationPreferences.objects.filter(user=people["owner"]).exists()
    assert NotificationPreferences.objects.get(user=people["outsider"]).modes == {"appeal.clock_red": "off"}


def test_a_mandatory_kind_posted_as_off_stays_on(client, people):
    client.force_login(people["owner"])
    client.post(
        PREFS, {"digest_window_hours": "168", "mode-appeal.assigned": "off", "mode-appeal.clock_red": "off"}
    )
    prefs = NotificationPreferences.objects.get(user=people["owner"])
    assert prefs.modes == {"appeal.clock_red": "off"}  # the mandatory kind is not even read


def test_a_bad_choice_is_refused_on_the_page(client, people):
    client.force_login(people["owner"])
    response = client.post(PREFS, {"digest_window_hours": "5", "mode-appeal.clock_red": "loud"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "所选的选项不可用" in response.content.decode()
    assert not NotificationPreferences.objects.exists()
