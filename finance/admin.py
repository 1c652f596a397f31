"""Admin for the money side. Ledger lines and collections are written through the services
(API, import), so here they are read-only; admins edit the commission table and may generate a
monthly report on demand."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.config_audit import AuditedAdmin

from .models import CommissionRate, CostCategory, CostEntry, MonthlyReport, Payment, PaymentTerm


@admin.register(CostCategory)
class CostCategoryAdmin(AuditedAdmin):
    """The cost categories of the ledger, the budget and the 决算表. A category in use is retired
    (可录入 cleared), not deleted: its lines keep counting in every report."""

    list_display = ("name", "code", "sort_order", "budget_source", "active")
    list_editable = ("sort_order", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and CostEntry.objects.filter(category=obj.code).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnlyAdmin):
    list_display = ("project", "category", "date", "amount", "note", "entered_by", "created_at")
    list_filter = ("category", "date")
    search_fields = ("project__number", "project__name", "note")
    date_hierarchy = "date"
    list_select_related = ("project", "entered_by")
    raw_id_fields = ("project",)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("date", "amount", "note", "entered_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentTerm)
class PaymentTermAdmin(ReadOnlyAdmin):
    list_display = ("project", "position", "milestone", "amount", "due_date", "contract_form")
    search_fields = ("project__number", "project__name", "milestone")
    list_select_related = ("project", "contract_form")
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("project", "term", "date", "amount", "note", "entered_by")
    list_filter = ("date",)
    search_fields = ("project__number", "project__name", "note")
    date_hierarchy = "date"
    list_select_related = ("project", "term", "entered_by")


@admin.register(CommissionRate)
class CommissionRateAdmin(AuditedAdmin):
    list_display = ("min_margin_pct", "rate", "active", "note")
    list_editable = ("rate", "active")
    list_filter = ("active",)


@admin.action(description=_("重新发送所选报告的邮件"))
def resend(modeladmin, request, queryset):
    from .reports.services import monthly_report_notify

    sent = 0
    for report in queryset:
        MonthlyReport.objects.filter(pk=report.pk).update(notified_at=None)
        sent += monthly_report_notify(report_id=report.pk)
    modeladmin.message_user(
        request, gettext("已发送 %(n)d 份报告。") % {"n": sent}, messages.SUCCESS
    )


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("month", "generated_at", "generated_by", "xlsx", "pdf", "notified_at")
    readonly_fields = (
        "month",
        "generated_at",
        "generated_by",
        "xlsx",
        "pdf",
        "summary",
        "notified_at",
    )
    actions = [resend]

    def has_add_permission(self, request):
        return False
