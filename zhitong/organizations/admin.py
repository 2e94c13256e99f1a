from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from zhitong.audit.services import audit_record

from . import capabilities as can
from .choices import Role
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


# 三员分立 (GB/T 22239-2019 8.1.4.2 c/d): what each administrator may change on an account.
# The system administrator creates accounts and keeps who they are; the security administrator
# assigns roles and powers. Neither can grant himself the other's powers.
POWER_FIELDS = ("role", "is_staff", "is_superuser", "groups", "user_permissions", "leader_level", "portfolio")
IDENTITY_FIELDS = ("username", "full_name", "unit", "position", "phone", "enterprise", "is_active")


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """The system administrator sets a password: the user must change it at first sign-in
    (organizations/password_policy.py), audited."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class ZhitongUserAdmin(AuditedAdminMixin, UserAdmin):
    change_password_form = AdminSetPasswordForm
    actions = ["reset_second_factor", "release_signin_lockout"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["password_changed_at"]
        if not can.can_assign_roles(request.user):
            if obj is not None:
                fields += list(POWER_FIELDS)
        else:
            fields += [f for f in IDENTITY_FIELDS if f != "is_active"]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "role" in form.base_fields and not can.can_assign_roles(request.user):
            # A new account's role, chosen by the system administrator: never an administrator's.
            field = form.base_fields["role"]
            field.choices = [(v, label) for v, label in field.choices if v not in can.ADMINISTRATOR_ROLES]
        return form

    def has_module_permission(self, request):
        return can.is_security_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can.is_security_admin(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can.is_security_admin(request.user) or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return can.can_manage_accounts(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return can.can_manage_accounts(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can.is_security_admin(request.user):
            actions.pop("reset_second_factor", None)
            actions.pop("release_signin_lockout", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # set by an administrator: changed at first sign-in
        if obj.is_superuser and obj.role != Role.ADMIN:
            obj.is_superuser = False  # a superuser is the system administrator, no one else
        super().save_model(request, obj, form, change)

    @admin.action(description=_("重置双因素认证（下次登录重新绑定）"))
    def reset_second_factor(self, request, queryset):
        from .totp import totp_reset

        for user in queryset:
            totp_reset(actor=request.user, user=user)
        self.message_user(request, _("已重置所选账号的双因素认证。"))

    @admin.action(description=_("解除登录限制"))
    def release_signin_lockout(self, request, queryset):
        from .signin_throttle import release_account

        for user in queryset:
            release_account(user, actor=request.user)
        self.message_user(request, _("已解除所选账号的登录限制。"))

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
        (_("密码"), {"fields": ("must_change_password", "password_changed_at")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("身份与单位"), {"fields": ("full_name", "role", "unit", "position", "phone", "enterprise")}),
    )
