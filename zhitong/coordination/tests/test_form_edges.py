"""The coordination pages at the edges of their forms (issue 8): refused values say why in
Chinese and change nothing; garbage in a link's filters is ignored."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhitong.coordination import services
from zhitong.coordination.choices import EventKind, TaskStatus
from zhitong.coordination.models import Meeting, Task, TaskReport

from .conftest import PDF, at

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def task(city, scene):
    appeal = scene.appeal()
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="工信局办理",
        unit_ids=[city.units.gxj.pk],
        due_workdays=3,
        now=at(2025, 9, 1, 9),
    )
    return Task.objects.get()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "abc", "note": "已对接"}, "页面版本号格式不正确，请刷新页面后重试"),
        ({"version": "9223372036854775808", "note": "已对接"}, "页面版本号格式不正确，请刷新页面后重试"),
        ({"note": "已对接"}, "缺少页面版本号，无法确认您看到的是最新状态，请刷新页面后重试"),
        ({"version": 1, "note": "已对接\x01"}, "“办理情况”：内容含有不可见的控制字符，请删除后再提交"),
        ({"version": 1, "note": "进" * 5001}, "“办理情况”：内容过长：最多 5000 个字，当前 5001 个字"),
        ({"version": 1, "note": ["一", "二"]}, "“办理情况”只能填写一个值"),
    ],
)
def test_a_refused_task_report_says_why_and_changes_nothing(client, city, task, data, message):
    client.force_login(city.handler)
    response = client.post(reverse("coordination:task_move", args=[task.pk, "progress"]), data)
    assert response.status_code == 302
    assert said(response) == [message]
    assert Task.objects.get(pk=task.pk).version == task.version
    assert not TaskReport.objects.exists()


def test_a_report_of_only_spaces_is_refused_as_empty(client, city, task):
    client.force_login(city.handler)
    client.post(reverse("coordination:task_move", args=[task.pk, "done"]), {"note": " \u3000\u200b "})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


def test_minutes_over_the_size_limit_are_refused_in_chinese(client, city, settings):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 1024 * 1024
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    client.force_login(city.hub)
    big = SimpleUploadedFile("会议纪要.pdf", PDF + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
    response = client.post(
        reverse("coordination:meeting_move", args=[meeting.pk, "minutes"]),
        {"upload": big, "version": meeting.version},
    )
    assert said(response) == ["文件“会议纪要.pdf”过大：最大 1.0MB，当前 2.0MB"]
    assert not Meeting.objects.get(pk=meeting.pk).minutes


def test_agenda_ids_and_codes_that_are_not_ids_or_text_are_refused_politely(client, city):
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    client.force_login(city.hub)
    url = reverse("coordination:meeting_add_items", args=[meeting.pk])
    response = client.post(url, {"escalation_ids": ["²", "9223372036854775808"]})
    assert said(response) == ["请选择申报事项或填写诉求编号"]
    client.cookies.pop("messages")
    response = client.post(url, {"codes": "ZT-2025-000001\x01"})
    assert said(response) == ["诉求编号：内容含有不可见的控制字符，请删除后再提交"]
    client.cookies.pop("messages")
    # NUL never reaches the form: the request-hygiene layer refuses it with its 400 page.
    response = client.post(url, {"codes": "ZT-2025-000001\x00"})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert not meeting.items.exists()


def test_garbage_in_the_task_lists_filters_lists_the_open_tasks(client, city, task):
    client.force_login(city.handler)
    response = client.get(
        reverse("coordination:tasks"),
        {"status": "\u200b", "light": "abc", "source": "x" * 1000, "page": "-1"},
    )
    assert response.status_code == 200
    assert [t.pk for t in response.context["page"]] == [task.pk]
    assert response.context["status"] == "open"


def test_a_month_that_is_not_one_shows_the_current_month_or_404_in_a_path(client, city):
    client.force_login(city.hub)
    for month in ("9999999999-01", "2026-13", "abc", "1900-01"):
        response = client.get(reverse("coordination:facts"), {"month": month})
        assert response.status_code == 200
        assert response.context["month"] == date(2025, 9, 1)
        assert client.get(f"/coordination/batches/{month}/").status_code == 404


def test_more_agenda_codes_than_the_limit_are_refused_not_cut(client, city):
    # Issue 9: the codes past the hundredth were dropped without a word.
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    client.force_login(city.hub)
    codes = ",".join(f"ZT-2025-{n:06d}" for n in range(1, 102))
    response = client.post(reverse("coordination:meeting_add_items", args=[meeting.pk]), {"codes": codes})
    assert said(response) == ["诉求编号：最多可选 100 项，当前选了 101 项"]
    assert not meeting.items.exists()


def test_more_picked_appeals_than_the_limit_are_refused_not_cut(client, city):
    event = services.event_create(
        actor=city.hub_gxj,
        title="面对面",
        kind=EventKind.QUARTERLY,
        scheduled_at=at(2025, 10, 13, 15),
        chair=city.mayor,
        deputy=city.leader,
        place="市民服务中心",
        now=at(2025, 9, 15),
    )
    client.force_login(city.hub_gxj)
    url = reverse("coordination:event_action", args=[event.pk, "add_appeals"])
    response = client.post(url, {"appeal_ids": [str(n) for n in range(1, 202)]})
    assert response.status_code == 302 and response["Location"].endswith(f"/events/{event.pk}/pick/")
    assert said(response) == ["一次最多选择200个诉求，当前选了201个"]
    assert not event.items.exists()
