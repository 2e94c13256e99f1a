from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zhitong.core.admin import ReadOnlyAdmin

from .choices import OutboxStatus
from .models import OutboxMessage
from .services import outbox_retry_dead


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read-only: rows change only through the deliverer. One action queues dead rows again
    (the same as `zhitong outbox retry-dead`)."""

    list_display = (
        "id",
        "kind",
        "dedupe_key",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("=id", "dedupe_key", "last_error")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_dead"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("最近错误"))
    def error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("重新投递选中的已放弃消息"))
    def retry_dead(self, request, queryset):
        count = outbox_retry_dead(ids=queryset.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("已重新排队 %(count)s 条消息", "已重新排队 %(count)s 条消息", count) % {"count": count},
            messages.SUCCESS,
        )
