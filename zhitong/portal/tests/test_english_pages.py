"""English mode translates whole pages, not only the navigation (issue 9).

Every main page of the appeals, coordination and portal apps is opened in English as the
role that works on it, in a city whose names and texts are all ASCII (english_city.py):
whatever CJK character is left in the page's visible text is a string the page forgot to
translate. The official documents (Annex 2/3 .xlsx, the event's .docx) stay Chinese
whatever the page language: they are the city's forms, not the interface."""

import io
import json

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from zhitong.api.models import ApiToken
from zhitong.appeals.models import Transition
from zhitong.common.diagrams import DOC, render

from .english_city import VisibleText, at, pages, untranslated

pytestmark = pytest.mark.django_db


def test_every_main_page_is_english_in_english_mode(client, english_city, english_story):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leftovers = {}
    with time_machine.travel(at(2025, 9, 19, 10), tick=False):
        for who, url in pages(english_city, english_story):
            client.force_login(who)
            response = client.get(url)
            assert response.status_code == 200, (who.username, url, response.status_code)
            assert response["Content-Language"] == "en"
            found = untranslated(response.content.decode())
            if found:
                leftovers[f"{who.username} {url}"] = found
    assert not leftovers, "\n".join(f"{page}: {found}" for page, found in leftovers.items())


def test_the_same_pages_stay_chinese_by_default(client, english_city, english_story):
    """The check can fail: without the switch the pages are Chinese."""
    with time_machine.travel(at(2025, 9, 19, 10), tick=False):
        client.force_login(english_city.hub)
        assert untranslated(client.get(reverse("appeals:workbench")).content.decode())


def test_the_state_diagrams_are_drawn_in_chinese_whatever_the_language():
    with translation.override("en"):
        assert render() == DOC.read_text(encoding="utf-8")


def test_the_api_answers_in_chinese_whatever_the_language_cookie(client, english_city, english_story):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, raw = ApiToken.issue(user=english_city.handler, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    appeal = english_story.progress
    body = client.get(f"/api/v1/appeals/{appeal.pk}", **auth).json()
    assert body["status_label"] == "办理中"
    assert "办结" in [m["label"] for m in body["available_moves"]]
    refused = client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/sign",
        json.dumps({"expected_version": appeal.version}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 409
    assert refused.json()["message"] == "诉求当前状态为“办理中”，不能执行“签收”，请刷新后重试"


def test_a_move_made_in_english_is_recorded_in_chinese_and_read_in_english(
    client, english_city, english_story
):
    """What a move writes (its timeline row, the notes other apps put on the timeline) is in
    the source language; the page reads it in the user's."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    task = english_story.task
    task.refresh_from_db()
    client.force_login(english_city.hub)
    with time_machine.travel(at(2025, 9, 19, 10), tick=False):
        response = client.post(
            reverse("coordination:task_move", args=[task.pk, "confirm"]),
            {"note": "Checked on site.", "version": task.version},
            follow=True,
        )
        assert "Done: Confirm done." in response.content.decode()
        row = Transition.objects.filter(appeal=task.appeal, action="coordination.task_confirm").get()
        assert row.note == "交办任务（Industry Bureau）确认办结：Checked on site."
        assert row.data["note_msgid"] == "交办任务（%(unit)s）%(kind)s：%(note)s"
        assert "Assigned task (Industry Bureau): Confirmed done: Checked on site." in notes_of(
            client, task.appeal
        )
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        assert "交办任务（Industry Bureau）确认办结：Checked on site." in notes_of(client, task.appeal)


def notes_of(client, appeal) -> set[str]:
    parser = VisibleText()
    parser.feed(client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode())
    return set(parser.parts)


def test_the_enterprise_rates_in_english_and_the_rating_is_stored_in_chinese(
    client, english_city, english_story
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    appeal = english_story.verified
    client.force_login(english_city.enterprise_user)
    with time_machine.travel(at(2025, 9, 19, 10), tick=False):
        client.post(
            reverse("appeals:move", args=[appeal.pk, "rate"]),
            {"rate-expected_version": appeal.version, "rate-rating": 4, "rate-comment": "Fine."},
        )
        assert Transition.objects.get(appeal=appeal, action="rate").data["rating_label"] == "满意"
        assert "Satisfied" in notes_of(client, appeal)


def test_the_annexes_stay_chinese_when_downloaded_from_an_english_page(client, english_city, english_story):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(english_city.handler)
    with time_machine.travel(at(2025, 9, 19, 10), tick=False):
        xlsx = client.get(reverse("coordination:annex3"), {"month": "2025-09", "format": "xlsx"})
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
        for c in row
        if c.value
    ]
    assert "是否已解决" in cells and "否" in cells
    assert any("已报办结待确认" in c for c in cells)  # the tasks' status, in Chinese
    assert not any("Reported done" in c or c == "No" for c in cells)
