"""The API's one error contract: every error is JSON {code, message} in Chinese, whatever
raised it, and every operation documents the errors it may answer."""

import json
import logging

import pytest
from django.test import Client

from zhitong.api.contract import SHARED_ERRORS

from .conftest import token_client

pytestmark = pytest.mark.django_db


def _is_contract(r, status, code=None):
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body  # Chinese
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture
def hub(city):
    return token_client(city.hub)


def test_an_unknown_url_under_the_api_is_a_json_404(hub):
    _is_contract(hub.get("/api/v1/no-such-thing"), 404, "not_found")
    _is_contract(Client().get("/api/v2/appeals"), 404, "not_found")


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(hub):
    r = hub.delete("/api/v1/appeals")
    _is_contract(r, 405, "method_not_allowed")
    assert set(r["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_missing_or_bad_token_is_a_json_401(city):
    r = Client().get("/api/v1/appeals")
    _is_contract(r, 401, "unauthorized")
    assert r["WWW-Authenticate"] == "Bearer"
    _is_contract(Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/appeals"), 401)


def test_a_parameter_of_the_wrong_type_is_a_422_naming_the_field(hub):
    body = _is_contract(hub.get("/api/v1/appeals?page=0&lead_unit_id=abc"), 422, "invalid_input")
    assert {d["field"] for d in body["details"]} == {"page", "lead_unit_id"}
    assert "page" in body["message"] and "lead_unit_id" in body["message"]


def test_an_id_beyond_64_bits_is_refused_not_looked_up(hub):
    body = _is_contract(hub.get(f"/api/v1/appeals/{2**63}"), 422)
    assert body["details"][0]["field"] == "appeal_id"
    _is_contract(hub.get(f"/api/v1/appeals?page={2**63}"), 422)


def test_malformed_json_and_a_json_array_are_refused_in_the_contract(hub):
    post = hub.post
    _is_contract(
        post("/api/v1/appeals", b'{"title": ', content_type="application/json"), 400, "malformed_json"
    )
    _is_contract(post("/api/v1/appeals", b"[1]", content_type="application/json"), 422, "invalid_input")


def test_a_body_that_is_not_json_is_a_415(hub, world):
    r = hub.post("/api/v1/appeals", json.dumps({"title": "x"}), content_type="text/plain")
    _is_contract(r, 415, "unsupported_media_type")
    url = f"/api/v1/coordination/tasks/{world.task}/moves/progress"
    r = hub.post(url, b"note=x", content_type="text/plain")
    _is_contract(r, 415, "unsupported_media_type")


def test_an_unexpected_exception_is_a_logged_json_500(hub, monkeypatch, caplog):
    from zhitong.appeals import selectors

    def broken(**kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "appeal_list_for_user", broken)
    with caplog.at_level(logging.ERROR, logger="zhitong.api"):
        body = _is_contract(hub.get("/api/v1/appeals"), 500, "server_error")
    assert body["message"].startswith("服务器内部错误")
    assert "boom" not in json.dumps(body)
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_a_naive_or_ancient_or_future_receipt_time_is_refused_with_a_chinese_message(city):
    clerk = token_client(city.clerk)
    base = {
        "enterprise_id": city.enterprise.pk,
        "title": "设备补贴资金尚未兑付",
        "description": "企业技改项目已通过验收。",
        "category_id": city.category.pk,
        "channel": "hotline",
    }
    for received_at, words in [
        ("2025-09-01T09:00:00", "时区"),
        ("1900-01-01T09:00:00+08:00", "2020-01-01"),
        ("2030-01-01T09:00:00+08:00", "当前时间"),
        ("2026-02-30T09:00:00+08:00", "日期时间"),
    ]:
        r = clerk.post(
            "/api/v1/appeals", {**base, "received_at": received_at}, content_type="application/json"
        )
        body = _is_contract(r, 422)
        assert body["details"] == [{"field": "received_at", "message": body["details"][0]["message"]}]
        assert words in body["message"], body


def test_text_only_of_whitespace_and_text_beyond_its_column_are_refused(city):
    clerk = token_client(city.clerk)
    base = {
        "enterprise_id": city.enterprise.pk,
        "description": "企业技改项目已通过验收。",
        "category_id": city.category.pk,
        "channel": "hotline",
    }
    body = _is_contract(
        clerk.post("/api/v1/appeals", {**base, "title": " \n "}, content_type="application/json"), 422
    )
    assert body["details"][0]["field"] == "title"
    r = clerk.post(
        "/api/v1/appeals", {**base, "title": "标题", "source_id": "x" * 101}, content_type="application/json"
    )
    assert _is_contract(r, 422)["details"][0] == {"field": "source_id", "message": "不能超过100个字符"}
    r = clerk.post("/api/v1/appeals", {**base, "title": ["标题"]}, content_type="application/json")
    assert _is_contract(r, 422)["details"][0] == {"field": "title", "message": "应为文本"}


def test_move_data_is_checked_by_the_kernel_and_unknown_keys_are_refused(hub, world):
    url = f"/api/v1/appeals/{world.appeal.pk}/moves/add_progress"
    v = world.appeal.version
    r = hub.post(
        url, {"expected_version": v, "data": {"note": "进展", "rating": 5}}, content_type="application/json"
    )
    assert _is_contract(r, 422)["details"] == [{"field": "rating", "message": "不接受此字段"}]
    r = hub.post(url, {"expected_version": v, "data": {"note": ["进展"]}}, content_type="application/json")
    assert _is_contract(r, 422)["details"][0]["field"] == "data.note"
    url = f"/api/v1/coordination/meetings/{world.meeting}/moves/opinion"
    bad = {
        "version": 1,
        "item_id": "abc",
        "opinion": "x" * 5001,
        "unit_ids": [2**63],
        "due_date": "2026-02-30",
    }
    body = _is_contract(hub.post(url, bad, content_type="application/json"), 422)
    assert {d["field"] for d in body["details"]} == {"item_id", "opinion", "unit_ids.0", "due_date"}
    r = hub.post(url, {"reason": "x", "version": 1}, content_type="application/json")
    assert _is_contract(r, 422)["details"] == [{"field": "reason", "message": "不接受此字段"}]
    r = hub.post(url, {"version": "abc"}, content_type="application/json")
    assert _is_contract(r, 422)["field"] == "version"


def test_every_operation_documents_the_shared_errors_in_one_error_body(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    operations = [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items()]
    assert len(operations) > 40
    for path, method, op in operations:
        codes = {int(c) for c in op["responses"]}
        expected = set(SHARED_ERRORS) | ({401} if op.get("security") else set())
        expected |= {415} if "requestBody" in op else set()
        assert expected <= codes, (method, path, sorted(expected - codes))
        for code, response in op["responses"].items():
            if int(code) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_a_move_endpoint_documents_its_refusals_and_its_body(client):
    doc = client.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/coordination/meetings/{meeting_id}/moves/{move}"]["post"]
    assert {"403", "409"} <= set(op["responses"])
    content = op["requestBody"]["content"]
    assert {"version", "item_id", "opinion", "unit_ids"} <= set(
        content["application/json"]["schema"]["properties"]
    )
    assert content["application/json"]["schema"]["additionalProperties"] is False
    assert content["multipart/form-data"]["schema"]["properties"]["upload"]["format"] == "binary"
