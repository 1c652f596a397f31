"""折扣权限 in the admin: company policy, audited like every other who-approves-what setting."""

from django.contrib import admin

from core.config_audit import AuditedAdmin

from .models import DiscountLimit


@admin.register(DiscountLimit)
class DiscountLimitAdmin(AuditedAdmin):
    list_display = ("user", "min_rate")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)
