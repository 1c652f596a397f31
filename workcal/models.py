from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day of the company calendar; days not in the table follow Monday–Friday.

    Years with real data (see CalendarYear) store every day, so a lookup never has to guess;
    a weekend row with an empty name is an ordinary weekend.
    """

    date = models.DateField(_("日期"), primary_key=True)
    is_working = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")

    def __str__(self):
        day = _("班") if self.is_working else _("休")
        return f"{self.date} {day} {self.name}".rstrip()


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 软件包")
    IMPORT = "import", _("CSV 导入")
    MANUAL = "manual", _("手工维护")


class CalendarYear(models.Model):
    """Which years hold a real holiday schedule, and where it came from.

    A year without a complete row falls back to Monday–Friday and triggers the admin warning.
    `sync_calendar` only overwrites years whose source is chinesecalendar (unless forced), so
    imported or hand-edited years survive a package upgrade.
    """

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(
        _("数据来源"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )
    complete = models.BooleanField(
        _("数据完整"), default=False, help_text=_("勾选后该年不再按周一至周五推算，也不再提示。")
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self):
        return f"{self.year}"


class CalendarNotice(models.Model):
    """One row per (missing year, day) the admins were told about: makes the notice idempotent."""

    year = models.PositiveSmallIntegerField(_("年份"))
    sent_on = models.DateField(_("提醒日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历缺失提醒")
        verbose_name_plural = _("日历缺失提醒")
        constraints = [
            models.UniqueConstraint(fields=["year", "sent_on"], name="workcal_notice_once_per_day")
        ]

    def __str__(self):
        return f"{self.year} @ {self.sent_on}"
