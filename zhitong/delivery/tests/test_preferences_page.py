"""The preferences page's channels and quiet hours: each user sets only their own."""

from datetime import time

import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.delivery.models import ChannelPreferences

pytestmark = pytest.mark.django_db
PREFS = reverse("notifications:preferences")


def test_the_page_offers_channels_per_kind_the_digest_and_quiet_hours(client, people):
    client.force_login(people["handler"])
    html = client.get(PREFS).content.decode()
    assert 'name="channels-appeal.clock_red"' in html and 'name="channels-appeal.assigned"' in html
    assert 'name="channels-digest"' in html and 'name="quiet_start"' in html
    assert "电子邮件" in html and "短信" in html and "工作群机器人" in html


def test_a_user_saves_their_channels_and_quiet_hours(client, people):
    handler = people["handler"]
    client.force_login(handler)
    r = client.post(
        PREFS,
        {
            "digest_window_hours": "168",
            "channels-appeal.clock_red": ["sms", "email"],
            "channels-digest": ["email"],
            "quiet_start": "22:00",
            "quiet_end": "07:30",
        },
    )
    assert r.status_code == 302
    prefs = ChannelPreferences.objects.get(user=handler)
    assert prefs.channels == {"appeal.clock_red": ["email", "sms"], "digest": ["email"]}
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22, 0), time(7, 30))
    assert AuditEvent.objects.filter(action="delivery.preferences").count() == 1
    page = client.get(PREFS)
    assert page.context["form"]["channels-appeal.clock_red"].value() == ["email", "sms"]
    assert page.context["form"]["quiet_start"].value() == time(22, 0)
    client.post(PREFS, {"digest_window_hours": "168"})  # everything unticked
    prefs.refresh_from_db()
    assert prefs.channels == {} and prefs.quiet_start is None


def test_quiet_hours_need_both_ends_and_a_bad_channel_is_refused(client, people):
    client.force_login(people["handler"])
    r = client.post(PREFS, {"digest_window_hours": "168", "quiet_start": "22:00"})
    assert r.status_code == 200 and "免打扰时段需同时填写开始和结束时间" in r.content.decode()
    r = client.post(PREFS, {"digest_window_hours": "168", "channels-appeal.clock_red": ["fax"]})
    assert r.status_code == 200 and r.context["form"].errors
    r = client.post(PREFS, {"digest_window_hours": "168", "quiet_start": "25:00", "quiet_end": "07:00"})
    assert r.status_code == 200 and r.context["form"].errors
    assert not ChannelPreferences.objects.exists()


def test_a_user_cannot_set_someone_elses_channels(client, people):
    client.force_login(people["outsider"])
    client.post(
        PREFS,
        {"user": people["handler"].pk, "digest_window_hours": "168", "channels-appeal.clock_red": ["sms"]},
    )
    assert not ChannelPreferences.objects.filter(user=people["handler"]).exists()
    assert ChannelPreferences.objects.get(user=people["outsider"]).channels == {"appeal.clock_red": ["sms"]}


def test_anonymous_visitors_are_asked_to_sign_in(client):
    r = client.get(PREFS)
    assert r.status_code == 302 and "/accounts/login/" in r.url
