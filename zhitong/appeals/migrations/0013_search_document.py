"""The appeal search document (docs/search.md): a tsvector column on PostgreSQL (text on
SQLite), filled for the appeals already stored, then GIN-indexed on PostgreSQL."""

from django.db import migrations

import zhitong.core.search

BATCH = 2000
INDEX = "appeals_appeal_search_gin"


def fill(apps, schema_editor):
    from zhitong.appeals.search import appeal_document

    Appeal = apps.get_model("appeals", "Appeal")
    db = schema_editor.connection.alias
    pg = schema_editor.connection.vendor == "postgresql"
    rows = Appeal.objects.using(db).order_by("pk").values_list(
        "pk", "code", "title", "description", "enterprise__name"
    )
    last = 0
    with schema_editor.connection.cursor() as cur:
        while batch := list(rows.filter(pk__gt=last)[:BATCH]):
            docs = [
                (pk, appeal_document(code=c, title=t, description=d, enterprise_name=n or ""))
                for pk, c, t, d, n in batch
            ]
            if pg:
                cur.execute(
                    "UPDATE appeals_appeal AS a SET search_document = v.doc::tsvector FROM (VALUES "
                    + ", ".join(["(%s, %s)"] * len(docs))
                    + ") AS v(id, doc) WHERE a.id = v.id",
                    [x for row in docs for x in row],
                )
            else:
                cur.executemany(
                    "UPDATE appeals_appeal SET search_document = %s WHERE id = %s", [(d, pk) for pk, d in docs]
                )
            last = batch[-1][0]


def index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON appeals_appeal USING gin (search_document)")


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0012_code_sequences"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="search_document",
            field=zhitong.core.search.SearchDocumentField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
