from django.contrib import admin

from zhitong.core.admin import ReadOnlyAdmin
from zhitong.organizations.capabilities import can_read_audit

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: no add, change or delete, and no bulk actions (the log is append-only)."""

    list_display = (
        "id",
        "at",
        "actor_name",
        "actor_unit",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "client_addr",
    )
    list_filter = ("outcome", "action", "object_type")
    search_fields = ("=object_id", "actor_name", "action")
    date_hierarchy = "at"
    list_select_related = ("actor_unit",)
    actions = None
    show_full_result_count = False

    # 三员分立: the log is the audit administrator's to read, not the system administrator's
    # (a superuser included), whose own acts it records (capabilities.can_read_audit).
    def has_module_permission(self, request):
        return can_read_audit(request.user) and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return can_read_audit(request.user) and request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
