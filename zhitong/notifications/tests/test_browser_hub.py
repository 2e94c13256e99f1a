"""The message hub and the preferences page in a real browser at 1366 px and 390 px: a hub
user with dozens of overdue notices sees one row per appeal under "超期提醒 (N)", expands a
row, marks it read, and sets a kind to the digest. Screenshots: var/screenshots/notices_*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhitong.notifications.kinds import DIGEST
from zhitong.notifications.models import DigestItem, Notification, NotificationPreferences
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_hub(db):
    user = UserFactory(
        username="nt_hub", full_name="林晓", role=Role.HUB, unit=UnitFactory(name="市发展和改革委员会")
    )
    now = timezone.now()
    rows = []
    for i in range(1, 13):
        code = f"ZT-2026-{i:06d}"
        for repeat in range(3 if i <= 3 else 1):
            rows.append(
                Notification(
                    recipient=user,
                    kind="appeal.clock_red",
                    subject=f"/appeals/{i}/",
                    url=f"/appeals/{i}/",
                    title=f"[{code}] 超期通知：{'签收' if repeat else '办理'}期限2026-03-0{repeat + 1}已过",
                    body="企业反映厂区道路未通，影响原材料进场",
                    created_at=now - timedelta(hours=i, minutes=repeat * 20),
                )
            )
    for i in range(13, 17):
        rows.append(
            Notification(
                recipient=user,
                kind="appeal.resolved",
                subject=f"/appeals/{i}/",
                url=f"/appeals/{i}/",
                title=f"[ZT-2026-{i:06d}] 诉求已办结，待核验",
                body="已协调供电公司完成线路迁改",
                created_at=now - timedelta(hours=i),
            )
        )
    digest = Notification(
        recipient=user,
        kind=DIGEST,
        subject="digest:today",
        title="每日汇总：5条重复或汇总提醒，涉及2项",
        body="超期提醒（3条）：[ZT-2026-000001] 超期通知：签收期限已过\n超期提醒（2条）：[ZT-2026-000002] 超期通知",
        created_at=now - timedelta(minutes=5),
    )
    rows.append(digest)
    Notification.objects.bulk_create(rows)
    digest = Notification.objects.get(kind=DIGEST)
    digest.url = f"/notifications/digests/{digest.pk}/"
    digest.save()
    DigestItem.objects.create(
        recipient=user,
        kind="appeal.clock_red",
        subject="/appeals/1/",
        title="[ZT-2026-000001] 超期通知：签收期限已过",
        url="/appeals/1/",
        created_at=now,
        digest=digest,
    )
    return user


def test_the_hub_and_preferences_at_desk_and_phone_widths(page, login, screenshot, busy_hub):
    login(page, "nt_hub", PASSWORD)
    page.goto("/notifications/")
    expect(page.locator(".zt-header-msgs .zt-badge")).to_have_text(
        "23"
    )  # 3×3 + 9 overdue, 4 resolved, the digest
    expect(page.locator("[data-kind='appeal.clock_red']")).to_contain_text("超期提醒 (18)")
    groups = page.get_by_test_id("msg-group")
    expect(groups).to_have_count(17)  # 12 appeals overdue + 4 resolved + the digest
    screenshot(page, "notices_hub_1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/notifications/?kind=appeal.clock_red")
    first = groups.first
    first.locator("summary").click()
    expect(first.locator(".zt-inbox-items li")).to_have_count(3)
    screenshot(page, "notices_hub_390")

    first.get_by_role("button", name="本组标为已读").click()
    expect(page.locator("[data-kind='appeal.clock_red']")).to_contain_text("超期提醒 (15)")
    expect(page.locator(".zt-header-msgs .zt-badge")).to_have_text("20")

    page.goto("/notifications/preferences/")
    expect(page.locator("tr[data-kind='appeal.escalation']")).to_contain_text("必收")
    page.locator("tr[data-kind='appeal.clock_red'] input[value='digest']").check()
    screenshot(page, "notices_preferences_390")
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator(".zt-msg-success")).to_contain_text("消息设置已保存")
    assert NotificationPreferences.objects.get(user=busy_hub).modes == {"appeal.clock_red": "digest"}

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/notifications/preferences/")
    screenshot(page, "notices_preferences_1366")
    page.goto(f"/notifications/digests/{Notification.objects.get(kind=DIGEST).pk}/")
    expect(page.get_by_test_id("digest-group")).to_have_count(1)
    screenshot(page, "notices_digest_1366")
