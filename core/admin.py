from django.contrib import admin

from .models import Attachment, AuditEvent, DomainEvent, EventDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    """State changes go through the services, never through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = EventDelivery
    extra = 0
    can_delete = False
    readonly_fields = ("subscriber", "state", "attempts", "next_attempt_at", "done_at", "error")


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "created_at", "actor", "project_id", "form_id")
    list_filter = ("kind",)
    search_fields = ("kind",)
    inlines = [DeliveryInline]
    readonly_fields = [f.name for f in DomainEvent._meta.fields]


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
        "form_id",
        "project_id",
    )
    list_filter = ("verb",)
    search_fields = ("verb", "=form_id", "=project_id")
    list_select_related = ("actor", "on_behalf_of")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "size", "content_type", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256")
    list_select_related = ("uploaded_by",)
