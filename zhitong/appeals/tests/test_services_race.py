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


def test_crossed_merges_never_deadlock_and_leave_exactly_one_master(flow, city, monkeypatch):
    # A into B and B into A at the same instant, ten times: each locked its own row first
    # and then touched the other (the target's foreign key), so PostgreSQL found a
    # deadlock and one side answered 500. Both rows are now locked together in id order,
    # so the database never has to give up on one (the kernel's retry is not needed).
    from zhitong.common import transitions

    given_up = []
    seen = transitions.is_contention

    def spy(exc):
        found = seen(exc)
        given_up.extend([exc] if found else [])
        return found

    monkeypatch.setattr(transitions, "is_contention", spy)
    for _ in range(10):
        a, b = flow.intake(), flow.intake()

        def merge(appeal, into):
            return lambda: services.appeal_move(
                appeal_id=appeal.pk,
                move="merge",
                actor=city.hub,
                expected_version=appeal.version,
                into_id=into.pk,
                reason="同一事项重复反映",
            )

        results = race(merge(a, b), merge(b, a))
        winners = [r for r in results if isinstance(r, Appeal)]
        losers = [r for r in results if not isinstance(r, Appeal)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert isinstance(losers[0], ConflictError) and losers[0].status == 409, results
        a.refresh_from_db()
        b.refresh_from_db()
        merged, master = (a, b) if a.status == Status.MERGED else (b, a)
        assert (merged.status, merged.merged_into_id) == (Status.MERGED, master.pk)
        assert (master.status, master.merged_into_id) == (Status.SUBMITTED, None)
        assert Transition.objects.filter(appeal=master, action="merged_in").count() == 1
        assert not Transition.objects.filter(appeal=master, action="merge").exists()
    assert given_up == []


def test_crossed_merges_through_the_api_answer_200_and_409_never_500(flow, city, client):
    import json

    from zhitong.api.models import ApiToken

    _, token = ApiToken.issue(user=city.hub, name="race")
    for _ in range(5):
        a, b = flow.intake(), flow.intake()

        def post(appeal, into):
            def call():
                from django.test import Client

                return Client(raise_request_exception=False).post(
                    f"/api/v1/appeals/{appeal.pk}/moves/merge",
                    data=json.dumps(
                        {"expected_version": appeal.version, "data": {"into_id": into.pk, "reason": "重复"}}
                    ),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )

            return call

        codes = sorted(r.status_code for r in race(post(a, b), post(b, a)))
        assert codes == [200, 409], codes
        assert Appeal.objects.filter(pk__in=[a.pk, b.pk], status=Status.MERGED).count() == 1


def test_one_key_sent_concurrently_with_two_payloads_creates_one_and_refuses_the_other(flow, city):
    results = race(
        lambda: flow.intake(idempotency_key="race-2"),
        lambda: flow.intake(idempotency_key="race-2", title="另一件事：用电增容审批缓慢"),
    )
    created = [r for r in results if isinstance(r, Appeal)]
    refused = [r for r in results if isinstance(r, services.IdempotencyMismatch)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].status == 422
    assert Appeal.objects.count() == 1


def test_one_key_sent_concurrently_by_two_clients_creates_one_appeal_each(flow, city):
    results = race(
        lambda: flow.intake(idempotency_key="race-3"),
        lambda: flow.intake(idempotency_key="race-3", actor=city.handler),
    )
    assert all(isinstance(r, Appeal) for r in results), results
    assert {r.received_by_id for r in results} == {city.clerk.pk, city.handler.pk}
    assert Appeal.objects.count() == 2
