from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhitong.organizations.admin import AuditedAdminMixin

from .models import SIZE_FLAGS, TAG_FLAGS, Contact, Enterprise, TeamMember


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ("user", "unit")
    fields = ("role", "name", "user", "unit", "contact", "phone")


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "credit_code",
        "industry",
        "location",
        "above_scale",
        "above_quota",
        "butler",
        "is_active",
    )
    list_filter = (
        "industry",
        "location",
        *SIZE_FLAGS,
        *TAG_FLAGS,
        "is_active",
    )
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("location", "butler")
    inlines = [ContactInline, TeamMemberInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "credit_code",
                    "name",
                    "industry",
                    "location",
                    "address",
                    "legal_representative",
                    "is_active",
                )
            },
        ),
        (_("规模"), {"fields": SIZE_FLAGS}),
        (_("标签"), {"fields": TAG_FLAGS}),
        (_("服务"), {"fields": ("butler",)}),
    )
