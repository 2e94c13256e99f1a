"""Stale writes refused (issue 8): every move posted by a page or an API client carries the
version of the appeal it was based on. Without one the move is refused — 422 from the API,
a Chinese message on the page — and nothing changes; a stale one is 409. Services called
internally (the clock job, the demo) may still pass none."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals import services
from zhitong.appeals.choices import Status
from zhitong.appeals.models import AppealEvidence
from zhitong.common.transitions import VersionRequired, required_version

from .conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, path, **kw):
        _, raw = ApiToken.issue(user=user, name="t")
        return client.post(f"/api/v1/appeals{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


def as_json(body):
    return {"data": json.dumps(body), "content_type": "application/json"}


def test_an_api_move_without_a_version_is_422_and_changes_nothing(api, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    before = appeal.version
    r = api(city.handler, f"/{appeal.pk}/moves/sign", **as_json({"data": {}}))
    assert r.status_code == 422
    assert "expected_version" in r.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.version) == (Status.ASSIGNED, before)
    r = api(city.handler, f"/{appeal.pk}/moves/sign", **as_json({"expected_version": None}))
    assert r.status_code == 422


def test_an_api_move_with_its_version_goes_through_and_a_stale_one_is_409(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    body = {"expected_version": appeal.version, "data": {"note": "已约谈企业"}}
    assert api(city.handler, f"/{appeal.pk}/moves/add_progress", **as_json(body)).status_code == 200
    r = api(city.handler, f"/{appeal.pk}/moves/add_progress", **as_json(body))
    assert (r.status_code, r.json()["code"]) == (409, "stale")


def test_an_evidence_upload_without_a_version_is_422_and_stores_nothing(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    r = api(city.handler, f"/{appeal.pk}/evidence", data={"files": [SimpleUploadedFile("纪要.pdf", PDF)]})
    assert r.status_code == 422
    assert not AppealEvidence.objects.exists()
    data = {"files": [SimpleUploadedFile("纪要.pdf", PDF)], "expected_version": appeal.version - 1}
    r = api(city.handler, f"/{appeal.pk}/evidence", data=data)
    assert (r.status_code, r.json()["code"]) == (409, "stale")
    assert not AppealEvidence.objects.exists()


def test_a_page_move_without_a_version_is_refused_in_chinese_and_changes_nothing(client, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    before = appeal.version
    client.force_login(city.handler)
    response = client.post(
        reverse("appeals:move", args=[appeal.pk, "add_progress"]), {"add_progress-note": "已约谈企业"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "缺少页面版本号" in page and "请刷新页面后重试" in page
    assert "已约谈企业" in page  # what the user typed is kept
    appeal.refresh_from_db()
    assert appeal.version == before
    assert not appeal.transitions.filter(action="add_progress").exists()


def test_a_page_move_with_a_mangled_version_is_refused_too(client, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    client.force_login(city.handler)
    response = client.post(reverse("appeals:move", args=[appeal.pk, "sign"]), {"sign-expected_version": "x"})
    assert response.status_code == 422
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_every_move_form_on_the_detail_page_sends_the_version(client, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    client.force_login(city.handler)
    response = client.get(reverse("appeals:detail", args=[appeal.pk]))
    forms = response.context["move_forms"]
    assert forms
    page = response.content.decode()
    for move, form, _failed in forms:
        assert f'name="{move.name}-expected_version" value="{appeal.version}"' in page
        assert form["expected_version"].value() == appeal.version


def test_internal_callers_may_still_move_without_a_version(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    moved = services.appeal_move(appeal_id=appeal.pk, move="add_progress", actor=city.handler, note="进展")
    assert moved.version == appeal.version + 1


@pytest.mark.parametrize("value", [None, "", "abc", "1.5", -1, True])
def test_the_edges_require_a_whole_version(value):
    with pytest.raises(VersionRequired) as caught:
        required_version(value)
    assert (caught.value.status, caught.value.code) == (422, "version_required")


def test_a_version_may_come_as_text_from_a_form():
    assert required_version("7") == 7 and required_version(0) == 0
