"""Importing a year's official schedule re-times every registered provisional deadline in
the import's own transaction, and records each move.

2027 has no official schedule in the test database: deadlines counted into it are
provisional, on the predicted calendar (zhitong/workdays/prediction.py: the Spring Festival
from 除夕, Friday 5 February, to Saturday 13 February, with Sunday 31 January and Sunday
14 February worked). The made-up 2027 "official" schedule below differs from it: Friday
5 – Thursday 11 February off, Saturday 20 February worked and no Sunday worked (the same as
zhitong/appeals/tests/test_clock_recompute.py)."""

import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from zhitong.appeals.models import Appeal
from zhitong.audit.models import AuditEvent
from zhitong.coordination import services
from zhitong.coordination.choices import EventKind
from zhitong.coordination.models import EscalationBatch, Event, MeetingItem, Task
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.workdays import deadlines
from zhitong.workdays import services as workdays
from zhitong.workdays.models import CalendarChange, CalendarYear, ChangeSource, DeadlineShift

from .conftest import at

pytestmark = pytest.mark.django_db

CALENDAR_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-20,workday,春节
"""


@pytest.fixture
def provisional_2027(city, scene):
    """A batch cut-off, an event's catalog deadline, a meeting opinion with its task and an
    appeal's handling deadline, all counted while 2027 was provisional, around the
    Spring Festival the import adds."""
    assert not CalendarYear.objects.filter(year=2027).exists()
    scene.now = at(2027, 1, 25, 8)  # a Monday
    appeal = scene.appeal(project=city.project)  # received, routed and signed on 25 January
    batch = services.batch_get_or_open(month=date(2027, 2, 1))
    event = services.event_create(
        actor=city.hub_gxj,
        title="2027年第一季度“面对面”政企交流活动",
        kind=EventKind.QUARTERLY,
        scheduled_at=at(2027, 2, 17, 15),
        chair=city.mayor,
        deputy=city.leader,
        now=at(2027, 1, 20),
    )
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2027, 1, 25, 14), now=at(2027, 1, 20)
    )
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2027, 1, 20)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="市工信局牵头协调供电公司增容",
        unit_ids=[city.units.gxj.pk],
        due_workdays=10,
        now=at(2027, 1, 25, 17),
    )
    task = Task.objects.get(meeting_item=item)

    # Counted on the predicted calendar:
    # the 10th of February is in the break, the cut-off the make-up Sunday 14th;
    assert (batch.cutoff, batch.cutoff_provisional) == (date(2027, 2, 14), True)
    # 4 working days before Wednesday 17 February: 16, 15, Sunday 14, then 4 (before 除夕);
    assert (event.catalog_due, event.catalog_due_provisional) == (date(2027, 2, 4), True)
    # 10 working days after Monday 25 January: Jan 26–29, Sunday 31, Feb 1–4, Sunday 14;
    assert (task.due, task.due_provisional, task.due_base, task.due_workdays) == (
        date(2027, 2, 14),
        True,
        date(2027, 1, 25),
        10,
    )
    # Its light turns yellow 2 working days ahead (the light rule): Wednesday 3 February.
    assert task.yellow_from == date(2027, 2, 3)
    # 15 (the category's limit) after 25 January: … Sunday 14, Feb 15–19.
    appeal.refresh_from_db()
    assert (appeal.handling_due, appeal.clock_provisional) == (date(2027, 2, 19), True)
    return {"batch": batch, "event": event, "task": task, "item": item, "appeal": appeal}


def _import(actor):
    return workdays.calendar_import_csv(fileobj=io.BytesIO(CALENDAR_2027.encode()), actor=actor)


def _shift(obj, field):
    return DeadlineShift.objects.get(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), field=field
    )


def test_importing_2027_moves_every_provisional_deadline_and_records_each_move(provisional_2027):
    admin = UserFactory(role=Role.ADMIN)
    result = _import(admin)
    assert result.ok

    o = {name: type(obj).objects.get(pk=obj.pk) for name, obj in provisional_2027.items()}
    # The 10th is now a holiday: the cut-off runs to Friday 12 February.
    assert (o["batch"].cutoff, o["batch"].cutoff_provisional) == (date(2027, 2, 12), False)
    # 16, 15, 12, then the holiday week counts for nothing: Thursday 4 February, as
    # predicted; only its provisional mark goes.
    assert (o["event"].catalog_due, o["event"].catalog_due_provisional) == (date(2027, 2, 4), False)
    # Jan 26–29, Feb 1–4, 12, 15 (no Sunday worked).
    assert (o["task"].due, o["task"].due_provisional) == (date(2027, 2, 15), False)
    # Its first yellow day is re-timed with it: 2 working days before the 15th, the 4th.
    assert o["task"].yellow_from == date(2027, 2, 4)
    assert (o["item"].due_date, o["item"].due_provisional) == (date(2027, 2, 15), False)
    # Jan 26–29, Feb 1–4, 12, 15–19 and the adjusted Saturday 20.
    assert (o["appeal"].handling_due, o["appeal"].clock_provisional) == (date(2027, 2, 20), False)

    change = result.change
    assert CalendarChange.objects.get() == change
    assert (change.source, change.years, change.actor, change.moved) == (
        ChangeSource.IMPORT,
        [2027],
        admin,
        4,
    )
    for obj, field, old, new in [
        (o["batch"], "cutoff", date(2027, 2, 14), date(2027, 2, 12)),
        (o["event"], "catalog_due", date(2027, 2, 4), date(2027, 2, 4)),
        (o["task"], "due", date(2027, 2, 14), date(2027, 2, 15)),
        (o["item"], "due_date", date(2027, 2, 14), date(2027, 2, 15)),
        (o["appeal"], "handling_due", date(2027, 2, 19), date(2027, 2, 20)),
    ]:
        shift = _shift(obj, field)
        assert (shift.change, shift.old_date, shift.new_date) == (change, old, new)
        assert (shift.provisional_before, shift.provisional_after) == (True, False)

    event = AuditEvent.objects.get(action="workdays.deadlines_retimed")
    assert event.object_id == str(change.pk) and event.actor_id == admin.pk
    assert event.after["moved"] == {
        "appeals.appeal": 1,
        "coordination.escalationbatch": 1,
        "coordination.task": 1,
        "coordination.meetingitem": 1,
    }
    assert event.after["confirmed"] == {"coordination.event": 1}
    assert event.after["objects"]["coordination.task"][str(o["task"].pk)]["due"] == "2027-02-15"
    assert event.before["appeals.appeal"][o["appeal"].code]["handling_due"] == "2027-02-19"


def test_a_failure_midway_rolls_the_import_and_every_move_back(provisional_2027, monkeypatch):
    """A recompute that fails after others have saved their rows: nothing of the import
    stays — not the calendar, not a moved deadline, not a record."""

    def boom(rows):
        raise RuntimeError("recompute failed")

    registry = dict(deadlines._registry)  # appeals and the batch, event, task are saved first
    registry["boom"] = deadlines.Deadline(
        model_label="coordination.Task", dates=("due",), provisional="due_provisional", recompute=boom
    )
    monkeypatch.setattr(deadlines, "_registry", registry)
    events_before = AuditEvent.objects.count()

    with pytest.raises(RuntimeError, match="recompute failed"):
        _import(UserFactory(role=Role.ADMIN))

    assert not CalendarYear.objects.filter(year=2027).exists()
    assert workdays.is_provisional(date(2027, 2, 14)) and workdays.is_workday(date(2027, 2, 14))
    assert EscalationBatch.objects.get().cutoff == date(2027, 2, 14)
    assert Event.objects.get().catalog_due_provisional
    assert Task.objects.get().due == date(2027, 2, 14)
    assert MeetingItem.objects.get().due_date == date(2027, 2, 14)
    appeal = Appeal.objects.get(pk=provisional_2027["appeal"].pk)
    assert (appeal.handling_due, appeal.clock_provisional) == (date(2027, 2, 19), True)
    assert not CalendarChange.objects.exists() and not DeadlineShift.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_the_calendar_page_shows_the_admin_what_moved(provisional_2027, client):
    admin = UserFactory(role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        "/workdays/import/",
        {"file": io.BytesIO(CALENDAR_2027.encode()), "year": "2027"},
        follow=True,
    )
    assert response.status_code == 200
    section = response.content.decode().split('data-testid="deadline-shifts"')[1].split("</article>")[0]
    assert "4 项改期" in section
    for title in ("诉求", "提请市领导协调批次", "面对面活动目录", "交办任务", "协调会意见"):
        assert f"<td>{title}</td>" in section
    assert "2027-02-14（预测）" in section and "<strong>2027-02-12</strong>" in section
    # The event's date stood: confirmed, not moved.
    assert "2027-02-04（预测）</td>" in section and "<td>2027-02-04</td>" in section
    assert provisional_2027["appeal"].code in section


def test_the_migration_gives_existing_tasks_what_their_due_date_was_counted_from(provisional_2027):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    task = provisional_2027["task"]
    Task.objects.filter(pk=task.pk).update(due_base=None, due_workdays=None)
    fill = importlib.import_module("zhitong.coordination.migrations.0004_task_due_inputs").fill
    fill(apps, SimpleNamespace(connection=connection))
    task.refresh_from_db()
    # The opinion's 10 working days, from the day of the meeting opinion (Shanghai time).
    assert (task.due_base, task.due_workdays) == (date(2027, 1, 25), 10)


def test_the_migration_gives_existing_tasks_their_first_yellow_day(provisional_2027):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    task = provisional_2027["task"]
    Task.objects.filter(pk=task.pk).update(yellow_from=None)
    fill = importlib.import_module("zhitong.coordination.migrations.0011_task_light_rule").fill
    fill(apps, SimpleNamespace(connection=connection))
    task.refresh_from_db()
    assert task.yellow_from == date(2027, 2, 3)
