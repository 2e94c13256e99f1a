from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that only shows rows: their changes go through the services (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
