"""N+1 guards (STYLE.md): every coordination list and detail page costs the same number of
queries with 2 rows as with 10. The rows are made through the real services (`scene`)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from zhitong.coordination import services
from zhitong.coordination.choices import EventKind
from zhitong.coordination.models import CoordinationFact, FactCertification, Meeting, Task

from .conftest import at

pytestmark = pytest.mark.django_db


def _requests(scene, city, n, *, month=9):
    """n Annex 2 requests received in `month` of 2025, each on its own appeal."""
    out = []
    for i in range(n):
        appeal = scene.appeal(project=city.project, title=f"厂房验收问题{month}-{i}")
        out.append(scene.escalate(appeal, when=at(2025, month, 3, 9 + i % 8, i)))
    return out


def test_the_batch_pages_cost_the_same_for_2_or_10_requests(city, scene, client, count_queries):
    urls = [reverse("coordination:batches"), reverse("coordination:batch_detail", args=["2025-09"])]
    _requests(scene, city, 2)
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):
        client.force_login(city.hub)
        small = [count_queries(client, url) for url in urls]
        _requests(scene, city, 8)
        large = [count_queries(client, url) for url in urls]
    assert count_queries.html.count("消防验收备案需市级协调") >= 10
    assert small == large


def test_the_batch_list_costs_the_same_for_2_or_6_months(city, scene, client, count_queries):
    _requests(scene, city, 1, month=1)
    _requests(scene, city, 1, month=2)
    with time_machine.travel(at(2025, 9, 11, 9), tick=False):
        client.force_login(city.hub)
        small = count_queries(client, reverse("coordination:batches"))
        for month in (3, 4, 5, 6):
            _requests(scene, city, 1, month=month)
        large = count_queries(client, reverse("coordination:batches"))
    assert "2025年6月" in count_queries.html
    assert small == large


def _report_to_leader(city, month, requests):
    services.batch_start_review(actor=city.hub, month=date(2025, month, 1), now=at(2025, month, 11))
    for req in requests:
        services.escalation_accept(actor=city.hub, request_id=req.pk, now=at(2025, month, 11))
    services.batch_submit(actor=city.hub, month=date(2025, month, 1), now=at(2025, month, 11))


def test_the_leaders_batch_costs_the_same_for_2_or_10_requests(city, scene, client, count_queries):
    client.force_login(city.leader)
    _report_to_leader(city, 9, _requests(scene, city, 2, month=9))
    small = count_queries(client, reverse("coordination:my_batch"))
    _report_to_leader(city, 10, _requests(scene, city, 8, month=10))
    large = count_queries(client, reverse("coordination:my_batch"))
    assert count_queries.html.count("消防验收备案需市级协调") >= 10
    assert small == large


def _meeting(city, scene, n_items, title="协调会"):
    """A meeting with n_items appeals on its agenda, each with an opinion (so tasks and
    counting facts exist)."""
    meeting = services.meeting_create(
        actor=city.hub,
        title=title,
        convener=city.leader,
        held_at=at(2025, 9, 1, 8),
        unit_ids=[city.units.zjj.pk, city.units.gxj.pk],
        now=at(2025, 9, 1, 8),
    )
    appeals = [scene.appeal(project=city.project, title=f"议题{i}") for i in range(n_items)]
    items = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a.pk for a in appeals], now=at(2025, 9, 1)
    )
    for i, item in enumerate(items):
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion=f"工信局牵头办理{i}",
            unit_ids=[city.units.gxj.pk, city.units.glq.pk],
            due_workdays=5,
            now=at(2025, 9, 1, 9),
        )
    return meeting


def test_the_meeting_list_costs_the_same_for_2_or_10_meetings(city, scene, client, count_queries):
    client.force_login(city.hub)
    for i in range(2):
        _meeting(city, scene, 1, title=f"协调会{i}")
    small = count_queries(client, reverse("coordination:meetings"))
    for i in range(2, 10):
        _meeting(city, scene, 1, title=f"协调会{i}")
    large = count_queries(client, reverse("coordination:meetings"))
    assert Meeting.objects.count() == 10 and "协调会9" in count_queries.html
    assert small == large


def test_the_meeting_detail_costs_the_same_for_2_or_10_items(city, scene, client, count_queries):
    client.force_login(city.hub)
    few = _meeting(city, scene, 2)
    many = _meeting(city, scene, 10)
    small = count_queries(client, reverse("coordination:meeting_detail", args=[few.pk]))
    large = count_queries(client, reverse("coordination:meeting_detail", args=[many.pk]))
    assert "工信局牵头办理9" in count_queries.html
    assert small == large


def test_the_task_list_costs_the_same_for_2_or_10_tasks(city, scene, client, count_queries):
    client.force_login(city.supervisor)
    _meeting(city, scene, 1)
    small = count_queries(client, reverse("coordination:tasks"))
    _meeting(city, scene, 4)
    large = count_queries(client, reverse("coordination:tasks"))
    assert Task.objects.count() == 10 and "工信局牵头办理3" in count_queries.html
    assert small == large


def test_annex3_and_the_facts_cost_the_same_for_1_or_5_meetings(city, scene, client, count_queries):
    client.force_login(city.hub)
    urls = [
        (reverse("coordination:annex3"), {"unit": city.units.gxj.pk, "month": "2025-09"}),
        (reverse("coordination:facts"), {"month": "2025-09"}),
    ]
    _meeting(city, scene, 2)
    few_facts = CoordinationFact.objects.count()
    small = [count_queries(client, url, params) for url, params in urls]
    for _ in range(4):
        _meeting(city, scene, 2)
    large = [count_queries(client, url, params) for url, params in urls]
    assert few_facts >= 1 and CoordinationFact.objects.count() == 5 * few_facts
    assert small == large


def _county_meeting(city, scene, county, n):
    """A meeting of `county`'s principal leader on 15 September 2025 with n opinions and its
    minutes, certified in October (seeds/000 五(二)1)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhitong.organizations.choices import LeaderLevel, Role
    from zhitong.organizations.tests.factories import UserFactory

    from .conftest import PDF

    leader = UserFactory(role=Role.LEADER, unit=county, leader_level=LeaderLevel.COUNTY_PRINCIPAL)
    meeting = services.meeting_create(
        actor=city.hub,
        title=f"{county.name}调度会",
        convener=leader,
        held_at=at(2025, 9, 15),
        now=at(2025, 9, 1),
    )
    appeals = [scene.appeal(title=f"{county.name}问题{i}") for i in range(n)]
    items = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a.pk for a in appeals], now=at(2025, 9, 1)
    )
    for item in items:
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion="限期办结",
            unit_ids=[county.pk],
            due_workdays=5,
            now=at(2025, 9, 15, 17),
        )
    services.meeting_upload_minutes(
        actor=city.hub, meeting_id=meeting.pk, upload=SimpleUploadedFile("纪要.pdf", PDF), now=at(2025, 9, 16)
    )
    for cert in FactCertification.objects.filter(unit=county):
        services.certification_certify(actor=city.hub, certification_id=cert.pk, now=at(2025, 10, 9))


def test_the_facts_page_costs_the_same_for_1_or_2_certified_counties(city, scene, client, count_queries):
    _county_meeting(city, scene, city.units.glq, 1)
    with time_machine.travel(at(2025, 10, 10, 9), tick=False):
        client.force_login(city.hub)
        small = count_queries(client, reverse("coordination:facts"), {"month": "2025-09"})
        _county_meeting(city, scene, city.units.csq, 3)
        large = count_queries(client, reverse("coordination:facts"), {"month": "2025-09"})
    assert "仓山区" in count_queries.html and count_queries.html.count("认定记录（1）") == 2
    assert small == large


def _events(city, n, start=0):
    return [
        services.event_create(
            actor=city.hub_gxj,
            title=f"季度面对面活动{i}",
            kind=EventKind.QUARTERLY,
            scheduled_at=at(2025, 10, 13, 15),
            chair=city.mayor,
            deputy=city.leader,
            now=at(2025, 9, 2),
        )
        for i in range(start, start + n)
    ]


def test_the_event_list_costs_the_same_for_2_or_10_events(city, client, count_queries):
    client.force_login(city.hub_gxj)
    _events(city, 2)
    small = count_queries(client, reverse("coordination:events"))
    _events(city, 8, start=2)
    large = count_queries(client, reverse("coordination:events"))
    assert "季度面对面活动9" in count_queries.html
    assert small == large


def test_the_event_detail_costs_the_same_for_2_or_10_problems(city, scene, client, count_queries):
    client.force_login(city.hub_gxj)
    few, many = _events(city, 2)
    for event, n in ((few, 2), (many, 10)):
        appeals = [scene.appeal(project=city.project, title=f"活动问题{event.pk}-{i}") for i in range(n)]
        services.event_add_appeals(
            actor=city.hub_gxj, event_id=event.pk, appeal_ids=[a.pk for a in appeals], now=at(2025, 9, 2)
        )
        services.event_start_verification(actor=city.hub_gxj, event_id=event.pk, now=at(2025, 9, 3))
    small = count_queries(client, reverse("coordination:event_detail", args=[few.pk]))
    large = count_queries(client, reverse("coordination:event_detail", args=[many.pk]))
    assert count_queries.html.count(f"活动问题{many.pk}-") >= 10
    assert small == large
