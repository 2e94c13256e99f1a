"""Stale writes refused (issue 8): a move of a coordination table (meeting, task, batch,
escalation request, event), posted by a page or the API, carries the version it was based
on; without one it is refused — 422 `version_required` from the API, a Chinese message on
the page — and nothing changes."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.coordination import services
from zhitong.coordination.choices import TaskStatus
from zhitong.coordination.models import Task

from .conftest import at

pytestmark = pytest.mark.django_db


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


def api_post(user, path, body=None, **kw):
    _, raw = ApiToken.issue(user=user, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    if body is not None:
        return c.post(f"/api/v1/coordination{path}", json.dumps(body), content_type="application/json")
    return c.post(f"/api/v1/coordination{path}", **kw)


@pytest.mark.parametrize(
    "body", [{"note": "已办结"}, {"note": "已办结", "version": None}, {"version": "abc"}]
)
def test_an_api_move_without_a_whole_version_is_422_and_changes_nothing(city, task, body):
    r = api_post(city.handler, f"/tasks/{task.pk}/moves/done", body)
    assert r.status_code == 422
    assert r.json()["code"] == "version_required" and "版本号" in r.json()["message"]
    task.refresh_from_db()
    assert (task.status, task.version) == (TaskStatus.ASSIGNED, 1)


def test_a_multipart_api_move_without_a_version_is_422(city, task):
    r = api_post(city.handler, f"/tasks/{task.pk}/moves/done", data={"note": "已办结"})
    assert (r.status_code, r.json()["code"]) == (422, "version_required")


def test_an_api_move_with_its_version_goes_through(city, task):
    r = api_post(city.handler, f"/tasks/{task.pk}/moves/done", {"note": "已办结", "version": task.version})
    assert r.status_code == 200 and r.json()["status"] == TaskStatus.REPORTED


def test_a_page_move_without_a_version_is_refused_in_chinese_and_changes_nothing(city, task):
    c = Client()
    c.force_login(city.handler)
    r = c.post(reverse("coordination:task_move", args=[task.pk, "done"]), {"note": "已办结"}, follow=True)
    assert "缺少页面版本号" in r.content.decode()
    task.refresh_from_db()
    assert (task.status, task.version) == (TaskStatus.ASSIGNED, 1)
    c.post(reverse("coordination:task_move", args=[task.pk, "done"]), {"note": "已办结", "version": 1})
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED


def test_every_move_form_on_the_task_page_sends_the_version(city, task):
    c = Client()
    c.force_login(city.handler)
    page = c.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    assert page.count('class="zt-small-form zt-move-form"') == page.count(
        f'<input type="hidden" name="version" value="{task.version}">'
    )
    assert 'name="version"' in page
