"""A county principal's meeting (seeds/000 五(二)1) on the pages and the API: the hub's monthly
certification (allowed and denied), the counted facts, and the county's own Annex 3 table."""

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhitong.api.models import ApiToken
from zhitong.coordination import services
from zhitong.coordination.choices import CertificationStatus, TaskStatus
from zhitong.coordination.models import FactCertification, Task
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import PDF, at

pytestmark = pytest.mark.django_db
API = "/api/v1/coordination"
OCTOBER = at(2025, 10, 9, 10)


@pytest.fixture
def county(city, scene):
    """A meeting of 鼓楼区's principal leader on 15 September 2025 with its minutes, one of
    陈副市长 the same day; one opinion each."""
    leader = UserFactory(
        username="t_glq_leader",
        role=Role.LEADER,
        unit=city.units.glq,
        leader_level=LeaderLevel.COUNTY_PRINCIPAL,
        full_name="鼓楼区张区长",
    )
    meetings = {}
    for key, convener, title in (
        ("county", leader, "鼓楼区重点项目调度会"),
        ("city", city.leader, "市级协调会"),
    ):
        appeal = scene.appeal(project=city.project, lead=city.units.glq, title=f"{title}议题")
        meeting = services.meeting_create(
            actor=city.hub, title=title, convener=convener, held_at=at(2025, 9, 15, 15), now=at(2025, 9, 1)
        )
        (item,) = services.meeting_add_items(
            actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
        )
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion=f"{title}意见：限期办结",
            unit_ids=[city.units.glq.pk],
            due_workdays=5,
            now=at(2025, 9, 15, 17),
        )
        meetings[key] = meeting
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    services.meeting_upload_minutes(
        actor=city.hub, meeting_id=meetings["county"].pk, upload=upload, now=at(2025, 9, 16)
    )
    return meetings


def token_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def cert_of(city) -> FactCertification:
    return FactCertification.objects.get(unit=city.units.glq, month=date(2025, 9, 1))


# -- the page -------------------------------------------------------------------------------------


def test_the_hub_certifies_the_county_month_on_the_facts_page(city, county, client):
    url = reverse("coordination:facts")
    with time_machine.travel(OCTOBER, tick=False):
        client.force_login(city.hub)
        page = client.get(url, {"month": "2025-09"}).content.decode()
        cert = cert_of(city)
        action = reverse("coordination:certification_move", args=[cert.pk, "certify"])
        assert "县(市)区主要领导协调会认定" in page and f'action="{action}"' in page
        assert "待市发改委认定" in page
        waiting = client.get(url, {"month": "2025-09", "standing": "awaiting_certification"}).content.decode()
        assert "鼓楼区重点项目调度会" in waiting and "市级协调会" not in waiting
        r = client.post(action, {"version": cert.version, "note": "纪要齐全"})
    assert r.status_code == 302
    assert cert_of(city).status == CertificationStatus.CERTIFIED
    page = client.get(
        url, {"month": "2025-09", "unit": city.units.glq.pk, "standing": "counted"}
    ).content.decode()
    # The two meetings of 鼓楼区 count now, each listed under the count that links to it.
    assert page.count("鼓楼区重点项目调度会") == 1 and page.count("市级协调会") == 1


def test_the_supervisor_reads_the_certification_but_may_not_make_it(city, county, client):
    with time_machine.travel(OCTOBER, tick=False):
        client.force_login(city.supervisor)
        page = client.get(reverse("coordination:facts"), {"month": "2025-09"}).content.decode()
        cert = cert_of(city)
        action = reverse("coordination:certification_move", args=[cert.pk, "certify"])
        assert "县(市)区主要领导协调会认定" in page and action not in page
        r = client.post(action, {"version": cert.version})
        assert r.status_code == 302  # back to the page, with the reason
        assert "无权" in client.get(r["Location"]).content.decode()
    assert cert_of(city).status == CertificationStatus.PENDING


def test_unit_staff_get_404_on_a_certification(city, county, client):
    client.force_login(city.glq_handler)
    cert = cert_of(city)
    r = client.post(reverse("coordination:certification_move", args=[cert.pk, "certify"]), {"version": 1})
    assert r.status_code == 404
    assert cert_of(city).status == CertificationStatus.PENDING


# -- the API ----------------------------------------------------------------------------------------


def test_the_api_lists_and_performs_the_certification_for_the_hub(city, county):
    hub = token_client(city.hub)
    with time_machine.travel(OCTOBER, tick=False):
        (row,) = hub.get(f"{API}/facts/certifications", {"month": "2025-09"}).json()
        assert row["status"] == "pending" and row["moves"] == ["certify"]
        assert len(row["awaiting_certification_fact_ids"]) == 1 and row["counted_fact_ids"] == []
        # Before the certification only the city leader's meeting counts.
        counted = hub.get(f"{API}/facts", {"month": "2025-09"}).json()
        assert [f["standing"] for f in counted] == ["counted"]
        everything = hub.get(f"{API}/facts", {"month": "2025-09", "include_uncounted": "true"}).json()
        assert sorted(f["standing"] for f in everything) == ["awaiting_certification", "counted"]
        r = hub.post(
            f"{API}/facts/certifications/{row['id']}/moves/certify",
            json.dumps({"version": row["version"], "note": "纪要齐全"}),
            content_type="application/json",
        )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "certified" and r.json()["certified_count"] == 1
    assert len(hub.get(f"{API}/facts", {"month": "2025-09"}).json()) == 2


def test_the_api_refuses_the_certification_to_others(city, county):
    cert = cert_of(city)
    body = json.dumps({"version": cert.version})
    path = f"{API}/facts/certifications/{cert.pk}/moves/certify"
    with time_machine.travel(OCTOBER, tick=False):
        supervisor = token_client(city.supervisor)
        assert supervisor.get(f"{API}/facts/certifications", {"month": "2025-09"}).status_code == 200
        r = supervisor.post(path, body, content_type="application/json")
        assert r.status_code == 403 and r.json()["code"] == "forbidden_move"
        handler = token_client(city.glq_handler)
        assert handler.get(f"{API}/facts/certifications", {"month": "2025-09"}).status_code == 403
        assert handler.post(path, body, content_type="application/json").status_code == 404
    assert cert_of(city).status == CertificationStatus.PENDING


def test_the_api_refuses_a_month_not_yet_ended_and_a_withdrawal_without_reason(city, county):
    cert = cert_of(city)
    hub = token_client(city.hub)
    path = f"{API}/facts/certifications/{cert.pk}/moves"
    with time_machine.travel(at(2025, 9, 30, 23, 59), tick=False):
        r = hub.post(
            f"{path}/certify", json.dumps({"version": cert.version}), content_type="application/json"
        )
    assert r.status_code == 409 and "尚未结束" in r.json()["message"]
    with time_machine.travel(OCTOBER, tick=False):
        r = hub.post(
            f"{path}/certify", json.dumps({"version": cert.version}), content_type="application/json"
        )
        assert r.status_code == 200
        r = hub.post(
            f"{path}/reopen", json.dumps({"version": r.json()["version"]}), content_type="application/json"
        )
    assert r.status_code == 400 and r.json()["field"] == "reason"
    assert cert_of(city).status == CertificationStatus.CERTIFIED


# -- Annex 3: the county's own table -------------------------------------------------------------


def test_the_county_table_is_apart_from_the_city_leaders_annex3(city, county, client):
    client.force_login(city.hub)
    url = reverse("coordination:annex3")
    q = {"unit": city.units.glq.pk, "month": "2025-09"}
    page = client.get(url, q).content.decode()
    city_part, county_part = page.split("鼓楼区主要领导召开“一企一议”协调会问题解决落实情况表")
    assert "市级协调会意见" in city_part and "鼓楼区重点项目调度会意见" not in city_part
    assert "鼓楼区重点项目调度会意见" in county_part and "市级协调会意见" not in county_part
    book = load_workbook(io.BytesIO(client.get(url, q | {"format": "xlsx"}).content))
    assert book.sheetnames == ["附件3", "鼓楼区主要领导协调会"]
    assert book["附件3"]["A1"].value == "市领导召开“一企一议”协调会问题解决落实情况表（2025年9月）"
    county_sheet = book["鼓楼区主要领导协调会"]
    assert county_sheet["A1"].value == "鼓楼区主要领导召开“一企一议”协调会问题解决落实情况表（2025年9月）"
    assert county_sheet["A2"].value == "单位名称：鼓楼区"
    assert county_sheet["G4"].value == "鼓楼区重点项目调度会意见：限期办结"
    api = token_client(city.hub)
    rows = api.get(f"{API}/annex3", {"unit_id": city.units.glq.pk, "month": "2025-09", "section": "county"})
    assert [r[6] for r in rows.json()] == ["鼓楼区重点项目调度会意见：限期办结"]
    rows = api.get(f"{API}/annex3", {"unit_id": city.units.glq.pk, "month": "2025-09"})
    assert [r[6] for r in rows.json()] == ["市级协调会意见：限期办结"]


def test_a_department_has_no_county_table(city, county, client):
    client.force_login(city.hub)
    r = client.get(
        reverse("coordination:annex3"), {"unit": city.units.gxj.pk, "month": "2025-09", "format": "xlsx"}
    )
    assert load_workbook(io.BytesIO(r.content)).sheetnames == ["附件3"]


def test_solved_follows_the_tasks_not_the_appeal(city, county):
    from zhitong.appeals import services as appeal_services
    from zhitong.coordination import selectors

    september = date(2025, 9, 1)
    (task,) = Task.objects.filter(meeting_item__meeting=county["city"])
    appeal = task.appeal
    # The lead unit resolves the appeal while the meeting's task is still open: not yet solved.
    appeal_services.appeal_move(
        appeal_id=appeal.pk,
        move="resolve",
        actor=city.glq_handler,
        resolution="已协调办结",
        evidence_files=[SimpleUploadedFile("办结报告.pdf", PDF)],
        now=at(2025, 9, 18),
    )
    (row,) = selectors.annex3_rows(unit=city.units.glq, month=september)
    assert row[7] == "鼓楼区：待办理" and row[8] == "否"
    services.task_report_done(actor=city.glq_handler, task_id=task.pk, note="已办结", now=at(2025, 9, 19))
    assert selectors.annex3_rows(unit=city.units.glq, month=september)[0][8] == "否"
    services.task_confirm(actor=city.supervisor, task_id=task.pk, now=at(2025, 9, 20))
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    (row,) = selectors.annex3_rows(unit=city.units.glq, month=september)
    assert row[7].startswith("鼓楼区：已办结") and row[8] == "是"
