import json

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal

from .conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, headers=None, **kw):
        _, raw = ApiToken.issue(user=user, name="测试")
        extra = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        for k, v in (headers or {}).items():
            extra["HTTP_" + k.upper().replace("-", "_")] = v
        fn = getattr(client, method)
        if body is not None and method != "get" and "data" not in kw:
            return fn(
                f"/api/v1/appeals{path}", data=json.dumps(body), content_type="application/json", **extra
            )
        return fn(f"/api/v1/appeals{path}", **kw, **extra)

    return call


def intake_body(city, **kw):
    return {
        "enterprise_id": city.enterprise.pk,
        "title": "技改项目设备补贴资金尚未兑付",
        "description": "企业2024年技改项目已通过验收，设备补贴资金至今未兑付。",
        "category_id": city.category.pk,
        "channel": Channel.HOTLINE,
    } | kw


def test_the_same_intake_posted_three_times_with_one_key_creates_one_appeal(api, city):
    responses = [
        api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "hotline-20250901-0001"})
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [201, 200, 200]
    assert len({r.json()["id"] for r in responses}) == 1
    assert responses[1].json() == responses[2].json()
    assert Appeal.objects.count() == 1
    assert responses[0].json()["code"].startswith("ZT-2025-")


def test_a_replay_says_so_in_a_header(api, city):
    first = api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    again = api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    assert "Idempotent-Replayed" not in first.headers
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert again.json()["id"] == first.json()["id"]


def test_the_source_systems_own_id_also_makes_intake_idempotent(api, city):
    body = intake_body(city, source_system="12345", source_id="GD202509010001")
    first = api(city.clerk, "post", "", body)
    second = api(city.clerk, "post", "", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Appeal.objects.count() == 1


def test_a_key_re_used_for_a_different_payload_is_422_not_a_silent_replay(api, city):
    api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    other = intake_body(city, title="另一件事：用电增容审批缓慢")
    r = api(city.clerk, "post", "", other, headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_mismatch"
    assert Appeal.objects.count() == 1


def test_a_source_id_re_used_for_a_different_payload_is_422(api, city):
    api(city.clerk, "post", "", intake_body(city, source_system="12345", source_id="GD1"))
    changed = intake_body(city, source_system="12345", source_id="GD1", description="内容已改")
    r = api(city.clerk, "post", "", changed)
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_mismatch")
    assert Appeal.objects.count() == 1


def test_another_clients_key_is_another_key_and_reveals_nothing(api, city):
    mine = api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    # Another client sending the same key, with the same or another payload, gets its own
    # appeal: never the first client's appeal, never a hint that the key was used.
    theirs = api(city.handler, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    again = api(city.handler, "post", "", intake_body(city), headers={"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json()["id"]) == (200, theirs.json()["id"])
    assert Appeal.objects.count() == 2


def test_another_clients_source_id_is_another_source_id(api, city):
    body = intake_body(city, source_system="12345", source_id="GD1")
    assert api(city.clerk, "post", "", body).status_code == 201
    assert api(city.handler, "post", "", body | {"title": "完全不同的诉求"}).status_code == 201


def test_an_intake_that_failed_after_it_was_saved_is_replayed_by_its_key(api, city, client, monkeypatch):
    from zhitong.appeals import api as appeals_api

    # The first answer is built from the service's object (_intake_detail, issue 14); the
    # replay reads the saved appeal (_detail).
    real = appeals_api._intake_detail
    crash = {"once": True}

    def crashing(request, appeal):
        if crash.pop("once", False):
            raise RuntimeError("the worker died while building the response")
        return real(request, appeal)

    monkeypatch.setattr(appeals_api, "_intake_detail", crashing)
    client.raise_request_exception = False
    lost = api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-crash"})
    assert lost.status_code == 500
    retry = api(city.clerk, "post", "", intake_body(city), headers={"Idempotency-Key": "k-crash"})
    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (200, "true")
    assert Appeal.objects.count() == 1
    assert retry.json()["id"] == Appeal.objects.get().pk


def test_the_intake_operation_documents_the_replay(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/appeals"]["post"]
    assert "Idempotent-Replayed: true" in post["description"]
    assert "idempotency_mismatch" in post["description"]
    assert {"200", "201", "422"} <= set(post["responses"])


def test_an_enterprise_user_cannot_register_through_the_staff_intake(api, city):
    r = api(city.enterprise_user, "post", "", intake_body(city))
    assert r.status_code == 403
    assert r.json()["message"] == "您无权登记诉求"


def test_intake_without_token_is_unauthorized(client, city):
    r = client.post("/api/v1/appeals", data=json.dumps(intake_body(city)), content_type="application/json")
    assert r.status_code == 401


def test_detail_shows_timeline_and_only_the_callers_moves(api, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    as_handler = api(city.handler, "get", f"/{appeal.pk}").json()
    assert [m["name"] for m in as_handler["available_moves"]] == ["sign", "object"]
    assert [e["action"] for e in as_handler["timeline"]] == ["intake", "assign"]
    as_clerk = api(city.clerk, "get", f"/{appeal.pk}").json()
    assert [m["name"] for m in as_clerk["available_moves"]] == ["follow_up", "merge"]


def test_outsider_gets_404_for_detail_and_moves(api, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    assert api(city.outsider, "get", f"/{appeal.pk}").status_code == 404
    r = api(city.outsider, "post", f"/{appeal.pk}/moves/sign", {"expected_version": appeal.version})
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "对象不存在或您无权访问"}


def test_a_move_through_the_api_and_a_stale_repeat_is_409(api, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    r = api(city.handler, "post", f"/{appeal.pk}/moves/sign", {"expected_version": appeal.version})
    assert r.status_code == 200
    assert r.json()["status"] == Status.IN_PROGRESS
    again = api(city.handler, "post", f"/{appeal.pk}/moves/sign", {"expected_version": appeal.version})
    assert again.status_code == 409
    assert again.json()["message"] == "该诉求已被他人处理，请刷新后重试"


def test_an_illegal_move_is_409_and_a_move_not_yours_is_403(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    v = appeal.version
    r = api(city.handler, "post", f"/{appeal.pk}/moves/sign", {"expected_version": v})
    assert r.status_code == 409
    assert "不能执行" in r.json()["message"]
    r = api(
        city.clerk,
        "post",
        f"/{appeal.pk}/moves/resolve",
        {"expected_version": v, "data": {"resolution": "已办结"}},
    )
    assert r.status_code == 403


def test_missing_field_is_400_with_the_field(api, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    r = api(
        city.handler,
        "post",
        f"/{appeal.pk}/moves/object",
        {"expected_version": appeal.version, "data": {"reason": ""}},
    )
    assert r.status_code == 400
    assert r.json()["field"] == "reason"


def test_evidence_upload_checks_content_not_the_name(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    good = SimpleUploadedFile("纪要.pdf", PDF)
    data = {"files": [good], "note": "会议纪要", "expected_version": appeal.version}
    r = api(city.handler, "post", f"/{appeal.pk}/evidence", data=data)
    assert r.status_code == 201
    assert r.json()[0]["kind"] == "pdf"
    exe = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64)
    r = api(
        city.handler,
        "post",
        f"/{appeal.pk}/evidence",
        data={"files": [exe], "expected_version": appeal.version + 1},
    )
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "file_type"


def test_an_exemption_without_its_formal_document_is_a_400_in_chinese(api, flow, city):
    # seeds/000 五(二)3: 需……正式行文解释说明.
    appeal = flow.to(Status.IN_PROGRESS)
    body = {"expected_version": appeal.version, "data": {"explanation": "政策调整说明"}}
    r = api(city.handler, "post", f"/{appeal.pk}/moves/request_exemption", body)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "document_required" and r.json()["field"] == "evidence_files"
    assert "正式行文" in r.json()["message"]
    appeal.refresh_from_db()
    assert appeal.exemption_status == "none"
    # Multipart, with the document: accepted.
    r = api(
        city.handler,
        "post",
        f"/{appeal.pk}/exemption",
        data={"expected_version": appeal.version, "explanation": "政策调整说明", "files": [pdf_file()]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["exemption_status"] == "requested"


def test_the_exemption_endpoint_refuses_without_a_file_and_for_the_outsider(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    data = {"expected_version": appeal.version, "explanation": "政策调整说明"}
    r = api(city.handler, "post", f"/{appeal.pk}/exemption", data=data)
    assert r.status_code == 400 and r.json()["code"] == "document_required"
    r = api(city.outsider, "post", f"/{appeal.pk}/exemption", data=data | {"files": [pdf_file()]})
    assert r.status_code == 404
    appeal.refresh_from_db()
    assert appeal.exemption_status == "none"


def pdf_file():
    return SimpleUploadedFile("关于申请不纳入考核的情况说明.pdf", PDF, content_type="application/pdf")


def test_escalation_is_a_move_and_joins_the_month_batch(api, flow, city):
    appeal = flow.to(Status.IN_PROGRESS)
    body = {"expected_version": appeal.version, "data": flow.escalation_data()}
    r = api(city.handler, "post", f"/{appeal.pk}/moves/escalate", body)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Status.ESCALATED
    moved = next(t for t in r.json()["timeline"] if t["action"] == "escalate")
    assert moved["data"]["batch_month"] == "2025-09-01"
    esc = appeal.escalations.get()
    assert esc.appeal_id == appeal.pk and esc.reporting_unit.code == "GXJ"


def test_list_is_scoped_and_filters_by_light(api, flow, city):
    mine = flow.to(Status.IN_PROGRESS)
    flow.to(Status.SUBMITTED)  # received by the hotline, not routed: not GXJ's
    r = api(city.handler, "get", "")
    assert [a["id"] for a in r.json()["items"]] == [mine.pk]
    assert r.json()["items"][0]["light"] == "green"
    assert api(city.handler, "get", "", QUERY_STRING="light=red").json()["count"] == 0
    assert api(city.hub, "get", "").json()["count"] == 2
    assert api(city.outsider, "get", "").json()["count"] == 0


def test_list_costs_the_same_queries_for_one_or_many_appeals(api, flow, city):
    flow.to(Status.IN_PROGRESS)
    _, raw = ApiToken.issue(user=city.hub, name="q")
    from django.test import Client

    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    c.get("/api/v1/appeals")  # the token's first use records last_used_at
    # Both requests count afresh (the moves between them invalidate the cached count anyway).
    caches["appeal_counts"].clear()
    with CaptureQueriesContext(connection) as one:
        assert c.get("/api/v1/appeals?page_size=100").status_code == 200
    for _ in range(4):
        flow.to(Status.IN_PROGRESS)
    caches["appeal_counts"].clear()
    with CaptureQueriesContext(connection) as many:
        assert len(c.get("/api/v1/appeals?page_size=100").json()["items"]) == 5
    assert len(many) == len(one)


def test_openapi_lists_the_appeal_routes(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/appeals/{appeal_id}/moves/{move}" in doc["paths"]
    assert "/api/v1/appeals" in doc["paths"]


def test_move_table_is_published(api, city):
    table = api(city.hub, "get", "/moves").json()
    sign = next(m for m in table if m["name"] == "sign")
    assert sign["sources"] == ["assigned"] and sign["actors"] == ["lead_handler"]
