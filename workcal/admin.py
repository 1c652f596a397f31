from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sipm.errors import Refused

from .calendar import fallback_warning, missing_years
from .models import CalendarDay, CalendarYear
from .services import (
    MAX_YEAR,
    MIN_YEAR,
    calendar_day_changed,
    calendar_import_csv,
    calendar_sync_from_package,
)

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class YearFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarYear.objects.order_by("-year").values_list("year", flat=True)
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = _("类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [
            ("holiday", _("法定节假日")),
            ("makeup", _("调休上班")),
            ("named", _("有名称的日期")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "holiday":
            return queryset.filter(is_working=False).exclude(name="")
        if self.value() == "makeup":
            return queryset.filter(is_working=True).exclude(name="")
        if self.value() == "named":
            return queryset.exclude(name="")
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_working", "name"]
    list_display_links = ["date"]
    list_editable = ["is_working", "name"]
    list_filter = ["is_working", KindFilter, YearFilter]
    date_hierarchy = "date"
    search_fields = ["name"]
    list_per_page = 100

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_day_changed(obj.date, acting_user=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_day_changed(obj.date, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        for year in sorted({d.year for d in days}):
            calendar_day_changed(next(d for d in days if d.year == year), acting_user=request.user)


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_(
            "每行：日期,是否上班,名称，例如 2027-10-01,0,国庆节；表头可有可无。"
            "未列出的日期按周一至周五计算。"
        ),
    )
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("留空则取文件中日期所在的年份。该年已有的数据会被整体替换。"),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "complete", "imported_at", "imported_by"]
    list_filter = ["source", "complete"]
    readonly_fields = ["source", "imported_at", "imported_by"]
    actions = ["sync_from_package"]
    change_list_template = "workcal/admin/calendaryear_change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "calendar_warning": fallback_warning()}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="workcal_calendaryear_import",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request):
        return all(
            request.user.has_perm(f"workcal.{p}_calendarday") for p in ("add", "change", "delete")
        )

    def import_csv_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = calendar_import_csv(
                        acting_user=request.user,
                        file_obj=form.cleaned_data["file"],
                        year=form.cleaned_data["year"],
                    )
                except Refused as exc:
                    raise PermissionDenied(exc.message) from exc
                if result.ok:
                    self.message_user(request, result.summary(), messages.SUCCESS)
                    return redirect(reverse("admin:workcal_calendaryear_changelist"))
        else:
            missing = missing_years()
            form = CalendarImportForm(initial={"year": missing[0] if missing else None})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("导入节假日安排（CSV）"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "workcal/admin/import_csv.html", context)

    @admin.action(description=_("从 chinesecalendar 重新同步所选年份"), permissions=["change"])
    def sync_from_package(self, request, queryset):
        result = calendar_sync_from_package(
            years=list(queryset.values_list("year", flat=True)), force=True
        )
        if result.synced:
            self.message_user(
                request,
                gettext("已同步：%(years)s。") % {"years": "、".join(map(str, result.synced))},
                messages.SUCCESS,
            )
        if result.unsupported:
            self.message_user(
                request,
                gettext("chinesecalendar 没有这些年份的数据：%(years)s。")
                % {"years": "、".join(map(str, result.unsupported))},
                messages.WARNING,
            )
