"""Annex 1 at scale: the ledger's content is pinned (the rows the implementation gave before
it was rewritten to run in chunks, kept here as the expected values), its queries stay fixed
as rows grow, and the streamed workbook is cell for cell the one the ledger always gave."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.coordination.choices import MeetingStatus
from zhitong.coordination.models import Meeting, MeetingItem, Task
from zhitong.reports import annex1
from zhitong.reports.tests.conftest import TZ
from zhitong.reports.tests.xlsx_signature import signature

SEPT = (date(2025, 9, 1), date(2025, 9, 30))
OCT = (date(2025, 10, 1), date(2025, 10, 31))
# A record taller than one row may be (409 pt): the workbook merges its cells down two rows.
LONG = "\n".join(
    f"第{k}项：企业反映园区配套道路、供水、供电设施建设滞后，影响项目投产。" for k in range(1, 31)
)


def _meeting(city, *, held_at, status=MeetingStatus.HELD, level="vice_mayor", title="专题协调会"):
    with time_machine.travel(held_at):
        return Meeting.objects.create(
            title=title,
            level=level,
            convener=city.leader,
            held_at=held_at,
            status=status,
            created_by=city.hub,
        )


def _item(meeting, appeal, unit, *, opinion, tasks=()):
    item = MeetingItem.objects.create(
        meeting=meeting,
        appeal=appeal,
        unit=unit,
        project_name="厂房项目",
        problem="消防备案",
        opinion=opinion,
        opinion_at=meeting.held_at + timedelta(hours=1),
    )
    for k, (task_unit, status, note) in enumerate(tasks):
        Task.objects.create(
            meeting_item=item,
            appeal=appeal,
            unit=task_unit,
            is_lead=k == 0,
            content="落实协调意见",
            due=date(2025, 9, 30) + timedelta(days=k),
            status=status,
            assigned_at=meeting.held_at,
            assigned_by=meeting.created_by,
            last_note=note,
        )
    return item


def build_world(flow, city) -> list[Appeal]:
    """Appeals of every kind a ledger shows or leaves out, in the order they were made: led by
    GXJ in progress (a cooperating unit), closed, resolved, escalated, an objection to the
    assignment, withdrawn, verified; one registered by a section (reported by its department),
    one on a project; two held meetings (tasks with notes, an opinion with trailing spaces), a
    planned one and one held after the month (not shown); a merged duplicate (left out)."""
    from zhitong.projects.models import Project

    u = city.units
    # The factories number people by a counter shared by the whole session: a fixed name.
    city.leader.full_name = "王副市长"
    city.leader.save(update_fields=["full_name"])
    project = Project.objects.create(
        code="XM-2025-001",
        name="榕城精密机械厂房扩建项目",
        owner=city.enterprise,
        location=u.glq,
        lead_unit=u.gxj,
    )
    appeals = [
        flow.to(Status.IN_PROGRESS),
        flow.to(Status.CLOSED),
        flow.to(Status.RESOLVED),
        flow.to(Status.ESCALATED),
        flow.to(Status.TRANSFER_REQUESTED),
        flow.to(Status.WITHDRAWN),
        flow.to(Status.VERIFIED),
        flow.to(
            Status.IN_PROGRESS, title="园区道路=SUM(A1)未硬化", description="第一段。\n第二段：https://x.cn"
        ),
        flow.to(Status.IN_PROGRESS, project_id=project.pk),
        flow.to(Status.ASSIGNED),
        flow.to(Status.IN_PROGRESS, description=LONG),
        flow.to(Status.MERGED),
    ]
    # Registered by a section's clerk: the department reported it.
    Appeal.objects.filter(pk=appeals[7].pk).update(received_unit=u.gxj_section)
    m1 = _meeting(city, held_at=datetime(2025, 9, 10, 10, tzinfo=TZ))
    m2 = _meeting(city, held_at=datetime(2025, 9, 20, 15, tzinfo=TZ), level="exec_vice_mayor")
    planned = _meeting(city, held_at=datetime(2025, 9, 25, 9, tzinfo=TZ), status=MeetingStatus.PLANNED)
    later = _meeting(city, held_at=datetime(2025, 10, 8, 9, tzinfo=TZ))
    from zhitong.coordination.choices import TaskStatus

    _item(
        m1,
        appeals[0],
        u.gxj,
        opinion="请住建部门10个工作日内办结。  ",
        tasks=[(u.gxj, TaskStatus.ASSIGNED, "已对接住建局。"), (u.tcj, TaskStatus.DONE, "")],
    )
    _item(m2, appeals[0], u.gxj, opinion="  ", tasks=[(u.swj, TaskStatus.ASSIGNED, "正在办理；")])
    _item(m1, appeals[3], u.gxj, opinion="由市工信局牵头协调。")
    _item(planned, appeals[3], u.gxj, opinion="未召开的会议不进台账。")
    _item(later, appeals[0], u.gxj, opinion="十月的会议不进九月台账。")
    _item(m2, appeals[8], u.gxj, opinion="项目问题专题研究。", tasks=[(u.glq, TaskStatus.ASSIGNED, "")])
    return appeals


def normalised(rows, appeals):
    """The rows with the database's ids replaced by the appeal's place in the world (ids differ
    between databases and runs)."""
    index = {a.pk: k for k, a in enumerate(appeals)}
    out = []
    for r in rows:
        r = dict(r)
        r["appeal_id"] = index.get(r["appeal_id"], r["appeal_id"])
        r.pop("unit_id", None)
        out.append(r)
    return out


# The rows and the workbook of the world above as the implementation gave them before it was
# rewritten to stream (commit a39260e: model instances and prefetches for the rows, the
# workbook built in memory), read back with openpyxl (xlsx_signature.signature).
GOLDEN = json.loads((Path(__file__).parent / "annex1_golden.json").read_text(encoding="utf-8"))


def test_the_ledgers_rows_are_the_ones_the_ledger_always_gave(flow, city):
    appeals = build_world(flow, city)
    for key, period in (("sept", SEPT), ("oct", OCT)):
        rows = annex1.ledger_rows(unit=city.units.gxj, month_start=period[0], month_end=period[1])
        assert normalised(rows, appeals) == GOLDEN[key], key
    rows = annex1.all_ledger_rows(month_start=SEPT[0], month_end=SEPT[1])
    assert normalised(rows, appeals) == GOLDEN["all_sept"]
    assert {r["unit_id"] for r in rows} == {city.units.gxj.pk}


def test_the_workbook_is_cell_for_cell_the_one_the_ledger_always_gave(client, flow, city):
    build_world(flow, city)
    rows = annex1.ledger_rows(unit=city.units.gxj, month_start=SEPT[0], month_end=SEPT[1])
    got = signature(annex1.annex1_xlsx(unit=city.units.gxj, month=SEPT[0], rows=rows))
    assert got == GOLDEN["xlsx_sept"]
    assert signature(annex1.annex1_xlsx(unit=city.units.swj, month=SEPT[0], rows=[])) == GOLDEN["xlsx_empty"]
    # The download the page serves is that workbook.
    client.force_login(city.hub)
    r = client.get("/reports/annex1/", {"unit": city.units.gxj.pk, "month": "2025-09", "format": "xlsx"})
    assert r.status_code == 200
    content = b"".join(r.streaming_content) if r.streaming else r.content
    assert signature(content) == GOLDEN["xlsx_sept"]


def _more_appeals(flow, city, n):
    """`n` more appeals led by GXJ, each with a cooperating unit; every third on a held meeting
    with a task."""
    from zhitong.coordination.choices import TaskStatus

    meeting = _meeting(city, held_at=datetime(2025, 9, 15, 10, tzinfo=TZ))
    for k in range(n):
        a = flow.to(Status.ASSIGNED)
        if k % 3 == 0:
            _item(
                meeting,
                a,
                city.units.gxj,
                opinion=f"意见{k}",
                tasks=[(city.units.swj, TaskStatus.ASSIGNED, "")],
            )


def test_the_ledger_and_its_workbook_run_the_same_queries_for_5_and_50_appeals(flow, city):
    def queries():
        with CaptureQueriesContext(connection) as rows_q:
            rows = annex1.ledger_rows(unit=city.units.gxj, month_start=SEPT[0], month_end=SEPT[1])
        with CaptureQueriesContext(connection) as book_q:
            buf = io.BytesIO()
            annex1.write_annex1_xlsx(
                buf,
                unit=city.units.gxj,
                month=SEPT[0],
                rows=annex1.iter_ledger_rows(unit=city.units.gxj, month_start=SEPT[0], month_end=SEPT[1]),
            )
        return len(rows), len(rows_q), len(book_q)

    _more_appeals(flow, city, 5)
    n5, rows5, book5 = queries()
    _more_appeals(flow, city, 45)
    n50, rows50, book50 = queries()
    assert (n5, n50) == (5, 50)
    assert rows50 == rows5 and book50 == book5
    assert rows5 <= 6
