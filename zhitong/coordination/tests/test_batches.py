from datetime import date

import pytest

from zhitong.appeals.choices import EscalationStatus, Status
from zhitong.appeals.models import Appeal
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import BatchStatus
from zhitong.coordination.models import EscalationBatch
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("month", "cutoff"),
    [
        (date(2026, 2, 1), date(2026, 2, 10)),  # a Tuesday: the 10th itself
        (date(2026, 1, 1), date(2026, 1, 12)),  # Saturday 10th → Monday 12th
        (date(2025, 5, 1), date(2025, 5, 12)),  # Saturday 10th → Monday 12th
        (date(2026, 5, 1), date(2026, 5, 11)),  # Sunday 10th → Monday 11th
        (date(2024, 2, 1), date(2024, 2, 18)),  # Spring Festival: runs to the adjusted working Sunday
        (date(2026, 10, 1), date(2026, 10, 10)),  # an adjusted working Saturday is a working day
    ],
)
def test_the_cutoff_is_the_10th_or_the_next_working_day(db, month, cutoff):
    assert services.batch_cutoff(month).date == cutoff


@pytest.mark.parametrize(
    ("received", "batch"),
    [
        (at(2026, 2, 10, 23, 59), date(2026, 2, 1)),
        (at(2026, 2, 11, 0, 1), date(2026, 3, 1)),
        # 10 January 2026 is a Saturday: the cut-off runs to Monday the 12th.
        (at(2026, 1, 11, 15), date(2026, 1, 1)),
        (at(2026, 1, 12, 20), date(2026, 1, 1)),
        (at(2026, 1, 13, 9), date(2026, 2, 1)),
        # 10 October 2026 is an adjusted working Saturday: the 11th is already late.
        (at(2026, 10, 10, 17), date(2026, 10, 1)),
        (at(2026, 10, 11, 9), date(2026, 11, 1)),
        (at(2025, 12, 20), date(2026, 1, 1)),
    ],
)
def test_a_request_joins_the_batch_its_receipt_day_falls_in(db, received, batch):
    assert services.batch_month_for(received) == batch


def test_a_request_received_on_a_holiday_11th_joins_that_months_batch(city, scene):
    scene.now = at(2026, 1, 5)
    appeal = scene.appeal()
    req = scene.escalate(appeal, when=at(2026, 1, 11, 10))  # Sunday; the cut-off is Monday 12th
    assert req.batch_month == date(2026, 1, 1)  # the appeals app files it by the same rule
    assert req in selectors.batch_requests(month=date(2026, 1, 1))
    assert req not in selectors.batch_requests(month=date(2026, 2, 1))


def test_a_request_filed_under_the_wrong_month_is_refiled_when_the_review_starts(city, scene):
    """A safety net for rows stored by an older rule (calendar day <= 10): the review files
    every request by the cut-off rule before anyone reviews it, with an audit event."""
    from zhitong.audit.models import AuditEvent
    from zhitong.coordination.models import EscalationRequest

    scene.now = at(2026, 1, 5)
    req = scene.escalate(scene.appeal(), when=at(2026, 1, 11, 10))
    EscalationRequest.objects.filter(pk=req.pk).update(batch_month=date(2026, 2, 1))
    # The open batch already shows it where the rule puts it…
    assert req in selectors.batch_requests(month=date(2026, 1, 1))
    services.batch_start_review(actor=city.hub, month=date(2026, 1, 1), now=at(2026, 1, 13))
    req.refresh_from_db()
    assert req.batch_month == date(2026, 1, 1)
    assert req.batch.month == date(2026, 1, 1)  # the batch follows the month
    assert AuditEvent.objects.filter(action="escalation.refile", object_id=str(req.pk)).exists()


def test_escalating_files_the_request_in_its_batch_opening_it_if_needed(city, scene):
    scene.now = at(2026, 1, 5)
    assert not EscalationBatch.objects.exists()
    first = scene.escalate(scene.appeal(), when=at(2026, 1, 11, 10))
    second = scene.escalate(scene.appeal(), when=at(2026, 1, 13, 9))  # after the cut-off
    third = scene.escalate(scene.appeal(), when=at(2026, 1, 14, 9))
    assert (first.batch.month, first.batch.cutoff) == (date(2026, 1, 1), date(2026, 1, 12))
    assert second.batch.month == date(2026, 2, 1) and third.batch == second.batch
    assert list(second.batch.requests.order_by("id")) == [second, third]
    assert EscalationBatch.objects.count() == 2


def test_a_failure_filing_the_request_rolls_the_escalate_move_back(city, scene):
    """The request is filed on the appeals app's signal inside the move's transaction: an
    error there leaves neither a request nor a moved appeal."""
    from zhitong.appeals.signals import appeal_escalated

    scene.now = at(2026, 1, 5)
    appeal = scene.appeal()
    before = (appeal.status, appeal.version, appeal.transitions.count())

    def refuse(sender, **kwargs):
        raise ServiceError("申报归档失败")

    appeal_escalated.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(ServiceError, match="申报归档失败"):
            scene.escalate(appeal, when=at(2026, 1, 6, 10))
    finally:
        appeal_escalated.disconnect(dispatch_uid="test.refuse")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.version, appeal.transitions.count()) == before
    assert not appeal.escalations.exists()
    assert not EscalationBatch.objects.exists()


def test_the_migration_files_existing_requests_in_their_batches(city, scene):
    """coordination 0003 fills `batch` from `batch_month`, opening missing batches with the
    cut-off of services/batches.py and reusing existing ones."""
    import importlib

    from django.apps import apps

    from zhitong.coordination.models import EscalationRequest

    migration = importlib.import_module("zhitong.coordination.migrations.0003_escalationrequest_from_appeals")
    scene.now = at(2025, 12, 20)
    reqs = [
        scene.escalate(scene.appeal(), when=at(2025, 12, 21, 10)),
        scene.escalate(scene.appeal(), when=at(2026, 1, 11, 10)),
        scene.escalate(scene.appeal(), when=at(2026, 5, 2, 10)),
    ]
    january = EscalationBatch.objects.get(month=date(2026, 1, 1))
    EscalationRequest.objects.update(batch=None)
    EscalationBatch.objects.exclude(pk=january.pk).delete()
    migration.fill_batches(apps, None)
    for req in reqs:
        req.refresh_from_db()
    assert [r.batch.month for r in reqs] == [date(2026, 1, 1), date(2026, 1, 1), date(2026, 5, 1)]
    assert reqs[0].batch == january
    assert (reqs[2].batch.cutoff, reqs[2].batch.status) == (date(2026, 5, 11), BatchStatus.OPEN)


def test_the_review_cannot_start_before_the_cutoff_has_passed(city, scene):
    with pytest.raises(ConflictError, match="2026-01-12"):
        services.batch_start_review(actor=city.hub, month=date(2026, 1, 1), now=at(2026, 1, 12, 18))


def test_only_the_hub_starts_the_review(city, scene):
    for person in (city.handler, city.head, city.leader, city.supervisor):
        with pytest.raises(Forbidden):
            services.batch_start_review(actor=person, month=date(2025, 9, 1), now=at(2025, 9, 15))


@pytest.fixture
def reviewing(city, scene):
    """Two requests of September 2025's batch, under review."""
    a1 = scene.appeal()
    a2 = scene.appeal(lead=city.units.glq)
    r1 = scene.escalate(a1, when=at(2025, 9, 3))
    r2 = scene.escalate(a2, when=at(2025, 9, 4), units=[city.units.zrj])
    services.batch_start_review(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 9))
    return r1, r2


def test_the_hub_accepts_with_the_leader_in_charge_of_the_reporting_unit(city, reviewing):
    r1, r2 = reviewing
    services.escalation_accept(actor=city.hub, request_id=r1.pk, now=at(2025, 9, 11, 10))
    services.escalation_accept(actor=city.hub, request_id=r2.pk, now=at(2025, 9, 11, 10))
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert r1.status == EscalationStatus.ACCEPTED
    assert r1.leader == city.leader  # portfolio GXJ, the reporting unit
    assert r2.leader == city.leader2  # portfolio GLQ
    assert r1.appeal.transitions.filter(action="coordination.escalation_accept").exists()


def test_the_hub_may_choose_another_leader(city, reviewing):
    r1, _ = reviewing
    services.escalation_accept(actor=city.hub, request_id=r1.pk, leader=city.mayor, now=at(2025, 9, 11, 10))
    r1.refresh_from_db()
    assert r1.leader == city.mayor


def test_a_non_leader_cannot_be_chosen(city, reviewing):
    r1, _ = reviewing
    with pytest.raises(ServiceError):
        services.escalation_accept(
            actor=city.hub, request_id=r1.pk, leader=city.head, now=at(2025, 9, 11, 10)
        )


def test_only_the_hub_reviews_requests(city, reviewing):
    r1, _ = reviewing
    for person in (city.handler, city.head, city.outsider, city.leader, city.supervisor):
        with pytest.raises(Forbidden):
            services.escalation_accept(actor=person, request_id=r1.pk, now=at(2025, 9, 11, 10))
        with pytest.raises(Forbidden):
            services.escalation_return(
                actor=person, request_id=r1.pk, reason="材料不全", now=at(2025, 9, 11, 10)
            )


def test_returning_needs_a_reason_and_gives_the_appeal_back_to_its_lead_unit(city, reviewing):
    r1, _ = reviewing
    with pytest.raises(ServiceError):
        services.escalation_return(actor=city.hub, request_id=r1.pk, reason="  ", now=at(2025, 9, 11, 10))
    services.escalation_return(
        actor=city.hub, request_id=r1.pk, reason="属部门职责，请牵头单位继续协调", now=at(2025, 9, 11, 10)
    )
    r1.refresh_from_db()
    appeal = Appeal.objects.get(pk=r1.appeal_id)
    assert r1.status == EscalationStatus.RETURNED
    assert r1.review_note == "属部门职责，请牵头单位继续协调"
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.transitions.filter(action="coordination.escalation_return").exists()


def test_the_batch_is_submitted_only_when_every_request_is_decided(
    city, reviewing, django_capture_on_commit_callbacks
):
    r1, r2 = reviewing
    services.escalation_accept(actor=city.hub, request_id=r1.pk, now=at(2025, 9, 11, 10))
    with pytest.raises(ConflictError, match="1件"):
        services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 11))
    services.escalation_return(actor=city.hub, request_id=r2.pk, reason="重复申报", now=at(2025, 9, 11, 10))
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 11))
    assert batch.status == BatchStatus.SUBMITTED
    r1.refresh_from_db()
    assert r1.status == EscalationStatus.SENT_TO_LEADER
    # The leader sees their batch; the other leader sees nothing of it.
    groups = selectors.leader_batch(user=city.leader)
    assert groups == [(date(2025, 9, 1), [r1])]
    assert selectors.leader_batch(user=city.leader2) == []
    assert selectors.escalation_get_for_user(user=city.leader, request_id=r1.pk) == r1
    with pytest.raises(AccessDenied):
        selectors.escalation_get_for_user(user=city.leader2, request_id=r1.pk)
    with pytest.raises(AccessDenied):
        selectors.escalation_get_for_user(user=city.outsider, request_id=r1.pk)
    assert selectors.escalation_get_for_user(user=city.head, request_id=r1.pk) == r1
    assert city.leader.notifications.filter(kind="escalation_batch").exists()


def test_a_submitted_batch_takes_no_more_decisions(city, reviewing):
    r1, r2 = reviewing
    services.escalation_accept(actor=city.hub, request_id=r1.pk, now=at(2025, 9, 11, 10))
    services.escalation_accept(actor=city.hub, request_id=r2.pk, now=at(2025, 9, 11, 10))
    services.batch_submit(actor=city.hub, month=date(2025, 9, 1), now=at(2025, 9, 11, 11))
    with pytest.raises(ConflictError):
        services.escalation_return(actor=city.hub, request_id=r1.pk, reason="改为退回", now=at(2025, 9, 12))


def test_annex2_rows_have_the_seed_columns_in_order(city, reviewing):
    r1, r2 = reviewing
    services.escalation_accept(actor=city.hub, request_id=r1.pk, now=at(2025, 9, 11, 10))
    services.escalation_return(actor=city.hub, request_id=r2.pk, reason="重复申报", now=at(2025, 9, 11, 10))
    rows = selectors.annex2_rows(month=date(2025, 9, 1))
    assert rows == [
        [
            1,
            r1.project_name,
            r1.basic_situation,
            r1.problem,
            "鼓楼区、市住房和城乡建设局",  # in the organisation chart's order
            city.leader.display_name,
            city.units.gxj.name,
            "林经理 13800000000",
        ]
    ]
