from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    AcceptanceRecord,
    Baseline,
    DayRate,
    DeliverySettings,
    PlanTemplate,
    PlanTemplatePhase,
    Risk,
)


class PhaseInline(admin.TabularInline):
    model = PlanTemplatePhase
    extra = 0


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "project_type", "is_active")
    inlines = [PhaseInline]


@admin.register(DayRate)
class DayRateAdmin(admin.ModelAdmin):
    list_display = ("position", "rate")


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "spi_threshold", "cpi_threshold", "max_man_days_per_day")

    def has_add_permission(self, request):
        return not DeliverySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdmin):
    list_display = ("plan", "version", "man_days", "cost", "approved_at")


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "description", "probability", "impact", "status")
    list_filter = ("status", "kind")


@admin.register(AcceptanceRecord)
class AcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("project", "milestone", "accepted_on", "signatory", "is_final")
