"""Annex 1 《“一企一议”问题台账》: the rows, the page, the workbook and the API, and who reads
which unit's ledger."""

import io
import json
from datetime import date, datetime

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals.choices import Status
from zhitong.reports import annex1
from zhitong.reports.tests.conftest import TZ

SEPT = (date(2025, 9, 1), date(2025, 9, 30))
OCT = (date(2025, 10, 1), date(2025, 10, 31))
URL = "/reports/annex1/"
API = "/api/v1/reports/annex1"


def rows_of(unit, period):
    return annex1.ledger_rows(unit=unit, month_start=period[0], month_end=period[1])


def test_an_appeal_the_unit_leads_is_a_row_of_its_ledger_in_the_seed_columns(flow, city):
    a = flow.to(Status.IN_PROGRESS)
    assert a.lead_unit_id == city.units.gxj.pk
    rows = rows_of(city.units.gxj, SEPT)
    assert [r["appeal_id"] for r in rows] == [a.pk]
    row = rows[0]
    assert row["no"] == 1
    assert row["project_name"] == city.enterprise.name  # no project: the enterprise (一企一议)
    assert a.code in row["basic_situation"] and a.title in row["basic_situation"]
    assert row["problem"] == a.description
    assert row["reporting_unit"] == city.units.hotline.display_name
    assert (
        row["coordinating_units"]
        == f"牵头：{city.units.gxj.display_name}；配合：{city.units.tcj.display_name}"
    )
    assert row["meeting_dates"] == row["meeting_leaders"] == row["opinions"] == ""
    assert row["implementation"] == "办理中"
    assert row["resolved"] == "否"
    # Another unit's ledger does not list it.
    assert rows_of(city.units.swj, SEPT) == []


def test_a_problem_concluded_in_a_month_is_solved_there_and_leaves_the_next_months_ledger(flow, city):
    flow.to(Status.CLOSED)
    (row,) = rows_of(city.units.gxj, SEPT)
    assert row["resolved"] == "是"
    assert "已协调消防部门完成备案" in row["implementation"]
    assert rows_of(city.units.gxj, OCT) == []


def test_an_open_problem_is_carried_into_the_next_months_ledger(flow, city):
    a = flow.to(Status.IN_PROGRESS)
    assert [r["appeal_id"] for r in rows_of(city.units.gxj, OCT)] == [a.pk]
    # Not in August: it was received later.
    assert rows_of(city.units.gxj, (date(2025, 8, 1), date(2025, 8, 31))) == []


def test_all_ledger_rows_fit_the_month_close_contract(flow, city):
    a1 = flow.to(Status.IN_PROGRESS)
    a2 = flow.to(Status.RESOLVED)
    rows = annex1.all_ledger_rows(month_start=SEPT[0], month_end=SEPT[1])
    assert [(r["unit_code"], r["no"], r["appeal_id"]) for r in rows] == [("GXJ", 1, a1.pk), ("GXJ", 2, a2.pk)]
    # JSON-serialisable and stable: the same call gives the same text.
    assert json.dumps(rows, ensure_ascii=False) == json.dumps(
        annex1.all_ledger_rows(month_start=SEPT[0], month_end=SEPT[1]), ensure_ascii=False
    )
    # The first day of the next month as the end gives the same rows (either convention).
    assert annex1.all_ledger_rows(month_start=SEPT[0], month_end=date(2025, 10, 1)) == rows


# -- the page ----------------------------------------------------------------------------------


def test_unit_staff_read_their_own_units_ledger(client, flow, city):
    a = flow.to(Status.IN_PROGRESS)
    for user in (city.handler, city.head, city.section_handler):
        client.force_login(user)
        r = client.get(URL, {"month": "2025-09"})
        assert r.status_code == 200
        assert r.context["unit"] == city.units.gxj
        assert a.code in r.content.decode()
        assert [u.pk for u in r.context["units"]] == [city.units.gxj.pk]


def test_an_outsider_cannot_open_another_units_ledger(client, flow, city):
    a = flow.to(Status.IN_PROGRESS)
    client.force_login(city.outsider)
    assert client.get(URL, {"unit": city.units.gxj.pk, "month": "2025-09"}).status_code == 404
    r = client.get(URL, {"month": "2025-09"})
    assert r.status_code == 200 and r.context["unit"] == city.units.swj
    assert a.code not in r.content.decode()


def test_the_hub_leaders_supervisor_and_peoples_congress_read_every_ledger(client, flow, people):
    city = people
    a = flow.to(Status.IN_PROGRESS)
    for user in (city.hub, city.leader, city.supervisor, city.overseer):
        client.force_login(user)
        r = client.get(URL, {"unit": city.units.gxj.pk, "month": "2025-09"})
        assert r.status_code == 200, user
        assert a.code in r.content.decode()


def test_enterprises_and_anonymous_visitors_are_refused_the_ledger(client, city):
    assert client.get(URL).status_code == 302
    client.force_login(city.enterprise_user)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "month/").status_code == 403


def test_the_month_index_counts_link_to_each_ledger(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.hub)
    r = client.get(URL + "month/", {"month": "2025-09"})
    assert r.status_code == 200
    counts = {u.code: n for u, n in r.context["rows"]}
    assert counts["GXJ"] == 2 and counts["SWJ"] == 0
    assert r.context["total"] == 2
    # The count is the length of the ledger it links to.
    ledger = client.get(URL, {"unit": city.units.gxj.pk, "month": "2025-09"})
    assert len(ledger.context["rows"]) == 2
    client.force_login(city.outsider)
    assert [u.code for u, _n in client.get(URL + "month/").context["rows"]] == ["SWJ"]


def test_the_ledger_page_runs_the_same_queries_for_few_and_many_rows(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.hub)
    params = {"unit": city.units.gxj.pk, "month": "2025-09"}
    client.get(URL, params)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    for _ in range(3):
        flow.to(Status.IN_PROGRESS)
    flow.to(Status.CLOSED)
    with CaptureQueriesContext(connection) as many:
        r = client.get(URL, params)
    assert len(r.context["rows"]) == 5
    assert len(many) == len(few)


def test_the_month_index_runs_the_same_queries_for_few_and_many_rows(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.hub)
    client.get(URL + "month/", {"month": "2025-09"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL + "month/", {"month": "2025-09"})
    for _ in range(3):
        flow.to(Status.IN_PROGRESS)
    with CaptureQueriesContext(connection) as many:
        client.get(URL + "month/", {"month": "2025-09"})
    assert len(many) == len(few)


# -- the workbook --------------------------------------------------------------------------------


def test_the_workbook_has_the_seeds_title_and_two_header_rows(client, flow, city):
    a = flow.to(Status.IN_PROGRESS)
    client.force_login(city.head)
    r = client.get(URL, {"month": "2025-09", "format": "xlsx"})
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    # Streamed from the temporary file it was written to, not held in memory.
    assert r.streaming
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.title == "附件1"
    assert ws["A1"].value == "市工业和信息化局“一企一议”问题台账（2025年9月）"
    assert ws["A2"].value == "单位名称（盖章）：市工业和信息化局"
    assert [ws.cell(3, c).value for c in range(1, 12)] == [
        "序号",
        "问题收集分解",
        None,
        None,
        None,
        "问题分解协调",
        None,
        None,
        None,
        "问题跟踪落实",
        None,
    ]
    assert [ws.cell(4, c).value for c in range(2, 12)] == annex1.HEADERS[1:]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:E3", "F3:I3", "J3:K3"} <= merged
    assert ws.cell(5, 1).value == 1
    assert a.code in ws.cell(5, 3).value
    assert ws.cell(5, 11).value == "否"
    assert ws.print_title_rows == "$3:$4"


def test_an_outsider_cannot_download_another_units_workbook(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    client.force_login(city.outsider)
    r = client.get(URL, {"unit": city.units.gxj.pk, "month": "2025-09", "format": "xlsx"})
    assert r.status_code == 404


# -- the API -------------------------------------------------------------------------------------


@pytest.fixture
def api_client():
    from django.test import Client

    from zhitong.api.models import ApiToken

    def get(user, **params):
        _, raw = ApiToken.issue(user=user, name="测试")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API, params)

    return get


def test_the_api_gives_the_units_ledger_with_the_seed_headers(api_client, flow, city):
    a = flow.to(Status.IN_PROGRESS)
    r = api_client(city.handler, month="2025-09")
    assert r.status_code == 200
    body = r.json()
    assert body["headers"] == annex1.HEADERS
    assert body["title"] == "市工业和信息化局“一企一议”问题台账（2025年9月）"
    assert [row["appeal_code"] for row in body["rows"]] == [a.code]
    r = api_client(city.hub, unit_id=city.units.gxj.pk, month="2025-09")
    assert r.status_code == 200 and len(r.json()["rows"]) == 1


def test_the_api_refuses_another_units_ledger_and_enterprises(api_client, flow, city):
    flow.to(Status.IN_PROGRESS)
    r = api_client(city.outsider, unit_id=city.units.gxj.pk, month="2025-09")
    assert r.status_code == 404 and r.json()["code"]
    r = api_client(city.enterprise_user, month="2025-09")
    assert r.status_code == 403 and r.json()["code"]


def test_the_api_answers_a_bad_month_with_a_field_error(api_client, city):
    assert api_client(city.hub, month="2025-13").status_code in (400, 422)
    assert api_client(city.hub, month="abc").status_code == 422


def test_the_api_needs_a_signed_in_user(client, city):
    assert client.get(API).status_code == 401


def test_a_meeting_on_the_appeal_fills_the_coordination_columns(flow, city):
    """The coordination columns come from the meetings held on the appeal, before the end of
    the month."""
    from zhitong.coordination.choices import MeetingStatus
    from zhitong.coordination.models import Meeting, MeetingItem

    a = flow.to(Status.IN_PROGRESS)
    with time_machine.travel(datetime(2025, 9, 10, 10, tzinfo=TZ)):
        m = Meeting.objects.create(
            title="专题协调会",
            level="vice_mayor",
            convener=city.leader,
            held_at=datetime(2025, 9, 10, 10, tzinfo=TZ),
            status=MeetingStatus.HELD,
            created_by=city.hub,
        )
        MeetingItem.objects.create(
            meeting=m,
            appeal=a,
            unit=city.units.gxj,
            project_name="厂房项目",
            problem="消防备案",
            opinion="请住建部门10个工作日内办结。",
            opinion_at=datetime(2025, 9, 10, 11, tzinfo=TZ),
        )
    (row,) = rows_of(city.units.gxj, SEPT)
    assert row["meeting_dates"] == "2025-09-10"
    assert row["meeting_leaders"].startswith(city.leader.display_name)
    assert row["opinions"] == "请住建部门10个工作日内办结。"
    # A meeting after the period is not in an earlier month's ledger.
    (aug_row,) = rows_of(city.units.gxj, (date(2025, 9, 1), date(2025, 9, 9)))
    assert aug_row["meeting_dates"] == ""


def test_the_reports_root_is_the_months_ledger_index_linked_from_the_supervisors_home(client, people):
    city = people
    for user in (city.supervisor, city.overseer):
        client.force_login(user)
        r = client.get("/reports/")
        assert r.status_code == 200
        assert "GXJ" in {u.code for u, _n in r.context["rows"]}
    client.force_login(city.enterprise_user)
    assert client.get("/reports/").status_code == 403


def test_a_scope_narrowed_to_a_county_reads_only_that_countys_ledgers(client, city, monkeypatch):
    """A county supervision office (the supervision app narrows its data scope) reads its
    county's ledgers: the ledger follows organizations' data scope, not the role alone."""
    monkeypatch.setattr(annex1, "user_scope_unit_ids", lambda user: {city.units.glq.pk})
    assert [u.code for u in annex1.ledger_units_for_user(city.supervisor)] == ["GLQ"]
    client.force_login(city.supervisor)
    assert client.get(URL, {"unit": city.units.gxj.pk}).status_code == 404
    assert client.get(URL, {"unit": city.units.glq.pk}).status_code == 200
