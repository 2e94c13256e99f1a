"""On PostgreSQL, the database itself refuses UPDATE and DELETE on audit events, whoever
sends them (raw SQL, a psql session, a bug): the model and queryset already refuse them
in the application. SQLite (the embedded mode) has no such guard; the keyed chain still
detects the change.

TRUNCATE is deliberately left alone: it fires no row trigger, and the test suite's
flush (TransactionTestCase) truncates every table. The chain head (AuditChainHead) is
updated by every write and is not covered; its own signature protects it.

The table's owner can still drop or disable the trigger (ALTER TABLE … DISABLE TRIGGER,
session_replication_role = replica): it is a guard rail, not the security boundary; the
HMAC chain and the anchors kept outside are. A later migration that must rewrite audit
rows has to drop the trigger and re-create it explicitly.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # None: no %-placeholders in the SQL

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_seal_legacy_chain")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
