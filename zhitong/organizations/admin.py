from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from zhitong.audit.services import audit_record

from .models import ServiceWindow, Unit, User, WindowStaff

SECRET_FIELDS = {"password", "password1", "password2"}
PHONE_FIELDS = {"phone"}


def _jsonable(name: str, value):
    if name in SECRET_FIELDS:
        return "(已变更)"
    if name in PHONE_FIELDS and value:
        from zhitong.core.phones import mask_phone

        return mask_phone(str(value))
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet) or (
        isinstance(value, list | tuple) and value and hasattr(value[0], "pk")
    ):
        return sorted(v.pk for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _form_changes(form) -> tuple[dict, dict]:
    before = {f: _jsonable(f, form.initial.get(f)) for f in form.changed_data}
    after = {f: _jsonable(f, form.cleaned_data.get(f)) for f in form.changed_data}
    return before, after


class AuditedAdminMixin:
    """Edits made in the Django admin write audit events like the services do (house
    rule: every state change is audited), in the same transaction as the change."""

    def _audit(self, request, verb: str, obj, *, removed: bool = False, **kw) -> None:
        """Record an admin write of `obj` as `<model>.admin_<verb>` (create / update / delete).
        A row `removed` with its parent's formset is named by type and id (it has no pk left)."""
        if removed:
            kw.update(object_type=obj._meta.label_lower, object_id=obj.pk or "")
        else:
            kw["obj"] = obj
        audit_record(action=f"{obj._meta.model_name}.admin_{verb}", actor=request.user, **kw)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before, after = _form_changes(form)
            super().save_model(request, obj, form, change)
            if change and not form.changed_data:
                return
            verb = "update" if change else "create"
            self._audit(request, verb, obj, before=before if change else None, after=after)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, "delete", obj, before={"str": str(obj)})
            super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            changes = {f: _form_changes(f) for f in formset.forms if f.has_changed()}
            super().save_formset(request, form, formset, change)
            for obj in formset.deleted_objects:
                before = {"str": str(obj), "parent": form.instance.pk}
                self._audit(request, "delete", obj, removed=True, before=before)
            for f, (before, after) in changes.items():
                obj = f.instance
                if obj.pk is None or obj in formset.deleted_objects:
                    continue
                is_new = obj in formset.new_objects
                verb = "create" if is_new else "update"
                self._audit(request, verb, obj, before=None if is_new else before, after=after)


class ServiceWindowInline(admin.StackedInline):
    model = ServiceWindow
    extra = 0
    max_num = 1
    show_change_link = True  # its staff are edited on the window's own page


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    inlines = [ServiceWindowInline]


class WindowStaffInline(admin.TabularInline):
    model = WindowStaff
    extra = 1


@admin.register(ServiceWindow)
class ServiceWindowAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "leader_name", "section_name", "phone", "is_public")
    list_filter = ("is_public", "unit__kind")
    search_fields = ("unit__name", "leader_name", "section_name")
    autocomplete_fields = ("unit",)
    inlines = [WindowStaffInline]


@admin.register(User)
class ZhitongUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "full_name", "role", "unit", "leader_level", "is_active", "last_login")
    list_filter = ("role", "leader_level", "is_active", "is_staff", "unit__kind")
    search_fields = ("username", "full_name", "unit__name")  # phone: encrypted, no partial search
    autocomplete_fields = ("unit", "enterprise")
    filter_horizontal = ("portfolio", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份与单位"), {"fields": ("full_name", "role", "unit", "position", "phone", "enterprise")}),
        (_("市领导"), {"fields": ("leader_level", "portfolio")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("身份与单位"), {"fields": ("full_name", "role", "unit", "position", "phone", "enterprise")}),
    )
