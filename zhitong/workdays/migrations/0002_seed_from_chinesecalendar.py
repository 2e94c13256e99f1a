"""Load the official schedules shipped in `chinesecalendar` (2004 up to the last year the
installed package covers), so every fresh database, test databases included, starts with
them. `zhitong workdays seed` re-runs this later (e.g. after upgrading the package)."""

from django.db import migrations


def seed(apps, schema_editor):
    from zhitong.workdays.package import package_rows

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    db = schema_editor.connection.alias
    years, rows = package_rows()
    existing = set(CalendarYear.objects.using(db).values_list("year", flat=True))
    years = [y for y in years if y not in existing]
    CalendarDay.objects.using(db).bulk_create(
        [CalendarDay(date=d, kind=k, name=n) for d, k, n in rows if d.year in years], ignore_conflicts=True
    )
    CalendarYear.objects.using(db).bulk_create([CalendarYear(year=y, source="chinesecalendar") for y in years])


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
