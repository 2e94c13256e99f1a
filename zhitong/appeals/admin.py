"""Admin: categories and routing rules are master data that admins edit; appeals,
transitions and evidence are read-only here — they change only through the services."""

from django.contrib import admin

from zhitong.core.admin import ReadOnlyAdmin

from .models import (
    Appeal,
    AppealEvidence,
    AppealExtension,
    Category,
    RoutingRule,
    Transition,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "handling_days", "legal_limit_days", "sort_order", "is_active")
    list_editable = ("handling_days", "legal_limit_days", "sort_order", "is_active")
    search_fields = ("code", "name")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "priority",
        "category",
        "industry",
        "location_code",
        "lead_unit_code",
        "use_enterprise_location",
        "is_active",
    )
    list_filter = ("is_active", "use_enterprise_location", "category")
    list_editable = ("priority", "is_active")
    search_fields = ("name", "lead_unit_code", "location_code", "note")


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "title",
        "enterprise",
        "status",
        "lead_unit",
        "clock_due",
        "is_problem",
        "received_at",
    )
    list_filter = ("status", "channel", "category", "is_problem", "exemption_status")
    search_fields = ("code", "title", "enterprise__name")
    date_hierarchy = "received_at"
    list_select_related = ("enterprise", "lead_unit")
    inlines = [TransitionInline]


@admin.register(AppealExtension)
class AppealExtensionAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "requested_at", "old_due", "requested_due", "status", "approved_due")
    list_filter = ("status",)


@admin.register(AppealEvidence)
class AppealEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "appeal", "kind", "size", "uploaded_at")
    list_filter = ("kind",)
