"""Issue 14: appeal codes from a per-year sequence on PostgreSQL (appeals/codes.py), taken by
one function in one round trip. SQLite keeps the AppealCounter row."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION zt_appeal_code_next(y integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    seq text := 'appeals_code_' || y;
    pattern text := '^ZT-' || y || '-[0-9]+$';
    n bigint;
    top bigint;
BEGIN
    BEGIN
        n := nextval(seq);
    EXCEPTION WHEN undefined_table THEN
        -- First code of the year: start after the highest code already used (imports).
        SELECT COALESCE(MAX(substring(code from 9)::bigint), 0) INTO top
            FROM appeals_appeal WHERE code ~ pattern;
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', seq, top + 1);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;  -- another intake created it first: use theirs
        END;
        n := nextval(seq);
    END;
    -- A code already taken (appeals imported after the sequence was made): move past them.
    WHILE EXISTS (
        SELECT 1 FROM appeals_appeal
        WHERE code = 'ZT-' || y || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END
    ) LOOP
        SELECT MAX(substring(code from 9)::bigint) INTO top FROM appeals_appeal WHERE code ~ pattern;
        PERFORM setval(seq, GREATEST(top, n));
        n := nextval(seq);
    END LOOP;
    RETURN n;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS zt_appeal_code_next(integer);"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("appeals", "0011_withdrawal")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
