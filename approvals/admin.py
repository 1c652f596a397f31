"""Admin for chains (versioned), discount limits, and read-only views of forms and the audit log.

A chain version that forms have started with is frozen: changing the process means copying it
to a new version and activating that one, so forms in flight keep the version they started with.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .config_audit import CHANGED, CREATED, AuditedAdmin, config_audit, snapshot
from .models import (
    Attachment,
    AuditEvent,
    ChainStepTemplate,
    ChainTemplate,
    DiscountLimit,
    Form,
    FormCopy,
    FormStep,
)


class ChainStepInline(admin.TabularInline):
    model = ChainStepTemplate
    extra = 0
    fields = (
        "order",
        "name",
        "role_label",
        "kind",
        "approvers",
        "quorum",
        "fill_fields",
        "condition",
        "sla_days",
    )

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.forms.exists()

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(ChainTemplate)
class ChainTemplateAdmin(AuditedAdmin):
    list_display = ("kind", "name", "version", "is_active", "in_use", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("kind", "name")
    inlines = [ChainStepInline]
    actions = ["copy_as_new_version", "activate"]

    @admin.display(boolean=True, description=_("已有表单使用"))
    def in_use(self, obj):
        return obj.forms.exists()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.forms.exists():
            return ("kind", "version", "name", "note")
        return ("version",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                latest = ChainTemplate.objects.filter(kind=obj.kind).aggregate(v=Max("version"))[
                    "v"
                ]
                obj.version = (latest or 0) + 1
            if obj.is_active:
                ChainTemplate.objects.filter(kind=obj.kind, is_active=True).exclude(
                    pk=obj.pk
                ).update(is_active=False)
            super().save_model(request, obj, form, change)

    @admin.action(description=_("复制为新版本（未启用）"))
    def copy_as_new_version(self, request, queryset):
        for chain in queryset:
            with transaction.atomic():
                latest = ChainTemplate.objects.filter(kind=chain.kind).aggregate(v=Max("version"))[
                    "v"
                ]
                copy = ChainTemplate.objects.create(
                    kind=chain.kind,
                    version=latest + 1,
                    name=chain.name,
                    is_active=False,
                    note=chain.note,
                )
                for step in chain.steps.all():
                    step.pk = None
                    step.template = copy
                    step.save()
                config_audit(
                    acting_user=request.user,
                    obj=copy,
                    verb=CREATED,
                    new={**snapshot(copy), "copied_from": chain.pk},
                )
            messages.success(
                request, _("已创建 %(name)s 第 %(v)d 版。") % {"name": copy.name, "v": copy.version}
            )

    @admin.action(description=_("启用所选版本"))
    def activate(self, request, queryset):
        for chain in queryset:
            with transaction.atomic():
                previous = list(
                    ChainTemplate.objects.filter(kind=chain.kind, is_active=True).exclude(
                        pk=chain.pk
                    )
                )
                ChainTemplate.objects.filter(kind=chain.kind, is_active=True).update(
                    is_active=False
                )
                ChainTemplate.objects.filter(pk=chain.pk).update(is_active=True)
                for old in [*previous, chain]:
                    was = old.is_active
                    old.refresh_from_db(fields=["is_active"])
                    config_audit(
                        acting_user=request.user,
                        obj=old,
                        verb=CHANGED,
                        old={"is_active": was},
                        new={"is_active": old.is_active},
                    )
        messages.success(request, _("已启用所选版本；进行中的表单仍按其原版本审批。"))


@admin.register(DiscountLimit)
class DiscountLimitAdmin(AuditedAdmin):
    list_display = ("user", "min_rate")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """State changes go through the services, never through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FormStepInline(admin.TabularInline):
    model = FormStep
    extra = 0
    fields = ("round", "order", "name", "kind", "status", "note", "due_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FormCopyInline(admin.TabularInline):
    model = FormCopy
    extra = 0
    readonly_fields = ("department", "kind", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "project", "status", "submitter", "submitted_at", "closed_at")
    list_filter = ("kind", "status", "department")
    search_fields = ("number", "project__number", "project__name", "submitter__username")
    date_hierarchy = "created_at"
    list_select_related = ("project", "submitter")
    inlines = [FormStepInline, FormCopyInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shard",
        "seq",
        "created_at",
        "verb",
        "actor",
        "on_behalf_of",
        "form",
        "project",
    )
    list_filter = ("verb",)
    search_fields = ("verb", "form__number", "project__number")
    list_select_related = ("actor", "on_behalf_of", "form", "project")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256")
    list_select_related = ("uploaded_by",)
