"""Real concurrency on PostgreSQL: row locks decide, nothing is lost."""

import threading

import pytest
from django.db import connection, connections

from zhitong.appeals import services
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.core.errors import ConflictError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def race(*calls):
    """Run the calls at the same instant in threads; returns each result or exception."""
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


def test_two_handlers_racing_on_one_appeal_one_wins_the_other_gets_409(flow, city):
    appeal = flow.to(Status.ASSIGNED)
    version = appeal.version

    def sign(user):
        return lambda: services.appeal_move(
            appeal_id=appeal.pk, move="sign", actor=user, expected_version=version
        )

    results = race(sign(city.handler), sign(city.head))
    winners = [r for r in results if isinstance(r, Appeal)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].status == 409
    appeal.refresh_from_db()
    assert (appeal.status, appeal.version, appeal.handler_id) == (
        Status.IN_PROGRESS,
        version + 1,
        winners[0].handler_id,
    )
    assert Transition.objects.filter(appeal=appeal, action="sign").count() == 1


def test_two_different_moves_racing_without_versions_are_serialised_and_both_kept(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)

    def note():
        return services.appeal_move(appeal_id=appeal.pk, move="add_progress", actor=city.handler, note="进展")

    def answer():
        return services.appeal_move(
            appeal_id=appeal.pk, move="cooperate_answer", actor=city.tcj_handler, answer="无异议"
        )

    results = race(note, answer)
    assert all(isinstance(r, Appeal) for r in results), results
    appeal.refresh_from_db()
    assert appeal.version == 5  # intake, assign, sign + two moves
    assert set(Transition.objects.filter(appeal=appeal).values_list("action", flat=True)) >= {
        "add_progress",
        "cooperate_answer",
    }


def test_the_same_intake_posted_concurrently_creates_one_appeal(flow, city):
    results = race(*[lambda: flow.intake(idempotency_key="hotline-race-1") for _ in range(3)])
    assert all(isinstance(r, Appeal) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Appeal.objects.count() == 1


def test_concurrent_intakes_get_distinct_codes(flow, city):
    results = race(*[lambda: flow.intake() for _ in range(4)])
    assert all(isinstance(r, Appeal) for r in results), results
    assert len({r.code for r in results}) == 4
