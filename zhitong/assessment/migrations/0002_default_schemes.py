"""Version 1 of both scoring schemes, in force from January 2019 (the year of seeds/000),
so that a scorecard is scored before the hub writes its own version (the hub's page saves
version 2 and later; none is ever edited)."""

from datetime import date, datetime, timezone

from django.db import migrations

WEIGHTS = {
    "counties": {
        "reported": "10.00", "coordinated": "20.00", "resolved": "20.00", "on_time_rate": "10.00",
        "response_rate": "10.00", "resolution_rate": "15.00", "satisfaction_rate": "15.00",
        "rehandled": "2.00", "deductions": "1.00",
    },
    "departments": {
        "reported": "5.00", "coordinated": "10.00", "resolved": "25.00", "on_time_rate": "15.00",
        "response_rate": "10.00", "resolution_rate": "20.00", "satisfaction_rate": "15.00",
        "rehandled": "2.00", "deductions": "1.00",
    },
}


def create(apps, schema_editor):
    Scheme = apps.get_model("assessment", "Scheme")
    for audience, weights in WEIGHTS.items():
        Scheme.objects.get_or_create(
            audience=audience,
            version=1,
            defaults=dict(
                effective_month=date(2019, 1, 1),
                target_score="60.00",
                weights=weights,
                note="初始方案",
                created_at=datetime(2019, 1, 1, tzinfo=timezone.utc),
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
