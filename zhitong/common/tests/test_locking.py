"""The kernel's locks and its answer to contention: several rows are locked together in id
order; a deadlock or serialization failure is retried a bounded number of times, and is a
409 asking to retry — never a 500 — when it persists."""

import pytest
from django.db import OperationalError, transaction

from zhitong.common import transitions
from zhitong.common.transitions import Contention, contended, is_contention, lock_many, retrying
from zhitong.core.errors import AccessDenied
from zhitong.organizations.models import Unit
from zhitong.organizations.tests.factories import UnitFactory


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def db_error(sqlstate=None, text="deadlock detected"):
    """An OperationalError as Django raises it from psycopg (the driver's error as cause)."""
    exc = OperationalError(text)
    exc.__cause__ = _PgError(sqlstate) if sqlstate else None
    return exc


def test_deadlocks_serialization_failures_and_a_locked_sqlite_are_contention():
    assert is_contention(db_error("40P01"))
    assert is_contention(db_error("40001"))
    assert is_contention(db_error(None, "database is locked"))
    assert not is_contention(db_error("08006", "connection failure"))
    assert not is_contention(db_error(None, "no such table: x"))
    assert not is_contention(ValueError("database is locked"))


def test_contention_inside_the_block_comes_out_as_a_409_asking_to_retry():
    with pytest.raises(Contention) as caught:
        with contended():
            raise db_error("40P01")
    assert (caught.value.status, caught.value.code) == (409, "conflict")
    assert "请重试" in caught.value.message
    with pytest.raises(OperationalError):
        with contended():
            raise db_error("08006", "connection failure")


def test_a_deadlock_victim_is_run_again_and_succeeds():
    calls = []

    @retrying
    def service():
        calls.append(1)
        if len(calls) < 3:
            raise db_error("40P01")
        return "done"

    assert service() == "done"
    assert len(calls) == 3


def test_retrying_gives_up_after_a_bounded_number_of_attempts():
    calls = []

    @retrying(attempts=2)
    def service():
        calls.append(1)
        raise db_error("40001")

    with pytest.raises(Contention):
        service()
    assert len(calls) == 2


def test_inside_a_callers_transaction_nothing_is_run_again(db):
    calls = []

    @retrying
    def service():
        calls.append(1)
        raise db_error("40P01")

    with pytest.raises(Contention), transaction.atomic():
        service()
    assert len(calls) == 1


def test_other_errors_are_not_retried():
    calls = []

    @retrying
    def service():
        calls.append(1)
        raise AccessDenied()

    with pytest.raises(AccessDenied):
        service()
    assert len(calls) == 1


def test_every_registered_move_service_retries():
    machines = transitions.MACHINES.values()
    assert all(getattr(f, "retrying", False) for m in machines for f in m.services.values())


def test_lock_many_locks_the_rows_in_id_order_and_leaves_out_missing_ones(db, django_assert_num_queries):
    units = [UnitFactory() for _ in range(3)]
    ids = [u.pk for u in reversed(units)] + [units[0].pk, 999_999]
    with transaction.atomic(), django_assert_num_queries(1):
        rows = lock_many(Unit, ids)
    assert list(rows) == sorted(u.pk for u in units)
    assert lock_many(Unit, []) == {}
    with pytest.raises(AccessDenied):
        lock_many(Unit, ["abc"])


def test_lock_many_asks_for_the_rows_in_id_order_in_one_statement(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b = UnitFactory(), UnitFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        lock_many(Unit, [b.pk, a.pk])
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "ORDER BY" in sql
    # SQLite has no row locks (its writers queue for the whole database).
    assert ("FOR UPDATE" in sql) == connection.features.has_select_for_update
