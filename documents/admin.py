from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import RenderedDocument


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(ReadOnlyAdmin):
    """Read-only: issued documents change only through documents.services."""

    list_display = ("form", "sha256", "size", "rendered_at")
    search_fields = ("form__number", "sha256", "data_hash")
    readonly_fields = ("form", "file", "sha256", "data_hash", "size", "rendered_at")
