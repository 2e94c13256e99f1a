"""The pages: who sees what, and the forms drive the same services."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import EscalationStatus
from zhitong.coordination import services
from zhitong.coordination.choices import EventKind, EventStatus, TaskStatus, Verification
from zhitong.coordination.models import EscalationBatch, Event, Meeting, Task
from zhitong.core.downloads import content_disposition

from .conftest import PDF, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def batch(city, scene):
    appeal = scene.appeal(project=city.project)
    req = scene.escalate(appeal, when=at(2025, 9, 3))
    return req


def test_the_hub_reviews_the_batch_in_the_browser_forms(city, batch, as_user):
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):
        c = as_user(city.hub)
        page = c.get(reverse("coordination:batch_detail", args=["2025-09"]))
        assert page.status_code == 200
        assert "2025年9月提请市领导协调问题" in page.content.decode()
        assert batch.project_name in page.content.decode()
        start = reverse("coordination:batch_move", args=["2025-09", "start_review"])
        assert f'action="{start}"' in page.content.decode()
        c.post(start, {"version": 1})
        page = c.get(reverse("coordination:batch_detail", args=["2025-09"])).content.decode()
        accept = reverse("coordination:request_move", args=[batch.pk, "accept"])
        assert f'action="{accept}"' in page and 'name="leader_id"' in page
        c.post(accept, {"leader_id": "", "note": "同意上报", "version": 1})
        version = EscalationBatch.objects.get(month=date(2025, 9, 1)).version
        r = c.post(
            reverse("coordination:batch_move", args=["2025-09", "submit"]), {"version": version}, follow=True
        )
    assert "已报送分管市领导" in r.content.decode()
    # The batch's and the request's histories are on the page.
    assert "批次记录" in r.content.decode() and "审核记录" in r.content.decode()
    batch.refresh_from_db()
    assert batch.status == EscalationStatus.SENT_TO_LEADER and batch.leader == city.leader
    xlsx = as_user(city.hub).get(reverse("coordination:batch_annex2", args=["2025-09"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # Named as staff file it: the annex, the collecting unit (the hub's), the month.
    assert xlsx["Content-Disposition"] == content_disposition(
        "附件2_市发展和改革委员会_2025年9月.xlsx", fallback="annex2-FGW-2025-09.xlsx"
    )


def test_unit_staff_and_leaders_cannot_open_the_batch_review(city, batch, as_user):
    for person in (city.handler, city.head, city.leader, city.supervisor):
        c = as_user(person)
        assert c.get(reverse("coordination:batch_detail", args=["2025-09"])).status_code == 403
        c.post(
            reverse("coordination:request_move", args=[batch.pk, "accept"]),
            {"leader_id": "", "version": batch.version},
        )
    batch.refresh_from_db()
    assert batch.status == EscalationStatus.SUBMITTED


def test_the_leader_sees_their_batch_and_the_other_leader_does_not(city, batch, as_user):
    services.batch_start_review(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    services.escalation_accept(actor=city.hub, request_id=batch.pk, now=at(2025, 9, 11))
    services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    assert batch.problem in as_user(city.leader).get(reverse("coordination:my_batch")).content.decode()
    assert batch.problem not in as_user(city.leader2).get(reverse("coordination:my_batch")).content.decode()
    assert as_user(city.handler).get(reverse("coordination:my_batch")).status_code == 403


def test_a_meeting_is_arranged_held_and_its_opinion_assigned_through_the_pages(city, batch, as_user):
    services.batch_start_review(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    services.escalation_accept(actor=city.hub, request_id=batch.pk, now=at(2025, 9, 11))
    services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11))
    c = as_user(city.leader)
    r = c.post(
        reverse("coordination:meeting_create"),
        {
            "title": "厂房扩建项目协调会",
            "convener": city.leader.pk,
            "held_at": "2025-09-01T08:00",
            "place": "市政府第三会议室",
            "units": [city.units.zjj.pk, city.units.gxj.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("coordination:meeting_detail", args=[meeting.pk])
    c.post(reverse("coordination:meeting_add_items", args=[meeting.pk]), {"escalation_ids": [batch.pk]})
    item = meeting.items.get()
    page = c.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    opinion = reverse("coordination:meeting_move", args=[meeting.pk, "opinion"])
    assert f'action="{opinion}"' in page and f'name="item_id" value="{item.pk}"' in page
    c.post(
        opinion,
        {
            "item_id": item.pk,
            "opinion": "市住建局牵头，十个工作日内完成联合验收",
            "unit_ids": [city.units.zjj.pk, city.units.glq.pk],
            "due_workdays": 10,
            "version": Meeting.objects.get().version,
        },
    )
    assert Task.objects.filter(meeting_item=item).count() == 2
    c.post(
        reverse("coordination:meeting_move", args=[meeting.pk, "minutes"]),
        {
            "upload": SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf"),
            "version": Meeting.objects.get().version,
        },
    )
    page = c.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert "会议纪要.pdf" in page and "市住建局牵头，十个工作日内完成联合验收" in page
    assert "协调会记录" in page and "拟召开 → 已召开" in page  # the meeting's history
    # Another leader cannot touch it.
    other = as_user(city.leader2)
    r = other.post(
        reverse("coordination:meeting_move", args=[meeting.pk, "minutes"]),
        {"upload": SimpleUploadedFile("x.pdf", PDF), "version": Meeting.objects.get().version},
    )
    assert r.status_code in (302, 404)
    meeting.refresh_from_db()
    assert meeting.minutes_name == "会议纪要.pdf"
    # The download is named by the meeting and its day.
    minutes = c.get(reverse("coordination:meeting_minutes_file", args=[meeting.pk]))
    held = timezone.localdate(meeting.held_at)
    assert minutes["Content-Disposition"] == content_disposition(
        f"会议纪要_{meeting.title}_{held.year}年{held.month}月{held.day}日.pdf",
        fallback=f"minutes-{meeting.pk}-{held:%Y-%m-%d}.pdf",
    )


def test_a_unit_reports_its_task_and_the_supervisor_confirms_it(city, scene, as_user):
    appeal = scene.appeal()
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="工信局办理",
        unit_ids=[city.units.gxj.pk],
        due_workdays=3,
        now=at(2025, 9, 1, 9),
    )
    task = Task.objects.get()
    page = as_user(city.handler).get(reverse("coordination:tasks")).content.decode()
    assert "工信局办理" in page
    assert "工信局办理" not in as_user(city.outsider).get(reverse("coordination:tasks")).content.decode()
    assert as_user(city.outsider).get(reverse("coordination:task_detail", args=[task.pk])).status_code == 404
    c = as_user(city.handler)
    page = c.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    done = reverse("coordination:task_move", args=[task.pk, "done"])
    assert f'action="{done}"' in page and "确认办结" not in page
    c.post(done, {"note": "已办结", "version": task.version})
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED
    c.post(
        reverse("coordination:task_move", args=[task.pk, "confirm"]), {"note": "", "version": task.version}
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED  # the unit may not confirm its own task
    as_user(city.supervisor).post(
        reverse("coordination:task_move", args=[task.pk, "confirm"]),
        {"note": "核实", "version": task.version},
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_the_supervisor_sees_every_task_with_the_overdue_highlighted(city, scene, as_user):
    appeal = scene.appeal()
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="限期办理",
        unit_ids=[city.units.swj.pk],
        due_date=date(2025, 9, 2),
        now=at(2025, 9, 1, 9),
    )
    with time_machine.travel(at(2025, 9, 5), tick=False):
        page = (
            as_user(city.supervisor)
            .get(reverse("coordination:tasks") + "?status=open&light=red")
            .content.decode()
        )
    assert "zt-overdue" in page and "逾期3个工作日" in page


def test_the_event_pages_follow_the_steps(city, scene, as_user):
    picked = scene.appeal(project=city.project)
    c = as_user(city.hub_gxj)
    r = c.post(
        reverse("coordination:event_create"),
        {
            "title": "2025年第四季度“面对面”政企交流活动",
            "kind": EventKind.QUARTERLY,
            "level": "city",
            "scheduled_at": "2025-10-13T15:00",
            "place": "市民服务中心",
            "chair": city.mayor.pk,
            "deputy": city.leader.pk,
        },
    )
    assert r.status_code == 302
    event_id = int(r["Location"].rstrip("/").split("/")[-1])
    assert picked.code in c.get(reverse("coordination:event_pick", args=[event_id])).content.decode()
    c.post(reverse("coordination:event_action", args=[event_id, "add_appeals"]), {"appeal_ids": [picked.pk]})
    r = c.post(reverse("coordination:event_move", args=[event_id, "start_verification"]))
    assert r.status_code == 400  # no version: refused, nothing moved
    assert "缺少页面版本号" in r.content.decode()
    version = Event.objects.get(pk=event_id).version
    r = c.post(
        reverse("coordination:event_move", args=[event_id, "start_verification"]),
        {"start_verification-version": version},
    )
    assert r.status_code == 302
    item = picked.event_items.get()
    # The FGW hub sees the event but cannot act as its office.
    assert as_user(city.hub).get(reverse("coordination:event_pick", args=[event_id])).status_code == 403
    h = as_user(city.handler)
    page = h.get(reverse("coordination:event_detail", args=[event_id])).content.decode()
    assert "提交核实情况" in page
    h.post(
        reverse("coordination:event_item_action", args=[item.pk, "verify"]),
        {f"v{item.pk}-result": Verification.CONFIRMED, f"v{item.pk}-note": "经核实属实"},
    )
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        c = as_user(city.hub_gxj)
        r = c.post(
            reverse("coordination:event_move", args=[event_id, "submit_catalog"]),
            {"submit_catalog-version": Event.objects.get(pk=event_id).version},
        )
        assert r.status_code == 302
        page = c.get(reverse("coordination:event_detail", args=[event_id])).content.decode()
    assert "截止日为 2025-09-30，已逾期 1 个工作日" in page
    leader_home = as_user(city.leader).get("/").content.decode()
    assert "审核问题目录，提出处理意见建议" in leader_home
    assert Event.objects.get(pk=event_id).status == EventStatus.CATALOG_SUBMITTED


def test_annex3_is_offered_to_a_unit_for_its_own_department_only(city, as_user):
    c = as_user(city.handler)
    page = c.get(reverse("coordination:annex3") + "?month=2025-09")
    assert page.status_code == 200 and city.units.gxj.name in page.content.decode()
    assert c.get(reverse("coordination:annex3") + f"?unit={city.units.swj.pk}").status_code == 404
    xlsx = c.get(reverse("coordination:annex3") + "?month=2025-09&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == content_disposition(
        "附件3_市工业和信息化局_2025年9月.xlsx", fallback="annex3-GXJ-2025-09.xlsx"
    )
    assert as_user(city.leader).get(reverse("coordination:annex3")).status_code == 403


def test_the_home_pages_say_what_waits(city, batch, scene, as_user):
    event = services.event_create(
        actor=city.hub_gxj,
        title="季度面对面活动",
        kind=EventKind.QUARTERLY,
        scheduled_at=at(2025, 10, 13, 15),
        chair=city.mayor,
        deputy=city.leader,
        now=at(2025, 9, 2),
    )
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):
        hub_home = as_user(city.hub).get("/").content.decode()
        office_home = as_user(city.hub_gxj).get("/").content.decode()
    assert "2025年9月批次" in hub_home and "1件待开始审核" in hub_home
    assert event.title not in hub_home  # not this hub's office
    assert event.title in office_home and "收集问题后发部门核实" in office_home
    assert "待我审定" in as_user(city.leader).get("/").content.decode()


def test_the_event_list_marks_a_catalog_reported_late(city, scene, as_user):
    # seeds/001 四(二): due Tuesday 30 September for the event of Monday 13 October.
    from .test_events import verified_event

    on_time, late = (verified_event(city, scene, when=at(2025, 10, 13, 15)) for _ in range(2))
    services.event_submit_catalog(actor=city.hub_gxj, event_id=on_time.pk, now=at(2025, 9, 30, 23, 59))
    services.event_submit_catalog(actor=city.hub_gxj, event_id=late.pk, now=at(2025, 10, 1, 0, 0))
    with time_machine.travel(at(2025, 10, 2, 9), tick=False):
        page = as_user(city.hub_gxj).get(reverse("coordination:events")).content.decode()
    assert page.count("逾期报送") == 1 and page.count("按时报送") == 1
