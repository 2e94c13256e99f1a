"""EscalationRequest moves from the appeals app to coordination, keeping its table
(appeals_escalationrequest) and rows: the model is created here in the migration state only
(appeals 0006 removes it from the appeals state), then gains a real column, `batch_id`,
filled from `batch_month` (a batch row is opened for a month that has none yet, with its
cut-off as services/batches.py computes it)."""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CUTOFF_DAY = 10  # seeds/000 二, as services/batches.py


def _cutoff(month: date) -> tuple[date, bool]:
    """The batch cut-off of `month`: the 10th, or the next working day (services/batches.py
    `batch_cutoff`, by the workdays calendar; kept here so the migration does not depend on
    where that function lives)."""
    from zhitong.workdays.services import add_workdays, is_provisional, is_workday

    tenth = month.replace(day=CUTOFF_DAY)
    if is_workday(tenth):
        return tenth, is_provisional(tenth)
    result = add_workdays(tenth, 1)
    return result.date, result.provisional


def fill_batches(apps, schema_editor):
    EscalationRequest = apps.get_model("coordination", "EscalationRequest")
    EscalationBatch = apps.get_model("coordination", "EscalationBatch")
    months = EscalationRequest.objects.filter(batch__isnull=True).values_list("batch_month", flat=True)
    for month in sorted(set(months)):
        batch = EscalationBatch.objects.filter(month=month).first()
        if batch is None:
            cutoff, provisional = _cutoff(month)
            batch = EscalationBatch.objects.create(month=month, cutoff=cutoff, cutoff_provisional=provisional)
        EscalationRequest.objects.filter(batch_month=month, batch__isnull=True).update(batch=batch)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_seed_categories_routing"),
        ("coordination", "0002_opinion_lead_unit"),
        ("organizations", "0001_initial"),
        ("workdays", "0002_seed_from_chinesecalendar"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EscalationRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("project_name", models.CharField(max_length=200, verbose_name="项目名称")),
                        ("basic_situation", models.TextField(verbose_name="基本情况")),
                        ("problem", models.TextField(verbose_name="需要提请市里协调解决的问题")),
                        ("contact_name", models.CharField(max_length=50, verbose_name="联系人")),
                        ("contact_mobile", models.CharField(max_length=20, verbose_name="手机号码")),
                        ("received_at", models.DateTimeField(verbose_name="申报时间")),
                        ("batch_month", models.DateField(db_index=True, verbose_name="所属批次(月份首日)")),
                        ("status", models.CharField(choices=[("submitted", "已申报待审核"), ("accepted", "审核通过"), ("returned", "退回"), ("sent_to_leader", "已报送市领导"), ("coordinated", "已召开协调会"), ("withdrawn", "已撤回")], db_index=True, default="submitted", max_length=20)),
                        ("review_note", models.TextField(blank=True, verbose_name="审核意见")),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("appeal", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="escalations", to="appeals.appeal")),
                        ("leader", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="escalations_to_lead", to=settings.AUTH_USER_MODEL, verbose_name="分管市领导")),
                        ("reporting_unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="escalations_reported", to="organizations.unit", verbose_name="申报单位")),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("reviewed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("units_to_coordinate", models.ManyToManyField(related_name="+", to="organizations.unit", verbose_name="需协调的县(市)区或市直单位")),
                    ],
                    options={
                        "verbose_name": "提请市领导协调申报",
                        "verbose_name_plural": "提请市领导协调申报",
                        "ordering": ["-received_at"],
                        "db_table": "appeals_escalationrequest",
                    },
                ),
                # Same table, same column: only the state's target changes.
                migrations.AlterField(
                    model_name="meetingitem",
                    name="escalation",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="meeting_items", to="coordination.escalationrequest"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="escalationrequest",
            name="batch",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="requests", to="coordination.escalationbatch", verbose_name="所属批次"),
        ),
        migrations.RunPython(fill_batches, migrations.RunPython.noop),
    ]
