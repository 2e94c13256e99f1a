"""seeds/003 六.2: the one-time notice of missing materials is legally required. Its
timeline entry and the notice are written in one transaction (the outbox), so a saved
appeal whose timeline says the notice was given always gets it — whatever dies after the
commit — and an intake that fails leaves neither."""

import threading

import pytest
from django.db import close_old_connections, connection, connections

from zhitong.appeals import services
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.appeals.notices import appeal_url
from zhitong.appeals.services import intake as intake_module
from zhitong.notifications.models import Notification
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver
from zhitong.outbox.tasks import deliver_outbox

MISSING = ["营业执照副本", "消防验收申请表"]


def materials_notices(appeal) -> int:
    return Notification.objects.filter(kind="appeal.materials", url=appeal_url(appeal.pk)).count()


def deliver_everything() -> None:
    """The sweep, run until nothing is due."""
    while outbox_deliver():
        pass


@pytest.mark.django_db(transaction=True)
def test_the_notice_survives_a_crash_between_the_commit_and_the_delivery(flow, city, monkeypatch):
    def crash():
        raise ConnectionError("the worker died right after the commit")

    monkeypatch.setattr(deliver_outbox, "delay", crash)
    appeal = flow.intake(materials_missing=MISSING)  # committed; the delivery after it fails

    assert Transition.objects.filter(appeal=appeal, action="request_materials").exists()
    assert materials_notices(appeal) == 0
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING

    deliver_everything()  # beat's minute sweep
    [notice] = Notification.objects.filter(kind="appeal.materials")
    assert notice.recipient == city.enterprise_user and "1. 营业执照副本" in notice.body
    deliver_everything()
    assert materials_notices(appeal) == 1


@pytest.mark.django_db(transaction=True)
def test_an_intake_that_fails_after_the_notice_leaves_neither_appeal_nor_notice(flow, city, monkeypatch):
    real = intake_module.record_transition

    def fails_on_the_notice(appeal, *, move, **kw):
        if move == "request_materials":
            raise RuntimeError("the database went away")
        return real(appeal, move=move, **kw)

    monkeypatch.setattr(intake_module, "record_transition", fails_on_the_notice)
    with pytest.raises(RuntimeError):
        flow.intake(materials_missing=MISSING)
    assert not Appeal.objects.exists()
    assert not OutboxMessage.objects.exists()
    deliver_everything()
    assert not Notification.objects.exists()


def test_asking_for_materials_later_queues_the_notice_with_the_move(
    flow, city, django_capture_on_commit_callbacks
):
    appeal = flow.intake()
    with django_capture_on_commit_callbacks(execute=False):  # nothing runs after the commit
        services.appeal_request_materials(
            appeal_id=appeal.pk, actor=city.hub, missing_items=MISSING, now=flow.tick()
        )
    assert OutboxMessage.objects.filter(payload__kind="appeal.materials").count() == 1
    deliver_everything()
    assert materials_notices(appeal) == 1


# ---------------------------------------------------------------------------------------
# A burst of intakes while the database connections are killed (PostgreSQL)
# ---------------------------------------------------------------------------------------

WORKERS, INTAKES_EACH, TRIES = 3, 25, 4  # 75 intakes, each tried up to 4 times
# One backend of this test database at a time, picked at random, every KILL_EVERY seconds.
KILL = (
    "SELECT count(pg_terminate_backend(pid)) FROM ("
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "ORDER BY random() LIMIT 1) AS victim"
)
KILL_EVERY = 0.05


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_notice_is_lost_when_connections_are_killed_during_a_burst_of_intakes(flow, city, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("kills PostgreSQL backends")
    # A request checks its persistent connection before using it (as production does).
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    # One intake before the burst loads the working-day calendar into the process (seconds
    # of reading that the killer would otherwise interrupt every time).
    flow.intake(materials_missing=MISSING)
    stop = threading.Event()
    killed, outcomes, errors = [], [], []

    def killer():
        try:
            with connections["default"].cursor() as cursor:
                for _ in range(5000):  # bounded, whatever happens to the workers
                    if stop.wait(KILL_EVERY):
                        break
                    cursor.execute(KILL)
                    killed.append(cursor.fetchone()[0])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def worker(n):
        try:
            for i in range(INTAKES_EACH):
                # The hotline system posts each appeal with its key and retries a failure
                # a few times (a replay returns the appeal saved the first time).
                for _ in range(TRIES):
                    close_old_connections()  # what Django does at the start of each request
                    try:
                        services.appeal_intake(
                            actor=city.clerk,
                            enterprise_id=city.enterprise.pk,
                            title=f"突发登记{n}-{i}",
                            description="热线集中转入的诉求，材料不齐。",
                            category_id=city.category.pk,
                            channel="hotline",
                            materials_missing=MISSING,
                            idempotency_key=f"burst-{n}-{i}",
                        )
                        outcomes.append("saved")
                        break
                    except Exception as exc:  # a killed connection: this try failed, which is allowed
                        outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    kill_thread = threading.Thread(target=killer)
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    kill_thread.start()
    for t in workers:
        t.start()
    for t in workers:
        t.join(180)
    stop.set()
    kill_thread.join(30)
    assert errors == [] and not any(t.is_alive() for t in [*workers, kill_thread])
    connection.close()  # the test's own connection was killed too

    deliver_everything()  # beat's minute sweep

    saved = list(Appeal.objects.filter(transitions__action="request_materials"))
    # The burst really was interrupted, and intakes still got through.
    assert sum(killed) > 0 and "saved" in outcomes and len(set(outcomes)) > 1, (sum(killed), outcomes)
    assert Appeal.objects.filter(status=Status.MATERIALS_PENDING).count() == len(saved)
    # Every saved appeal whose timeline says the notice was given has exactly one…
    lost_or_doubled = {a.code: materials_notices(a) for a in saved if materials_notices(a) != 1}
    assert lost_or_doubled == {}
    # …and no notice exists for an appeal that was not saved.
    assert Notification.objects.filter(kind="appeal.materials").count() == len(saved)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
