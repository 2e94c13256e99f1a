"""Appeal search over code, title, description and enterprise name (docs/search.md).

PostgreSQL: each appeal's stored search document (`Appeal.search_document`, a `tsvector`
of the bigram tokens of zhitong/core/search.py, GIN-indexed by migration 0012) is matched
against the query's `tsquery`. SQLite (the embedded mode): every part of the query must
occur (`LIKE`) in one of the four fields — the same parts, found by substring.

The document is written by `Appeal.save()` when the appeal is created or one of its
searched fields is saved, and refreshed for an enterprise's appeals when the enterprise is
saved (`AppealsConfig.ready` connects `enterprise_saved`); `appeal_search_refresh` fills
any set (the migration, `zhitong search_reindex`, bulk loaders that bypass `save()`).

Relevance: a query that is a whole appeal code (`ZT-2026-000123`, any case or width) is a
lookup and lists that appeal alone when the caller's queryset holds it; any other query
keeps the caller's order (the lists: newest received first).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast

from zhitong.core.search import normalize, query_runs, tsquery_literal

from .models import Appeal
from .search_document import _CODE, appeal_document, code_lexemes, document_of

__all__ = ["appeal_document", "code_lexemes", "document_of"]

BATCH = 2000


def appeal_search_refresh(
    *, appeal_ids: Iterable[int] | None = None, enterprise_id: int | None = None, missing_only: bool = False
) -> int:
    """Rewrite the stored documents of the given appeals (all when none is given; only
    those without one with `missing_only`), in batches; returns how many."""
    qs = Appeal.objects.order_by("pk")
    if missing_only:
        qs = qs.filter(search_document="")
    if appeal_ids is not None:
        qs = qs.filter(pk__in=list(appeal_ids))
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    rows = qs.values_list("pk", "code", "title", "description", "enterprise__name")
    done, last = 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return done
        docs = [
            (pk, appeal_document(code=c, title=t, description=d, enterprise_name=n or ""))
            for pk, c, t, d, n in batch
        ]
        _write(docs)
        done += len(docs)
        last = batch[-1][0]


def _write(docs: list[tuple[int, str]]) -> None:
    table = Appeal._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s)"] * len(docs))
            cur.execute(
                f"UPDATE {table} AS a SET search_document = v.doc::tsvector "
                f"FROM (VALUES {values}) AS v(id, doc) WHERE a.id = v.id",
                [x for row in docs for x in row],
            )
        else:
            cur.executemany(
                f"UPDATE {table} SET search_document = %s WHERE id = %s", [(d, pk) for pk, d in docs]
            )


def enterprise_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """post_save of an Enterprise: its name is in its appeals' documents (a renamed
    enterprise is found by its new name). A new enterprise has no appeals yet."""
    if created or raw or (update_fields is not None and "name" not in update_fields):
        return
    appeal_search_refresh(enterprise_id=instance.pk)


class _Matches(Func):
    """`document @@ query` (the query text cast to `tsquery` as it is: no parser, no
    dictionary between our tokens and the index)."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()


class _TsQuery(TextField):
    def db_type(self, connection):
        return "tsquery"


def _like_q(q: str) -> Q:
    cond = Q()
    for run in query_runs(q):
        part = run.text
        cond &= (
            Q(code__icontains=part)
            | Q(title__icontains=part)
            | Q(description__icontains=part)
            | Q(enterprise__name__icontains=part)
        )
    return cond


def appeal_filter_search(qs: QuerySet[Appeal], q: str | None) -> QuerySet[Appeal]:
    """Narrow the caller's (already scoped) appeals to those matching `q`; never widens.
    Nothing to search for (blank, punctuation only) leaves the queryset as it is."""
    if not q or not query_runs(q):
        return qs
    m = _CODE.match(normalize(q).strip())
    if m:
        code = f"ZT-{m.group(1)}-{m.group(2)}"
        hit = qs.filter(code=code)
        if hit.exists():
            return hit
    if connection.vendor != "postgresql":
        return qs.filter(_like_q(q))
    return qs.filter(_Matches("search_document", Cast(Value(tsquery_literal(q)), _TsQuery())))
