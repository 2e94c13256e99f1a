"""The monthly scorecard's adjustments (issue 14): the verification index carries the
columns the concluded count reads, so the closed months' counts are an index-only range scan
on PostgreSQL; a partial index finds the ratings that reopened an appeal. The new
verification index is built before the old one is dropped, so the range stays served."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0018_cooperation_unit_appeal_index"),
        ("enterprises", "0004_encrypted_phones"),
        ("organizations", "0005_totp_secrets_under_field_keys"),
        ("projects", "0006_dispatch_consultation_inspection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                fields=["verified_at", "id"],
                include=("lead_unit", "status", "exemption_status"),
                name="appeal_verified_cover_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="appeal",
            name="appeal_verified_idx",
        ),
        migrations.AddIndex(
            model_name="transition",
            index=models.Index(
                condition=models.Q(("action", "rate"), ("data__reopened", True)),
                fields=["at"],
                name="transition_reopen_at_idx",
            ),
        ),
    ]
