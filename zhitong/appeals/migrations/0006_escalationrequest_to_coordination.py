"""EscalationRequest now belongs to the coordination app (its migration 0003 takes it over
in the state, keeping the table appeals_escalationrequest): remove it from the appeals state
only; the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_seed_categories_routing"),
        ("coordination", "0003_escalationrequest_from_appeals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EscalationRequest")],
            database_operations=[],
        ),
    ]
