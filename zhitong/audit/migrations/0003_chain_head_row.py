"""Create the chain head row up front, so the first writers lock an existing row instead
of racing to insert it."""

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditChainHead.objects.using(schema_editor.connection.alias).get_or_create(
        id=1, defaults={"last_hash": GENESIS, "last_event_id": 0}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
