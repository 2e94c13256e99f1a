"""API tokens become managed API clients: scopes, expiry, a per-client rate limit, who
created them. The tokens issued before keep working: they get every scope that exists
today (they could call every operation before) and no expiry."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The scopes as of this migration (zhitong/api/scopes.py ALL_SCOPES), frozen here.
SCOPES_AT_MIGRATION = [
    f"{area}:{mode}"
    for area in ("organizations", "enterprises", "workdays", "projects", "appeals", "coordination", "dispatch")
    for mode in ("read", "write")
] + ["open311"]


def every_scope_for_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(scopes=[]).update(scopes=SCOPES_AT_MIGRATION)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list, verbose_name="权限范围"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="有效期至"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="rate_limit",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="每分钟请求上限"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="创建人",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
                verbose_name="所属账号",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(max_length=8, verbose_name="令牌前缀"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="最近使用"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="吊销时间"),
        ),
        migrations.RunPython(every_scope_for_existing_tokens, migrations.RunPython.noop),
    ]
