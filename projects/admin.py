"""Admin of the company policy kept as data: the working-day deadlines (制度时限) and the
discount limits (折扣权限).

Changes are written to the audit log (core.config_audit.AuditedAdmin). A change of a
deadline's working days emits `policy.deadline_changed` in the same transaction; the reminder
sweep's due columns follow it (notifications.due), so projects whose pending deadline it moves
are looked at again by the next sweep.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.config_audit import AuditedAdmin
from core.events import emit

from .models import MAX_DEADLINE_DAYS, DeadlineCode, DiscountLimit, PolicyDeadline
from .policy import DEADLINE_CHANGED


class PolicyDeadlineForm(forms.ModelForm):
    # The model's validators say the same; declared here so that a negative number gets this
    # message too, not the generic one of a positive integer field.
    working_days = forms.IntegerField(
        label=_("工作日数"),
        min_value=1,
        max_value=MAX_DEADLINE_DAYS,
        error_messages={
            "min_value": _("时限至少为 1 个工作日。"),
            "max_value": _("时限不能超过 %(limit_value)s 个工作日。"),
        },
    )

    class Meta:
        model = PolicyDeadline
        fields = ("code", "working_days", "clause", "description")


@admin.register(PolicyDeadline)
class PolicyDeadlineAdmin(AuditedAdmin):
    """One row per deadline of the policy, seeded by migration; admins change the days, the
    clause and the note. Rows are neither added (every code has one) nor deleted."""

    form = PolicyDeadlineForm
    list_display = ("code", "working_days", "clause", "description")
    fields = ("code", "working_days", "clause", "description")

    def get_readonly_fields(self, request, obj=None):
        # Who changed what and when is in the audit log (config.changed rows).
        return ("code",) if obj is not None else ()

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        # Only a code that lost its row (e.g. deleted in the shell) may be added back.
        return PolicyDeadline.objects.count() < len(DeadlineCode.values)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        old_days = form.initial.get("working_days") if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and old_days != obj.working_days:
                emit(
                    DEADLINE_CHANGED,
                    actor=request.user,
                    payload={"code": obj.code, "old": old_days, "new": obj.working_days},
                    when=timezone.now(),
                )


@admin.register(DiscountLimit)
class DiscountLimitAdmin(AuditedAdmin):
    list_display = ("user", "min_rate")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)
