from django.contrib import admin

from .models import DomainEvent, EventDelivery


class DeliveryInline(admin.TabularInline):
    model = EventDelivery
    extra = 0
    can_delete = False
    readonly_fields = ("subscriber", "state", "attempts", "next_attempt_at", "done_at", "error")


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "created_at", "actor", "project_id", "form_id")
    list_filter = ("kind",)
    search_fields = ("kind",)
    inlines = [DeliveryInline]
    readonly_fields = [f.name for f in DomainEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
