"""Issue 9: the light rule now also waits for half the time limit before turning yellow
(appeals/deadlines.py, "The light rule"). Re-time the stored first yellow day of every
running clock; the deadlines themselves do not move."""

from django.db import migrations


def retime_yellow(apps, schema_editor):
    from zhitong.appeals import deadlines

    Appeal = apps.get_model("appeals", "Appeal")
    running = Appeal.objects.filter(clock_due__isnull=False).select_related("category")
    for appeal in running.iterator(chunk_size=500):
        _, limit = deadlines.state_clock(appeal)
        yellow = deadlines.yellow_from_for(appeal.clock_due, limit)
        if yellow != appeal.clock_yellow_from:
            Appeal.objects.filter(pk=appeal.pk).update(clock_yellow_from=yellow)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0008_materials_notice_once_extension_lapse"),
        ("workdays", "0003_deadline_shifts"),
    ]

    operations = [migrations.RunPython(retime_yellow, migrations.RunPython.noop)]
