"""Request hygiene at the edge (common/hygiene.py): input no field can hold is refused with
400 — a Chinese error page for pages, the JSON contract under /api/ — and a body over the
size limit with 413 before it is read."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db

DIRECTORY = "/organizations/directory/"


def _chinese_page(r, status):
    assert r.status_code == status
    assert r["Content-Type"].startswith("text/html")
    text = r.content.decode()
    assert "请求内容" in text and str(status) in text
    return text


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=a%00b", "q=%ED%A0%80", "q=%FF", "%00=1", "q=" + "x" * 2001],
    ids=["nul", "nul inside", "lone surrogate", "not utf-8", "nul in the name", "too long"],
)
def test_an_anonymous_visitor_gets_a_chinese_400_page_for_a_query_no_field_can_hold(query):
    _chinese_page(Client().get(f"{DIRECTORY}?{query}"), 400)


def test_an_ordinary_query_still_reaches_the_public_directory():
    assert Client().get(f"{DIRECTORY}?q=%E5%B7%A5%E4%BF%A1").status_code == 200  # 工信


def test_a_form_field_with_nul_or_a_lone_surrogate_is_refused_before_the_view():
    c = Client()
    r = c.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    _chinese_page(r, 400)
    r = c.post(
        "/accounts/login/", b"username=%ED%A0%80&password=x", content_type="application/x-www-form-urlencoded"
    )
    _chinese_page(r, 400)


def test_a_multipart_field_with_nul_is_refused():
    r = Client().post("/accounts/login/", {"username": "a\x00", "password": "x"}, format="multipart")
    _chinese_page(r, 400)


def test_under_the_api_the_same_refusals_are_the_json_contract():
    c = Client()
    r = c.get("/api/v1/organizations/windows?q=%ED%A0%80")
    assert r.status_code == 400
    assert r.json()["code"] == "bad_encoding" and r.json()["field"] == "q"
    r = c.post("/api/v1/appeals", b'{"title": "\\ud800"}', content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "title"
    r = c.post("/api/v1/appeals", json.dumps({"a\x00": 1}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "bad_character"
    r = c.post(
        "/api/v1/appeals", json.dumps({"items": [{"deep": ["\x00"]}]}), content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["field"] == "items.deep"


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(settings):
    c = Client()
    too_big = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    r = c.post("/api/v1/appeals", b"{}", content_type="application/json", CONTENT_LENGTH=too_big)
    assert r.status_code == 413
    assert r.json()["code"] == "too_large" and "2MB" in r.json()["message"]
    r = c.post(
        "/accounts/login/", {"username": "x"}, CONTENT_LENGTH=str(settings.ZHITONG_UPLOAD_MAX_BYTES + 1)
    )
    _chinese_page(r, 413)


def test_an_upload_within_the_upload_limit_is_not_refused_for_its_size(settings):
    # A multipart body may exceed the 2 MB form limit: its files count against the upload limit.
    big = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n" + b"0" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    r = Client().post("/api/v1/appeals/1/evidence", {"note": "x", "files": [big]})
    assert r.status_code == 401  # past the hygiene layer: the token is what is missing


def test_a_bad_content_length_is_a_400():
    r = Client().post("/api/v1/appeals", b"{}", content_type="application/json", CONTENT_LENGTH="abc")
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
