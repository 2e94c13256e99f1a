"""When the database gives up on a move's transaction (a deadlock, a serialization
failure, SQLite's locked database) and the kernel's retries do not help, the user is told
to retry: 409 {"code": "conflict"} from the API, the reason on the page — never a 500."""

import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals import services
from zhitong.appeals.choices import Status
from zhitong.appeals.machine import APPEAL

pytestmark = pytest.mark.django_db


class _PgError(Exception):
    sqlstate = "40P01"  # deadlock detected


def deadlock(*args, **kwargs):
    exc = OperationalError("deadlock detected")
    exc.__cause__ = _PgError()
    raise exc


def deadlock_every_move(monkeypatch) -> list:
    """From now on every attempt of a move dies as a deadlock victim (inside the kernel's
    transaction). Returns the list of attempts."""
    calls = []

    def check(*args, **kwargs):
        calls.append(1)
        deadlock()

    monkeypatch.setattr(APPEAL, "check", check)
    return calls


def test_a_persistent_deadlock_is_a_409_asking_to_retry_through_the_api(client, flow, city, monkeypatch):
    appeal = flow.to(Status.ASSIGNED)
    deadlocked = deadlock_every_move(monkeypatch)
    _, raw = ApiToken.issue(user=city.handler, name="t")
    r = client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/sign",
        data=json.dumps({"expected_version": appeal.version}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "conflict" and "请重试" in r.json()["message"]
    assert len(deadlocked) == 1  # inside the test's transaction nothing is re-run alone


def test_a_persistent_deadlock_is_shown_on_the_page_with_the_input_kept(client, flow, city, monkeypatch):
    appeal = flow.to(Status.IN_PROGRESS)
    deadlock_every_move(monkeypatch)
    client.force_login(city.handler)
    response = client.post(
        reverse("appeals:move", args=[appeal.pk, "add_progress"]),
        {"add_progress-expected_version": appeal.version, "add_progress-note": "已约谈企业"},
    )
    assert response.status_code == 409
    assert "请重试" in response.content.decode() and "已约谈企业" in response.content.decode()


def test_a_deadlock_outside_a_move_is_a_409_too_through_the_api(client, city, monkeypatch):
    monkeypatch.setattr(services, "appeal_intake", deadlock)
    _, raw = ApiToken.issue(user=city.clerk, name="t")
    r = client.post(
        "/api/v1/appeals",
        data=json.dumps(
            {
                "enterprise_id": city.enterprise.pk,
                "title": "标题",
                "description": "内容",
                "category_id": city.category.pk,
                "channel": "hotline",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert (r.status_code, r.json()["code"]) == (409, "conflict")


def test_other_database_errors_are_not_disguised_as_conflicts(client, city, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such table: appeals_appeal")

    monkeypatch.setattr(services, "appeal_intake", broken)
    _, raw = ApiToken.issue(user=city.clerk, name="t")
    client.raise_request_exception = False
    r = client.post(
        "/api/v1/appeals",
        data=json.dumps(
            {
                "enterprise_id": city.enterprise.pk,
                "title": "标题",
                "description": "内容",
                "category_id": city.category.pk,
                "channel": "hotline",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_is_run_again_and_the_move_succeeds(client, flow, city, monkeypatch):
    appeal = flow.to(Status.ASSIGNED)
    real, calls = APPEAL.check, []

    def check_once_deadlocked(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            deadlock()
        return real(*args, **kwargs)

    monkeypatch.setattr(APPEAL, "check", check_once_deadlocked)
    _, raw = ApiToken.issue(user=city.handler, name="t")
    r = client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/sign",
        data=json.dumps({"expected_version": appeal.version}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200 and r.json()["status"] == Status.IN_PROGRESS
    assert len(calls) == 2
    appeal.refresh_from_db()
    assert appeal.version == r.json()["version"]
    assert appeal.transitions.filter(action="sign").count() == 1
