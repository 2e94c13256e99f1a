"""Real concurrency on PostgreSQL: the row locks decide, nothing is done twice."""

import threading

import pytest
from django.db import connection, connections

from zhitong.coordination import services
from zhitong.coordination.choices import TaskStatus
from zhitong.coordination.models import MeetingItem, Task, TaskReport
from zhitong.core.errors import ConflictError

from .conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_opinions_racing_on_one_item_one_wins_and_tasks_are_made_once(city, scene):
    appeal = scene.appeal()
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 1)
    )

    def opinion(user, text):
        return lambda: services.meeting_record_opinion(
            actor=user,
            item_id=item.pk,
            opinion=text,
            unit_ids=[city.units.gxj.pk],
            due_workdays=5,
            now=at(2025, 9, 1, 10),
        )

    results = race(opinion(city.hub, "意见甲"), opinion(city.leader, "意见乙"))
    assert sum(isinstance(r, MeetingItem) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    assert Task.objects.filter(meeting_item=item).count() == 1


def test_two_confirmations_racing_confirm_once(city, scene):
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
        opinion="办理",
        unit_ids=[city.units.gxj.pk],
        due_workdays=5,
        now=at(2025, 9, 1, 10),
    )
    task = Task.objects.get()
    services.task_report_done(actor=city.handler, task_id=task.pk, note="已办结", now=at(2025, 9, 2))
    results = race(
        lambda: services.task_confirm(actor=city.hub, task_id=task.pk, now=at(2025, 9, 3)),
        lambda: services.task_confirm(actor=city.supervisor, task_id=task.pk, now=at(2025, 9, 3)),
    )
    assert sum(isinstance(r, Task) for r in results) == 1, results
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert TaskReport.objects.filter(task=task, kind="confirm").count() == 1


def test_an_exemption_approved_while_the_meeting_is_evaluated_leaves_no_fact_of_it(city, scene):
    # seeds/000 五(二)3: the approval re-evaluates the meeting under its lock; the month job
    # and a new opinion on the same meeting wait for it or come after, and never count it.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhitong.appeals import services as appeal_services
    from zhitong.coordination.models import CoordinationFact

    from .conftest import PDF

    exempted, other, late = scene.appeal(), scene.appeal(project=city.project), scene.appeal(title="新议题")
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    items = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[exempted.pk, other.pk, late.pk], now=at(2025, 9, 1)
    )
    for item in items[:2]:
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion="办理",
            unit_ids=[city.units.gxj.pk],
            due_workdays=5,
            now=at(2025, 9, 1, 10),
        )
    appeal_services.appeal_request_exemption(
        appeal_id=exempted.pk,
        actor=city.handler,
        explanation="国家政策调整",
        evidence_files=[SimpleUploadedFile("说明.pdf", PDF)],
        now=at(2025, 9, 2),
    )
    results = race(
        lambda: appeal_services.appeal_approve_exemption(
            appeal_id=exempted.pk, actor=city.hub, now=at(2025, 9, 3)
        ),
        lambda: services.facts_evaluate_month(month=at(2025, 9, 1).date(), now=at(2025, 9, 3)),
        lambda: services.meeting_record_opinion(
            actor=city.leader,
            item_id=items[2].pk,
            opinion="办理",
            unit_ids=[city.units.gxj.pk],
            due_workdays=5,
            now=at(2025, 9, 3),
        ),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    counted = [pk for f in CoordinationFact.objects.filter(meeting=meeting) for pk in f.appeal_ids]
    assert sorted(counted) == sorted([other.pk, late.pk])
