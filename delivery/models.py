"""实施 (delivery): the plan (WBS, milestones, approved baselines), timesheets, weekly earned-value
snapshots, the risk register and the customer's acceptance records.

Settings and day rates are admin data. Timesheet lines, like the cost ledger they feed, are
never edited: a booking is final (the ledger only accepts positive lines).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Position

MONEY = {"max_digits": 14, "decimal_places": 2}
DAYS = {"max_digits": 8, "decimal_places": 2}


class DeliverySettings(models.Model):
    """One row (pk=1): thresholds of the deviation alert and the daily booking limit."""

    spi_threshold = models.DecimalField(
        _("SPI 预警阈值"), max_digits=4, decimal_places=2, default=Decimal("0.90")
    )
    cpi_threshold = models.DecimalField(
        _("CPI 预警阈值"), max_digits=4, decimal_places=2, default=Decimal("0.90")
    )
    max_man_days_per_day = models.DecimalField(
        _("每人每天最多工日"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("同一人一天内在所有项目上登记的工日合计上限。"),
    )
    hours_per_day = models.DecimalField(
        _("每工日小时数"), max_digits=4, decimal_places=2, default=Decimal("8.00")
    )

    class Meta:
        verbose_name = _("实施设置")
        verbose_name_plural = _("实施设置")

    def __str__(self):
        return str(_("实施设置"))

    @classmethod
    def current(cls) -> "DeliverySettings":
        return cls.objects.get_or_create(pk=1)[0]


class DayRate(models.Model):
    """人工日单价 per position: the labour cost of one man-day."""

    position = models.PositiveSmallIntegerField(_("职位"), choices=Position.choices, unique=True)
    rate = models.DecimalField(_("日单价(元)"), **MONEY)

    class Meta:
        ordering = ["position"]
        verbose_name = _("人工日单价")
        verbose_name_plural = _("人工日单价")
        constraints = [models.CheckConstraint(condition=Q(rate__gt=0), name="day_rate_positive")]

    def __str__(self):
        return f"{self.get_position_display()} {self.rate}"


class PlanTemplate(models.Model):
    """A WBS template per project type: its phases in order."""

    project_type = models.CharField(_("项目类型"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["project_type"]
        verbose_name = _("计划模板")
        verbose_name_plural = _("计划模板")

    def __str__(self):
        return self.name


class PlanTemplatePhase(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=100)
    weight = models.DecimalField(
        _("工日占比(%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("本阶段占实施工日与工期的比例。"),
    )
    milestone = models.CharField(_("阶段里程碑"), max_length=100, blank=True)
    is_acceptance = models.BooleanField(_("验收里程碑"), default=False)
    is_maintenance = models.BooleanField(_("运维阶段"), default=False)

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("模板阶段")
        verbose_name_plural = _("模板阶段")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="unique_template_phase")
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class Plan(models.Model):
    project = models.OneToOneField(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plan"
    )
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every edit of the WBS: a baseline records the revision it froze.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("实施计划")
        verbose_name_plural = _("实施计划")

    def __str__(self):
        return f"{self.project}"


class Phase(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=100)
    is_maintenance = models.BooleanField(_("运维阶段"), default=False)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="unique_plan_phase")]

    def __str__(self):
        return self.name


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("任务名称"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_tasks",
    )
    start = models.DateField(_("计划开始"))
    finish = models.DateField(_("计划完成"))
    planned_man_days = models.DecimalField(_("计划工日"), **DAYS)
    percent_complete = models.PositiveSmallIntegerField(
        _("完成百分比"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("前置任务"), symmetrical=False, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["phase__order", "order", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.CheckConstraint(condition=Q(finish__gte=models.F("start")), name="task_dates"),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="task_percent"),
        ]

    def __str__(self):
        return self.name


class TaskProgress(models.Model):
    """A progress report: the task's percent complete as of a date. EV of a week uses the last
    report on or before its Sunday, so the weekly history stays what it was."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress_reports")
    on = models.DateField(_("截至日期"))
    percent = models.PositiveSmallIntegerField(_("完成百分比"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent"),
        ]


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("里程碑"), max_length=200)
    due = models.DateField(_("计划日期"))
    is_acceptance = models.BooleanField(_("验收里程碑"), default=False)
    is_final = models.BooleanField(_("最终验收"), default=False)
    achieved_on = models.DateField(_("达成日期"), null=True, blank=True)
    # The due date whose slip was already reported (a slip is reported once per due date).
    slip_alerted_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        indexes = [models.Index(fields=["achieved_on", "due"], name="milestone_open_due")]

    def __str__(self):
        return self.name


class Baseline(models.Model):
    """An approved (or proposed) version of the plan, frozen; a re-plan is a new version."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="baselines")
    version = models.PositiveIntegerField(_("版本"))
    reason = models.TextField(_("调整原因"), blank=True)
    form = models.OneToOneField(
        "approvals.Form", on_delete=models.PROTECT, related_name="baseline", null=True
    )
    snapshot = models.JSONField(_("计划快照"), default=dict)
    man_days = models.DecimalField(_("计划工日"), **DAYS)
    cost = models.DecimalField(_("计划人工成本"), **MONEY)
    start = models.DateField(_("计划开始"))
    finish = models.DateField(_("计划完成"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "version"]
        verbose_name = _("计划基线")
        verbose_name_plural = _("计划基线")
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="unique_baseline_version")
        ]

    def __str__(self):
        return f"V{self.version}"


class TimesheetEntry(models.Model):
    """One booking: man-days of one person on one task on one day."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="timesheet_entries"
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timesheet_entries"
    )
    date = models.DateField(_("日期"))
    man_days = models.DecimalField(_("工日"), max_digits=4, decimal_places=2)
    overtime = models.BooleanField(_("加班"), default=False)
    maintenance = models.BooleanField(_("维护工日"), default=False)
    rate = models.DecimalField(_("日单价"), **MONEY)
    cost = models.DecimalField(_("人工成本"), **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("工时记录")
        verbose_name_plural = _("工时记录")
        indexes = [
            models.Index(fields=["project", "date"], name="timesheet_project_date"),
            models.Index(fields=["user", "date"], name="timesheet_user_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(man_days__gt=0), name="timesheet_positive"),
        ]


class WeekSnapshot(models.Model):
    """The earned-value figures of one project for one week (Monday), cumulative to its Sunday.

    Written when bookings or progress change, read by the portfolio page: it never has to add up
    the timesheets of every project."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="week_snapshots"
    )
    week = models.DateField(_("周一"))
    pv = models.DecimalField("PV", **MONEY)
    ev = models.DecimalField("EV", **MONEY)
    ac = models.DecimalField("AC", **MONEY)
    spi = models.DecimalField("SPI", max_digits=8, decimal_places=2, null=True)
    cpi = models.DecimalField("CPI", max_digits=8, decimal_places=2, null=True)
    bac = models.DecimalField("BAC", **MONEY)
    planned_man_days = models.DecimalField(_("计划工日(累计)"), **DAYS)
    actual_man_days = models.DecimalField(_("实际工日(累计)"), **DAYS)
    alerted = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "week"]
        constraints = [
            models.UniqueConstraint(fields=["project", "week"], name="unique_week_snapshot")
        ]


class RiskKind(models.TextChoices):
    RISK = "risk", _("风险")
    ISSUE = "issue", _("问题")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("未关闭")
    MITIGATING = "mitigating", _("应对中")
    CLOSED = "closed", _("已关闭")


OPEN_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


class Risk(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="risks")
    kind = models.CharField(_("类型"), max_length=10, choices=RiskKind.choices)
    description = models.TextField(_("描述"))
    probability = models.PositiveSmallIntegerField(
        _("可能性(1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("影响(1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    response = models.TextField(_("应对措施"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    review_every = models.PositiveSmallIntegerField(_("复查周期(工作日)"), default=5)
    next_review = models.DateField(_("下次复查"))
    reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "-probability", "-impact", "id"]
        verbose_name = _("风险与问题")
        verbose_name_plural = _("风险与问题")
        indexes = [models.Index(fields=["status", "next_review"], name="risk_review_due")]

    def __str__(self):
        return self.description[:40]

    @property
    def score(self) -> int:
        return self.probability * self.impact


class AcceptanceRecord(models.Model):
    """The customer's acceptance of a 验收 milestone, from an approved 验收单."""

    milestone = models.OneToOneField(Milestone, on_delete=models.PROTECT, related_name="acceptance")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="acceptances"
    )
    form = models.OneToOneField(
        "approvals.Form", on_delete=models.PROTECT, related_name="acceptance_record"
    )
    accepted_on = models.DateField(_("验收日期"))
    signatory = models.CharField(_("客户签字人"), max_length=100)
    scan = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("签字扫描件"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_final = models.BooleanField(_("最终验收"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted_on", "id"]
        verbose_name = _("验收记录")
        verbose_name_plural = _("验收记录")
