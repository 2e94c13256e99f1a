"""Read-only admin views: every change goes through the services (audited), so the admin
only shows the rows, for support and inspection."""

from django.contrib import admin

from zhitong.core.admin import ReadOnlyAdmin

from .models import (
    CoordinationFact,
    EscalationBatch,
    EscalationRequest,
    Event,
    EventItem,
    FactCertification,
    Meeting,
    MeetingItem,
    Task,
)


@admin.register(EscalationBatch)
class EscalationBatchAdmin(ReadOnlyAdmin):
    list_display = ("month", "cutoff", "status", "submitted_at")


@admin.register(EscalationRequest)
class EscalationRequestAdmin(ReadOnlyAdmin):
    list_display = ("project_name", "reporting_unit", "batch", "status", "received_at")
    list_filter = ("status", "batch_month")
    search_fields = ("project_name", "problem")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "convener", "level", "held_at", "status")
    list_filter = ("level", "status")
    search_fields = ("title",)


@admin.register(MeetingItem)
class MeetingItemAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "appeal", "unit", "opinion_at")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "kind",
        "level",
        "scheduled_at",
        "status",
        "catalog_due",
        "catalog_late",
        "catalog_late_workdays",
    )
    list_filter = ("kind", "level", "status")


@admin.register(EventItem)
class EventItemAdmin(ReadOnlyAdmin):
    list_display = ("event", "appeal", "unit", "verification", "in_final_list")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("unit", "appeal", "due", "status")
    list_filter = ("status",)


@admin.register(CoordinationFact)
class CoordinationFactAdmin(ReadOnlyAdmin):
    list_display = (
        "meeting",
        "unit",
        "month",
        "counted_as",
        "project",
        "enterprise",
        "needs_certification",
        "certified_at",
    )
    list_filter = ("counted_as", "month", "needs_certification")


@admin.register(FactCertification)
class FactCertificationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "month", "status", "certified_count", "certified_at", "certified_by")
    list_filter = ("status", "month")
