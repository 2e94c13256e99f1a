from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhitong.core.admin import ReadOnlyAdmin

from .models import Delivery, RobotHook, SmsLog


@admin.register(SmsLog)
class SmsLogAdmin(ReadOnlyAdmin):
    """The default SMS gateway's log: what would have been sent, to whom and why."""

    list_display = ("id", "phone", "purpose", "created_at", "excerpt")
    list_filter = ("purpose",)
    search_fields = ("text",)  # the phone is encrypted (core/crypto.py): no partial search
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("短信内容"))
    def excerpt(self, obj):
        return obj.text[:60]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Every delivery on every channel; its retries are its outbox row's (same dedupe key)."""

    list_display = (
        "id",
        "channel",
        "recipient",
        "kind",
        "title",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("channel", "status")
    search_fields = ("=id", "dedupe_key", "title", "last_error")  # address: encrypted
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("recipient",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(RobotHook)
class RobotHookAdmin(admin.ModelAdmin):
    list_display = ("name", "style", "unit", "active")
    list_filter = ("style", "active")
    search_fields = ("name",)
    autocomplete_fields = ("unit",)
    filter_horizontal = ("members",)
