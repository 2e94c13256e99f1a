# seeds/001 四(二): a catalog reported after its due day is recorded late, also when it was
# reported on the rest days right after it (no working day late). Catalogs already reported
# are marked by the same rule: their Asia/Shanghai reporting day after the due day.

from zoneinfo import ZoneInfo

from django.db import migrations, models


def mark_late_catalogs(apps, schema_editor):
    Event = apps.get_model("coordination", "Event")
    tz = ZoneInfo("Asia/Shanghai")
    rows = Event.objects.filter(catalog_due__isnull=False, catalog_submitted_at__isnull=False)
    late = [e.pk for e in rows.only("pk", "catalog_due", "catalog_submitted_at")
            if e.catalog_submitted_at.astimezone(tz).date() > e.catalog_due]
    Event.objects.filter(pk__in=late).update(catalog_late=True)


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0008_fact_certification'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='catalog_late',
            field=models.BooleanField(default=False, verbose_name='目录逾期报送'),
        ),
        migrations.RunPython(mark_late_catalogs, migrations.RunPython.noop),
    ]
