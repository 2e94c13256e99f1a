from django.contrib import admin

from zhitong.organizations.admin import AuditedAdminMixin

from .models import Project


@admin.register(Project)
class ProjectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "owner",
        "level",
        "stage",
        "location",
        "lead_unit",
        "leader",
        "total_investment",
    )
    list_filter = ("level", "stage", "location", "lead_unit")
    search_fields = ("code", "name", "owner__name")
    autocomplete_fields = ("owner", "location", "lead_unit", "leader")
