"""Agreement commitments (履约承诺, seeds/004 枣阳; seeds/002 政府承诺): recorded by the lead
unit or the hub, moved through their table, each move a dated fulfilment record; overdue is
read from the date."""

from datetime import date

import pytest

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput, ServiceError
from zhitong.projects.models import CommitmentParty, CommitmentRecord, CommitmentStatus
from zhitong.projects.progress.commitment_machine import COMMITMENT
from zhitong.projects.progress.commitments import commitment_create, commitment_update
from zhitong.projects.progress.selectors import commitments_of, overdue_commitments_for_user

from .progress_fixtures import another_project, progress_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 15)


def create(w, actor=None, **kw):
    values = dict(
        party=CommitmentParty.ENTERPRISE,
        content="2026年6月底前完成厂房主体封顶",
        basis="投资协议第五条",
        due_on=date(2026, 6, 30),
    )
    values.update(kw)
    return commitment_create(actor=actor or w.lead, project_id=w.project.pk, **values)


def move(c, name, actor, version, **data):
    return COMMITMENT.dispatch(pk=c.pk, move=name, actor=actor, expected_version=version, **data)


def test_the_lead_unit_and_the_hub_record_commitments_others_may_not(progress_world):
    w = progress_world
    c = create(w)
    assert c.status == CommitmentStatus.PENDING and c.created_by == w.lead
    create(
        w, w.hub, party=CommitmentParty.GOVERNMENT, content="兑现设备补贴", responsible_unit_id=w.county.pk
    )
    for stranger in (w.secretary, w.outsider):
        with pytest.raises(Forbidden):
            create(w, stranger)
    with pytest.raises(ServiceError, match="承诺方"):
        create(w, party="nobody")
    with pytest.raises(ServiceError, match="责任单位"):
        create(w, responsible_unit_id=999999)
    assert AuditEvent.objects.filter(action="project.commitment_create").count() == 2


@pytest.mark.parametrize(
    ("due", "overdue"), [(date(2026, 7, 14), True), (TODAY, False), (date(2026, 7, 16), False)]
)
def test_a_pending_commitment_is_overdue_the_day_after_its_date(progress_world, due, overdue):
    w = progress_world
    create(w, due_on=due)
    (row,) = commitments_of(w.project, TODAY)
    assert row.overdue is overdue
    assert len(overdue_commitments_for_user(user=w.lead, today=TODAY)) == int(overdue)
    assert overdue_commitments_for_user(user=w.outsider, today=TODAY) == []


def test_fulfilment_is_recorded_with_its_day_and_ends_the_overdue(progress_world):
    w = progress_world
    c = create(w)
    move(c, "record", w.secretary, 0, on=date(2026, 7, 1), note="主体完成80%")
    c = move(c, "fulfil", w.lead, 1, on=date(2026, 7, 10), note="已封顶，现场核实")
    assert c.status == CommitmentStatus.FULFILLED and c.fulfilled_on == date(2026, 7, 10)
    records = list(CommitmentRecord.objects.filter(commitment=c).values_list("action", "on", "to_status"))
    assert records == [("record", date(2026, 7, 1), "pending"), ("fulfil", date(2026, 7, 10), "fulfilled")]
    (row,) = commitments_of(w.project, TODAY)
    assert not row.overdue
    assert AuditEvent.objects.filter(action="project_commitment.fulfil").exists()


def test_who_may_make_each_move(progress_world):
    w = progress_world
    c = create(w)
    with pytest.raises(Forbidden):
        move(c, "fulfil", w.secretary, 0, on=TODAY, note="x")  # the secretary notes, does not confirm
    with pytest.raises(Forbidden):
        move(c, "record", w.outsider, 0, on=TODAY, note="x")
    with pytest.raises(Forbidden):
        move(c, "cancel", w.lead, 0, reason="协议变更")
    c = move(c, "cancel", w.hub, 0, reason="协议变更")
    assert c.status == CommitmentStatus.CANCELLED
    with pytest.raises(ConflictError):
        move(c, "fulfil", w.hub, 1, on=TODAY, note="x")


def test_the_hub_corrects_a_wrong_fulfilment(progress_world):
    w = progress_world
    c = create(w)
    c = move(c, "fulfil", w.lead, 0, on=TODAY, note="登记")
    with pytest.raises(Forbidden):
        move(c, "reopen", w.lead, 1, reason="错登")
    c = move(c, "reopen", w.hub, 1, reason="错登")
    assert c.status == CommitmentStatus.PENDING and c.fulfilled_on is None


def test_a_move_needs_its_day_not_in_the_future_and_the_version_read(progress_world):
    w = progress_world
    c = create(w)
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        move(c, "fulfil", w.lead, 0, on=date(2026, 7, 16), note="x")
    with pytest.raises(InvalidInput, match="日期"):
        move(c, "fulfil", w.lead, 0, note="x")
    with pytest.raises(ServiceError, match="情况说明"):
        move(c, "fulfil", w.lead, 0, on=TODAY, note=" ")
    with pytest.raises(ConflictError, match="已被他人更新"):
        move(c, "fulfil", w.lead, 5, on=TODAY, note="x")


def test_a_pending_commitment_is_corrected_on_its_version(progress_world):
    w = progress_world
    c = create(w)
    c = commitment_update(
        actor=w.lead,
        commitment_id=c.pk,
        expected_version=0,
        party=CommitmentParty.ENTERPRISE,
        content="2026年8月底前完成厂房主体封顶",
        due_on=date(2026, 8, 31),
    )
    assert c.version == 1 and c.due_on == date(2026, 8, 31)
    with pytest.raises(ConflictError):
        commitment_update(
            actor=w.lead,
            commitment_id=c.pk,
            expected_version=0,
            party="enterprise",
            content="x",
            due_on=TODAY,
        )
    with pytest.raises(Forbidden):
        commitment_update(
            actor=w.secretary,
            commitment_id=c.pk,
            expected_version=1,
            party="enterprise",
            content="x",
            due_on=TODAY,
        )
    event = AuditEvent.objects.get(action="project.commitment_update")
    assert event.before["due_on"] == "2026-06-30" and event.after["due_on"] == "2026-08-31"


def test_the_overdue_list_is_scoped(progress_world):
    w = progress_world
    create(w, due_on=date(2026, 7, 1))
    other = another_project(w, code="XM-B", location=w.other, lead_unit=w.other)
    commitment_create(
        actor=w.hub, project_id=other.pk, party="government", content="乙县承诺", due_on=date(2026, 7, 1)
    )
    assert [c.content for c in overdue_commitments_for_user(user=w.lead, today=TODAY)] == [
        "2026年6月底前完成厂房主体封顶"
    ]
    assert len(overdue_commitments_for_user(user=w.hub, today=TODAY)) == 2
    assert overdue_commitments_for_user(user=w.lead, today=TODAY)[0].days_overdue == 14
