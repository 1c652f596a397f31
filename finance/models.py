"""The money side of a project: the cost ledger, payment terms and collections (回款), the
sales-commission rate table and the stored monthly cost reports [§4, §27]."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


# Where a category's budget comes from: (form kinds, field of the form's data) [§1, §13, §17].
BUDGET_SOURCE_CHOICES = (
    ("initiation:presales_budget", _("立项书 · 预计售前费用")),
    ("budget:implementation_cost", _("项目预算表 · 项目实施成本")),
    ("budget:management_cost", _("项目预算表 · 项目过程管理成本")),
    ("budget:maintenance_cost", _("项目预算表 · 项目维护成本")),
    ("quotation:purchase_cost", _("报价审批表 · 外购成本")),
    ("quotation:sales_expense", _("报价审批表 · 预计销售费用")),
)


class CostCategory(models.Model):
    """A cost category (费用类别) of the ledger, the budget and the 决算表, kept by admins.

    The code is what ledger lines store (and the report's column key); a category is retired by
    clearing `active` (its lines stay and still count), never deleted while lines use it.
    """

    code = models.SlugField(
        _("代码"),
        max_length=20,
        unique=True,
        help_text=_("小写字母开头，只含小写字母、数字和下划线；创建后不要修改。"),
        validators=[
            RegexValidator(r"^[a-z][a-z0-9_]*$", _("小写字母开头，只含小写字母、数字和下划线。"))
        ],
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    budget_source = models.CharField(
        _("预算来源"),
        max_length=60,
        choices=BUDGET_SOURCE_CHOICES,
        blank=True,
        help_text=_("该类别的预算取自哪张已批准表单的哪一项；为空表示没有预算。"),
    )
    active = models.BooleanField(_("可录入"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("费用类别")
        verbose_name_plural = _("费用类别")

    def __str__(self):
        return self.name


class CostEntry(models.Model):
    """One line of the ledger. Lines are never edited: a correction is a new entry."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="cost_entries",
    )
    # The code of a CostCategory (kept as text: the report groups and indexes by it).
    category = models.CharField(_("费用类别"), max_length=20)
    date = models.DateField(_("发生日期"))
    amount = models.DecimalField(_("金额"), **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("成本记录")
        verbose_name_plural = _("成本台账")
        indexes = [
            # Covering index of the monthly report: its one pass over the lines up to a month's
            # end (per project, the month's sums by category and the cumulative sum) reads
            # this index alone, in project order (PostgreSQL: index-only scan, no hashing).
            # It also serves a project's lines by date, as (project, date) did before.
            models.Index(
                fields=["project", "date", "category", "amount"], name="cost_project_cover"
            ),
            models.Index(fields=["date"], name="cost_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_amount_positive"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.category_label} {self.amount}"

    @property
    def category_label(self) -> str:
        from .categories import categories

        return categories.label(self.category)


class PaymentTerm(models.Model):
    """A row of the approved contract's 付款条款. Keyed by (project, position): an approved
    correction of the contract updates the rows in place, so recorded payments stay attached."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="payment_terms",
    )
    contract_form = models.ForeignKey(
        "approvals.Form",
        verbose_name=_("合同审批表"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    milestone = models.CharField(_("节点"), max_length=200)
    amount = models.DecimalField(_("金额"), **MONEY)
    due_date = models.DateField(_("预计日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["project", "position"]
        verbose_name = _("付款条款")
        verbose_name_plural = _("付款条款")
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="unique_term_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="term_amount_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.milestone} {self.amount}"


class Payment(models.Model):
    """A collection (回款) against one payment term."""

    term = models.ForeignKey(
        PaymentTerm, verbose_name=_("付款条款"), on_delete=models.PROTECT, related_name="payments"
    )
    # Denormalised from the term so a project's collections are one indexed read.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.DecimalField(_("金额"), **MONEY)
    date = models.DateField(_("收款日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("回款记录")
        verbose_name_plural = _("回款记录")
        indexes = [models.Index(fields=["project", "date"], name="payment_project_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.date} {self.amount}"


class CommissionRate(models.Model):
    """A tier of the sales-commission table (销售提成), kept by admins.

    The tier that applies is the active one with the highest `min_margin_pct` not above the
    project's gross-margin percentage; the commission is `rate` % of the gross-margin amount.
    A project with a margin below every tier, or a negative margin, earns no commission.
    """

    min_margin_pct = models.DecimalField(
        _("最低毛利率(%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("项目毛利率达到该值时适用本档提成比例。"),
    )
    rate = models.DecimalField(
        _("提成比例(%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("销售提成 = 毛利额 × 提成比例。"),
    )
    active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["min_margin_pct"]
        verbose_name = _("销售提成比例")
        verbose_name_plural = _("销售提成比例")
        constraints = [
            models.UniqueConstraint(
                fields=["min_margin_pct"], condition=Q(active=True), name="unique_active_tier"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="commission_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(min_margin_pct__gte=Decimal("-100")) & Q(min_margin_pct__lte=100),
                name="commission_margin_range",
            ),
        ]

    def __str__(self):
        return f"≥{self.min_margin_pct}% → {self.rate}%"


class MonthlyReport(models.Model):
    """The month-end cost report [§4], generated once per month and kept with its files."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一天。"))
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统自动生成。"),
    )
    xlsx = models.FileField(_("Excel 文件"), upload_to="reports/monthly/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="reports/monthly/", blank=True)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("月度成本报告")
        verbose_name_plural = _("月度成本报告")

    def __str__(self):
        return self.month.strftime("%Y-%m")
