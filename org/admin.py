"""Django admin for the organisation; admins keep departments, roles and 立项权 rules here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_append
from core.config_audit import AuditedAdmin

from .models import Delegation, Department, InitiationRule, Role, RoleAssignment, User


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "manager", "sort_order")
    list_display_links = ("code", "name")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "manager__username", "manager__display_name")
    autocomplete_fields = ("manager",)
    list_select_related = ("manager",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("role",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("组织信息"), {"fields": ("display_name", "department", "position", "signature")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("组织信息"), {"fields": ("display_name", "email", "department", "position")}),
    )
    list_display = (
        "username",
        "display_name",
        "department",
        "position",
        "email",
        "is_active",
        "is_staff",
    )
    list_filter = ("department", "position", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    list_select_related = ("department",)
    inlines = (RoleAssignmentInline,)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name", "sees_all_forms", "sees_all_projects", "forms_scope")
    list_filter = ("sees_all_forms", "sees_all_projects", "forms_scope")
    search_fields = ("code", "name")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "active")
    list_filter = ("role", "active", "user__department")
    search_fields = ("user__username", "user__display_name", "role__code", "role__name")
    autocomplete_fields = ("user", "role")
    list_select_related = ("user", "role")


@admin.register(InitiationRule)
class InitiationRuleAdmin(AuditedAdmin):
    list_display = ("department", "min_position", "sales_only", "active", "note")
    list_filter = ("department", "min_position", "sales_only", "active")
    search_fields = ("department__name", "department__code", "note")
    list_select_related = ("department",)


class DelegationAdminForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ("principal", "delegate", "start_date", "end_date", "active", "note")

    def clean(self):
        cleaned = super().clean()
        principal = cleaned.get("principal")
        delegate = cleaned.get("delegate")
        start = cleaned.get("start_date")
        end = cleaned.get("end_date")
        if principal and delegate and principal.pk == delegate.pk:
            self.add_error("delegate", _("代理人不能是委托人本人。"))
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return cleaned


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationAdminForm
    list_display = ("principal", "delegate", "start_date", "end_date", "active", "created_at")
    list_filter = ("active", "start_date", "end_date", "principal__department")
    search_fields = (
        "principal__username",
        "principal__display_name",
        "delegate__username",
        "delegate__display_name",
        "note",
    )
    date_hierarchy = "start_date"
    autocomplete_fields = ("principal", "delegate")
    list_select_related = ("principal", "delegate")
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        # Admin edits are audited like the self-service ones (org.services).
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_append(
                verb="delegation.changed" if change else "delegation.created",
                actor=request.user,
                on_behalf_of=obj.principal,
                payload={
                    "delegation": obj.pk,
                    "delegate": obj.delegate_id,
                    "start_date": obj.start_date.isoformat(),
                    "end_date": obj.end_date.isoformat(),
                    "active": obj.active,
                    "via": "admin",
                },
            )
