"""`zhitong fieldkeys reencrypt`: rewrite every encrypted phone (and every registered sealed
column: the TOTP seeds) under the current field key and recompute the blind indexes
(zhitong/core/crypto.py; docs/security.md "Personal data at rest"). Run after putting a new
key first in ZHITONG_FIELD_KEYS; the old key can leave the list once this has finished.
`zhitong fieldkeys status` counts the values per key id."""

from collections import Counter

from django.db import connection

from zhitong.core import crypto
from zhitong.core.commands import OperationalCommand


class Command(OperationalCommand):
    help = "Field encryption keys: re-encrypt every value under the current key, or count values per key."

    def add_actions(self, sub):
        sub.add_parser(
            "reencrypt", help="rewrite every encrypted value under the first key of ZHITONG_FIELD_KEYS"
        )
        sub.add_parser("status", help="how many values each key id encrypts, per column")

    def handle(self, *args, action, **options):
        if action == "reencrypt":
            for column, count in crypto.reencrypt_all().items():
                self.stdout.write(f"{column}: {count} re-encrypted")
            return
        current = crypto.keyring().current_id
        columns = [*crypto.encrypted_fields(), *((m, f) for m, f, _ in crypto.sealed_columns())]
        for model, f in columns:
            table, column = (
                connection.ops.quote_name(model._meta.db_table),
                connection.ops.quote_name(f.column),
            )
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
                ids = Counter(crypto.key_id_of(v) or "(clear)" for (v,) in cursor.fetchall())
            parts = ", ".join(
                f"{k}{' (current)' if k == current else ''}: {n}" for k, n in sorted(ids.items())
            )
            self.stdout.write(f"{model._meta.label}.{f.name}: {parts or 'empty'}")
