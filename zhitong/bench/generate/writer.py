"""Writing generated rows fast: COPY on PostgreSQL (psycopg 3's `cursor.copy()`), batched
`executemany` INSERTs on SQLite. Rows are tuples in the order of the column names given;
ids are allocated here (max + 1), so rows can point at each other before they are written,
and the PostgreSQL sequences are moved past them afterwards (`reset_sequences`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection


def J(value) -> str:
    """A JSON column's value, serialised once by the row builder."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Ids:
    """The next free primary key of each model (one query per model, then counted here)."""

    def __init__(self):
        self._next: dict = {}

    def take(self, model, n: int = 1) -> int:
        if model not in self._next:
            with connection.cursor() as cur:
                cur.execute(f"SELECT MAX({model._meta.pk.column}) FROM {model._meta.db_table}")
                self._next[model] = (cur.fetchone()[0] or 0) + 1
        first = self._next[model]
        self._next[model] += n
        return first

    def models(self):
        return list(self._next)


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def columns_of(model, names: Sequence[str]) -> list[str]:
    """Database column names of the model's fields named by attname (`enterprise_id`) or name."""
    out = []
    for name in names:
        field = next(f for f in model._meta.concrete_fields if name in (f.attname, f.name))
        out.append(field.column)
    return out


def write_rows(model, names: Sequence[str], rows: Iterable[tuple], *, table: str | None = None) -> int:
    """Insert rows (tuples in the order of `names`) into the model's table; returns the count."""
    table = table or model._meta.db_table
    cols = columns_of(model, names) if model is not None else list(names)
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    n = 0
    if connection.vendor == "postgresql":
        raw = connection.connection  # the psycopg 3 connection under Django's wrapper
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                n += 1
        return n
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({', '.join('?' * len(cols))})"
    batch: list[tuple] = []
    raw = connection.connection
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= 5000:
            raw.executemany(sql, batch)
            n += len(batch)
            batch.clear()
    if batch:
        raw.executemany(sql, batch)
        n += len(batch)
    return n


def reset_sequences(models) -> None:
    """Move PostgreSQL's id sequences past the ids allocated here (SQLite needs nothing)."""
    if connection.vendor != "postgresql" or not models:
        return
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cur.execute(sql)


def analyze(models) -> None:
    """Fresh planner statistics for the tables just filled; on PostgreSQL also their
    visibility maps (VACUUM), as autovacuum keeps them in a city that has run for years.
    Rows just copied in are "not known visible to all" until a vacuum, so every index-only
    scan (the cooperation scope's, issue 14) would still read the table and the figures would
    be those of a database nobody runs."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cur:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cur.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
