"""Admin for the inbox rows and the reminder log (read-mostly: the scan writes them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DeliveryStatus, Notification, ReminderLog
from .services import reminder_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("title", "body", "recipient__username", "recipient__display_name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient", "reminder")
    readonly_fields = ("created_at",)


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    fields = ("recipient", "read_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "stage", "due_date", "status", "attempts", "created_at")
    list_filter = ("status", "kind", "stage")
    search_fields = ("key", "title", "project__number", "form__number")
    list_select_related = ("project", "form")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ReminderLog._meta.fields]
    inlines = [NotificationInline]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新发送邮件和群消息（仅失败或未完成的渠道）"))
    def resend(self, request, queryset):
        sent = 0
        for log_id in queryset.exclude(status=DeliveryStatus.SENT).values_list("pk", flat=True):
            if reminder_resend(acting_user=request.user, log_id=log_id) is not None:
                sent += 1
        messages.info(
            request,
            ngettext("已重新发送 %(n)d 条提醒。", "已重新发送 %(n)d 条提醒。", sent) % {"n": sent},
        )
