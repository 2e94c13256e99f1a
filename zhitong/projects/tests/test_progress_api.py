"""/api/v1/projects — progress operations: allowed and denied for each, the contract's
errors, the same rules as the pages."""

import json
from datetime import date

import pytest

from zhitong.api.tests.conftest import token_client
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.projects.models import Commitment, ProgressReport, ProjectStage
from zhitong.projects.progress.commitments import commitment_create
from zhitong.projects.progress.reports import progress_report_submit

from .progress_fixtures import another_project, progress_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/api/v1/projects"


def post(client, path, body, method="post"):
    return getattr(client, method)(BASE + path, json.dumps(body), content_type="application/json")


def report_body(**kw):
    body = {
        "month": "2026-06",
        "month_investment": "600.00",
        "image_progress": "主体封顶",
        "workers": 80,
        "machinery": 5,
    }
    body.update(kw)
    return body


def test_filing_reading_and_correcting_a_report(progress_world):
    w = progress_world
    lead = token_client(w.lead)
    created = post(lead, f"/{w.project.pk}/reports", report_body(problems=["用电增容"]))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["month"] == "2026-06" and data["month_investment"] == "600.00" and data["version"] == 0
    assert data["due"] == "2026-07-03" and data["late"] is True  # filed 15 July
    assert (
        data["problems"][0]["appeal_code"].startswith("ZT-2026-")
        and data["problems"][0]["appeal_open"] is True
    )
    assert post(lead, f"/{w.project.pk}/reports", report_body()).status_code == 409
    listed = lead.get(f"{BASE}/{w.project.pk}/reports").json()
    assert [r["month"] for r in listed] == ["2026-06"]
    one = lead.get(f"{BASE}/{w.project.pk}/reports/2026-06")
    assert one.status_code == 200 and one.json()["image_progress"] == "主体封顶"
    assert lead.get(f"{BASE}/{w.project.pk}/reports/2026-05").status_code == 404
    updated = post(lead, f"/{w.project.pk}/reports/2026-06", report_body(version=0, workers=90), method="put")
    assert updated.status_code == 200 and updated.json()["workers"] == 90 and updated.json()["version"] == 1
    stale = post(lead, f"/{w.project.pk}/reports/2026-06", report_body(version=0), method="put")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    missing = post(lead, f"/{w.project.pk}/reports/2026-06", report_body(), method="put")
    assert missing.status_code == 422 and missing.json()["code"] == "version_required"


def test_report_operations_are_denied_to_those_who_may_not(progress_world):
    w = progress_world
    assert post(token_client(w.hub), f"/{w.project.pk}/reports", report_body()).status_code == 403
    outsider = token_client(w.outsider)
    assert post(outsider, f"/{w.project.pk}/reports", report_body()).status_code == 404
    assert outsider.get(f"{BASE}/{w.project.pk}/reports").status_code == 404
    assert outsider.get(f"{BASE}/{w.project.pk}/progress").status_code == 404
    own = token_client(UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=w.owner))
    assert own.get(f"{BASE}/{w.project.pk}/reports").status_code == 404
    assert own.get(f"{BASE}/progress/late").status_code == 403
    assert own.get(f"{BASE}/progress/briefing").status_code == 403
    bad = post(token_client(w.lead), f"/{w.project.pk}/reports", report_body(month_investment="1.005"))
    assert bad.status_code == 422 and "message" in bad.json()
    assert ProgressReport.objects.count() == 0


def test_the_progress_summary(progress_world):
    w = progress_world
    progress_report_submit(
        actor=w.lead,
        project_id=w.project.pk,
        month=date(2026, 6, 1),
        month_investment="700",
        image_progress="x",
    )
    data = token_client(w.hub).get(f"{BASE}/{w.project.pk}/progress?month=2026-06").json()
    assert data["progress_class"] == "ahead" and data["progress_class_label"] == "超前"
    assert (
        data["ytd_investment"] == "700.00"
        and data["expected_ytd"] == "600.00"
        and data["report_due"] == "2026-07-03"
    )
    assert token_client(w.hub).get(f"{BASE}/{w.project.pk}/progress?month=2026-6x").status_code == 422


def test_daily_reports(progress_world):
    w = progress_world
    sec = token_client(w.secretary)
    body = {"day": "2026-07-15", "service": "协调用电", "workers": 100, "machinery": 8}
    created = post(sec, f"/{w.project.pk}/daily-reports", body)
    assert created.status_code == 201 and created.json()["workers"] == 100
    assert [d["day"] for d in sec.get(f"{BASE}/{w.project.pk}/daily-reports").json()] == ["2026-07-15"]
    assert (
        post(token_client(w.hub), f"/{w.project.pk}/daily-reports", {**body, "day": "2026-07-14"}).status_code
        == 403
    )
    assert post(token_client(w.outsider), f"/{w.project.pk}/daily-reports", body).status_code == 404


def test_commitments_and_their_moves(progress_world):
    w = progress_world
    lead = token_client(w.lead)
    body = {
        "party": "government",
        "content": "兑现设备补贴",
        "due_on": "2026-07-01",
        "responsible_unit_id": w.county.pk,
    }
    created = post(lead, f"/{w.project.pk}/commitments", body)
    assert created.status_code == 201 and created.json()["overdue"] is True
    cid = created.json()["id"]
    assert post(token_client(w.secretary), f"/{w.project.pk}/commitments", body).status_code == 403
    assert post(token_client(w.outsider), f"/{w.project.pk}/commitments", body).status_code == 404
    moved = post(
        lead, f"/commitments/{cid}/moves/fulfil", {"version": 0, "on": "2026-07-10", "note": "已拨付"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "fulfilled" and moved.json()["records"][0]["note"] == "已拨付"
    assert post(lead, f"/commitments/{cid}/moves/reopen", {"version": 1, "reason": "错登"}).status_code == 403
    assert (
        post(
            lead, f"/commitments/{cid}/moves/fulfil", {"version": 1, "on": "2026-07-10", "note": "x"}
        ).status_code
        == 409
    )
    assert post(lead, f"/commitments/{cid}/moves/reopen", {"reason": "x"}).status_code == 422  # no version
    assert post(lead, f"/commitments/{cid}/moves/cancel", {"version": 1, "extra": 1}).status_code in (
        409,
        422,
    )
    assert (
        post(token_client(w.outsider), f"/commitments/{cid}/moves/record", {"version": 1}).status_code == 404
    )
    assert post(lead, "/commitments/999999/moves/record", {"version": 1}).status_code == 404
    assert [c["id"] for c in lead.get(f"{BASE}/{w.project.pk}/commitments").json()] == [cid]
    assert Commitment.objects.get().status == "fulfilled"


def test_the_months_reports_and_the_briefing_are_scoped(progress_world):
    w = progress_world
    another_project(w, code="XM-N", stage=ProjectStage.NEGOTIATION)
    another_project(w, code="XM-B", stage=ProjectStage.RESERVE, location=w.other, lead_unit=w.other)
    commitment_create(
        actor=w.lead, project_id=w.project.pk, party="enterprise", content="x", due_on=date(2026, 8, 1)
    )
    late = token_client(w.lead).get(f"{BASE}/progress/late?month=2026-06").json()
    assert late["due"] == "2026-07-03" and late["past_due"] is True
    assert {p["code"] for p in late["missing"]} == {"XM-2026-001", "XM-N"}
    assert token_client(w.outsider).get(f"{BASE}/progress/late?month=2026-06").json()["missing"] == []
    briefing = token_client(w.hub).get(f"{BASE}/progress/briefing?month=2026-06").json()
    assert [p["code"] for p in briefing["reserve"]] == ["XM-B"]
    assert [p["code"] for p in briefing["negotiation"]] == ["XM-N"]
    assert [p["code"] for p in briefing["signed"]] == ["XM-2026-001"]
    assert sum(u["reserve"] for u in briefing["units"]) == len(briefing["reserve"])
    mine = token_client(w.lead).get(f"{BASE}/progress/briefing?month=2026-06").json()
    assert mine["reserve"] == [] and mine["scope"] == "甲县"
