"""Task lights follow the appeals' light rule (appeals/deadlines.py "The light rule"): a
stored first yellow day, `yellow_from`, counted from the task's clock (coordination/
deadlines.py task_clock: `due_base` and its N working days, or the day it was assigned and
the date the leader set), so a 1–2 day task is no longer yellow the moment it is assigned.
Every existing task gets its first yellow day (a done one's light stays "none")."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from zhitong.coordination.deadlines import task_yellow_from

    Task = apps.get_model("coordination", "Task")
    db = schema_editor.connection.alias
    tasks = list(Task.objects.using(db).only("pk", "due", "due_base", "due_workdays", "assigned_at"))
    for task in tasks:
        task.yellow_from = task_yellow_from(task)
    Task.objects.using(db).bulk_update(tasks, ["yellow_from"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0009_retime_yellow_lights"),
        ("coordination", "0010_fact_counts_the_project"),
        ("workdays", "0003_deadline_shifts"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="yellow_from",
            field=models.DateField(blank=True, null=True, verbose_name="临期起始日"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["status", "yellow_from"], name="task_yellow_from"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
