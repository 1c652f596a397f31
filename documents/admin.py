from django.contrib import admin

from .models import RenderedDocument


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(admin.ModelAdmin):
    """Read-only: issued documents change only through documents.services."""

    list_display = ("form", "sha256", "size", "rendered_at")
    search_fields = ("form__number", "sha256", "data_hash")
    readonly_fields = ("form", "file", "sha256", "data_hash", "size", "rendered_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
