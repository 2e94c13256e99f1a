# seeds/000 五(二)1: a county principal's meeting counts only with its minutes or plan filed
# and after the hub's (市发改委) monthly certification. Facts already recorded for such
# meetings are marked as needing it, and their units' months are opened for certification
# (pending): nothing in the system certified them before.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_county_facts(apps, schema_editor):
    Fact = apps.get_model("coordination", "CoordinationFact")
    Certification = apps.get_model("coordination", "FactCertification")
    county = Fact.objects.filter(meeting__level="county_principal")
    county.update(needs_certification=True)
    for unit_id, month in county.values_list("unit_id", "month").distinct():
        Certification.objects.get_or_create(unit_id=unit_id, month=month)


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0007_event_item_carry_on'),
        ('organizations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='coordinationfact',
            name='certified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='认定时间'),
        ),
        migrations.AddField(
            model_name='coordinationfact',
            name='needs_certification',
            field=models.BooleanField(default=False, verbose_name='须市发改委认定'),
        ),
        migrations.CreateModel(
            name='FactCertification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('month', models.DateField(db_index=True, verbose_name='月份(月份首日)')),
                ('status', models.CharField(choices=[('pending', '待认定'), ('certified', '已认定')], db_index=True, default='pending', max_length=12, verbose_name='状态')),
                ('certified_at', models.DateTimeField(blank=True, null=True, verbose_name='认定时间')),
                ('certified_count', models.PositiveIntegerField(default=0, verbose_name='认定数量')),
                ('version', models.PositiveIntegerField(default=1)),
                ('certified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.unit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '协调问题数量认定',
                'verbose_name_plural': '协调问题数量认定',
                'ordering': ['-month', 'unit_id'],
                'constraints': [models.UniqueConstraint(fields=('unit', 'month'), name='fact_certification_one_per_unit_month')],
            },
        ),
        migrations.RunPython(mark_county_facts, migrations.RunPython.noop),
    ]
