"""Appeal codes ZT-YYYY-NNNNNN without a city-wide lock (issue 14).

PostgreSQL: one sequence per year, `appeals_code_YYYY`, taken by the function
`zt_appeal_code_next(year)` (migration 0012) in one round trip. The function creates the
year's sequence on first use, idempotently (a concurrent creator's error is caught and the
winner's sequence used), starting after the highest code already used that year (imported
data); and it skips, and moves the sequence past, any code already taken (appeals imported
after the sequence was created). A sequence is not transactional: a number taken by an
intake that then rolls back is never reused, so codes can have **gaps**. That is acceptable
for a registration code: it identifies an appeal and orders appeals within a year, and
nothing counts appeals from it (every count in the system is a count of rows; the annual
figures come from `received_at`). Uniqueness is what matters and the unique index on `code`
still guarantees it.

SQLite (the embedded mode, one writer at a time anyway) keeps the counter row
(AppealCounter), locked for the rest of the intake's transaction: no gaps there.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from .models import Appeal, AppealCounter

SEQUENCE_PREFIX = "appeals_code_"


def format_code(year: int, number: int) -> str:
    return f"ZT-{year}-{number:06d}"


def next_code(year: int) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT zt_appeal_code_next(%s)", [year])
            return format_code(year, cursor.fetchone()[0])
    return format_code(year, _counter_next(year))


def _counter_next(year: int) -> int:
    """The year's counter row, locked for the rest of the transaction."""
    counter = AppealCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        # Start after any code already used that year (imported data).
        prefix = f"ZT-{year}-"
        last = Appeal.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
        start = int(last[len(prefix) :]) if last else 0
        try:
            with transaction.atomic():
                AppealCounter.objects.create(year=year, last=start)
        except IntegrityError:
            pass  # another intake created it first
        counter = AppealCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def resync_sequences(using: str = "default") -> None:
    """After a flush (tests, `zhitong flush`) or a bulk import: a year with no appeals left
    loses its sequence (numbering starts again at 1, as on a fresh database); the others are
    moved past the highest code used, never back. PostgreSQL only; SQLite's counter rows are
    flushed with the table."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema() AND sequence_name LIKE %s",
            [SEQUENCE_PREFIX + "%"],
        )
        for (name,) in cursor.fetchall():
            year = name[len(SEQUENCE_PREFIX) :]
            if not year.isdigit():
                continue
            cursor.execute(
                "SELECT MAX(substring(code from 9)::bigint) FROM appeals_appeal WHERE code ~ %s",
                [rf"^ZT-{year}-[0-9]+$"],
            )
            (top,) = cursor.fetchone()
            if top is None:
                cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
            else:
                cursor.execute(
                    f'SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "{name}")))', [name, top]
                )
