"""Projects and their lifecycle stages."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Stage(models.TextChoices):
    INITIATING = "initiating", _("立项申请")
    INITIATED = "initiated", _("已立项")
    PRESALES = "presales", _("售前支持")
    QUOTING = "quoting", _("报价")
    BUDGETING = "budgeting", _("预算")
    CONTRACTING = "contracting", _("合同审批")
    SIGNED = "signed", _("已签约")
    COMMISSIONING = "commissioning", _("委托")
    IMPLEMENTING = "implementing", _("实施")
    EVALUATING = "evaluating", _("评估")
    SETTLING = "settling", _("回款/决算")
    HANDOVER = "handover", _("资料移交")
    CLOSED = "closed", _("归档")
    REJECTED = "rejected", _("立项驳回")
    TERMINATED = "terminated", _("终止")


# Projects whose policy deadlines (委托书, 决算) can be running.
POLICY_STAGES = (
    Stage.CONTRACTING,
    Stage.SIGNED,
    Stage.COMMISSIONING,
    Stage.IMPLEMENTING,
    Stage.EVALUATING,
    Stage.SETTLING,
    Stage.HANDOVER,
)


# The main line, in order; a project only ever moves forward along it.
STAGE_ORDER = [
    Stage.INITIATING,
    Stage.INITIATED,
    Stage.PRESALES,
    Stage.QUOTING,
    Stage.BUDGETING,
    Stage.CONTRACTING,
    Stage.SIGNED,
    Stage.COMMISSIONING,
    Stage.IMPLEMENTING,
    Stage.EVALUATING,
    Stage.SETTLING,
    Stage.HANDOVER,
    Stage.CLOSED,
]
STAGE_RANK = {stage: i for i, stage in enumerate(STAGE_ORDER)}
OPEN_STAGES = STAGE_ORDER[:-1]


def _before(target):
    """The open stages a forward move to `target` may start from."""
    return [s for s in OPEN_STAGES if STAGE_RANK[s] < STAGE_RANK[target]]


def _is_open(project) -> bool:
    return project.stage in OPEN_STAGES


class Project(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    client_name = models.CharField(_("客户单位名称"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("所属部门"),
        null=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目申请人"),
        on_delete=models.PROTECT,
        related_name="initiated_projects",
    )
    sales_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销售负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    presales_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("售前负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目经理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("项目组成员"), blank=True, related_name="projects"
    )
    stage = FSMField(
        _("阶段"), default=Stage.INITIATING, choices=Stage.choices, protected=True, db_index=True
    )
    early_start = models.BooleanField(_("提前开工"), default=False)
    estimated_amount = models.DecimalField(
        _("项目预计合同金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    terminated_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # When the reminder sweep next has to look at the project's policy deadlines (委托书, 决算):
    # set when a form or payment may have started or met one; see notifications.reminders.
    next_deadline_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        indexes = [
            models.Index(fields=["created_at"], name="project_created"),
            models.Index(
                fields=["next_deadline_at"],
                condition=models.Q(next_deadline_at__isnull=False),
                name="project_deadline_due",
            ),
            # A person's newest projects (the team branches of selectors.newest_visible_ids).
            models.Index(fields=["initiator", "created_at"], name="project_initiator_new"),
            models.Index(fields=["sales_lead", "created_at"], name="project_sales_lead_new"),
            models.Index(fields=["presales_lead", "created_at"], name="project_presales_new"),
            models.Index(fields=["project_manager", "created_at"], name="project_manager_new"),
            # Ordering a set of ids by created_at reads the index only (PostgreSQL's INCLUDE;
            # other databases skip it): the planner then probes few ids instead of scanning.
            models.Index(fields=["id"], include=["created_at"], name="project_id_created"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def is_open(self):
        return self.stage in OPEN_STAGES

    def stage_reached(self, stage) -> bool:
        return self.stage in STAGE_RANK and STAGE_RANK[self.stage] >= STAGE_RANK[stage]

    # The lifecycle graph: one transition per event that moves a project (the form kinds'
    # submissions and approvals, projects.lifecycle maps them). Bodies only set fields in
    # memory; projects.services saves and logs. A move the graph does not allow raises
    # TransitionNotAllowed. Later forms may skip optional stages (e.g. no pre-sales support),
    # so each move starts from any open stage before its target.
    @transition(field=stage, source=Stage.INITIATING, target=Stage.INITIATED, conditions=[_is_open])
    def initiation_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.PRESALES), target=Stage.PRESALES)
    def presales_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.QUOTING), target=Stage.QUOTING)
    def quotation_submitted(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.BUDGETING), target=Stage.BUDGETING)
    def budget_submitted(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.CONTRACTING), target=Stage.CONTRACTING)
    def contract_submitted(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.SIGNED), target=Stage.SIGNED)
    def contract_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.COMMISSIONING), target=Stage.COMMISSIONING)
    def commission_submitted(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.IMPLEMENTING), target=Stage.IMPLEMENTING)
    def commission_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.EVALUATING), target=Stage.EVALUATING)
    def evaluation_submitted(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.SETTLING), target=Stage.SETTLING)
    def evaluation_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.HANDOVER), target=Stage.HANDOVER)
    def final_accounts_approved(self, *, when=None):
        pass

    @transition(field=stage, source=_before(Stage.CLOSED), target=Stage.CLOSED)
    def handover_approved(self, *, when=None):
        self.closed_at = when

    @transition(field=stage, source=Stage.INITIATING, target=Stage.REJECTED)
    def reject_initiation(self, *, when):
        self.closed_at = when

    @transition(field=stage, source=OPEN_STAGES, target=Stage.TERMINATED)
    def terminate(self, *, reason, when):
        self.terminated_reason = reason
        self.closed_at = when


class EstimateReport(models.Model):
    """项目估算报告: written by 技术服务部, signed by the project's pre-sales lead [§12, §19(1)].

    A quotation may only cite a signed report of its own project."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="estimate_reports"
    )
    attachment = models.OneToOneField(
        "core.Attachment",
        verbose_name=_("估算报告文件"),
        on_delete=models.PROTECT,
        related_name="estimate_report",
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    # The file's digest when it was signed: the signature covers exactly those bytes.
    signed_sha256 = models.CharField(_("签字时文件摘要"), max_length=64, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("项目估算报告")
        verbose_name_plural = _("项目估算报告")

    def __str__(self):
        return self.title or str(self.attachment)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class PresalesRecord(models.Model):
    """The end of pre-sales work [§7–§8]: the lead's work record, then 项目管理部's evaluation.

    Kept beside the approved 售前支持工作协调单 so the approved form's content stays unchanged."""

    form = models.OneToOneField(
        "approvals.Form",
        verbose_name=_("售前支持工作协调单"),
        on_delete=models.PROTECT,
        related_name="presales_record",
    )
    work_record = models.TextField(_("工作记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    evaluation = models.TextField(_("售前评估"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("售前工作记录")
        verbose_name_plural = _("售前工作记录")


class DiscountLimit(models.Model):
    """折扣权限: the lowest 折扣率 (对外报价金额 / 估算价, in %) an approver may approve alone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.CASCADE,
        related_name="discount_limit",
    )
    min_rate = models.DecimalField(_("最低折扣率(%)"), max_digits=5, decimal_places=2)

    class Meta:
        db_table = "approvals_discountlimit"  # moved from the engine app; the table kept its name
        verbose_name = _("折扣权限")
        verbose_name_plural = _("折扣权限")

    def __str__(self):
        return f"{self.user}: {self.min_rate}%"


class DeadlineCode(models.TextChoices):
    """The policy's working-day deadlines; the same codes are the deadline kinds of
    notifications.deadlines."""

    COMMISSION_ISSUE = "commission_issue", _("办理项目委托书")
    COMMISSION_APPROVE = "commission_approve", _("批准项目委托书")
    FINAL_ACCOUNTS = "final_accounts", _("项目决算")
    BUDGET_CHANGE_NOTICE = "budget_change_notice", _("预算变更告知相关人员")


# The longest deadline an admin may set: a month of working days. Anything longer is a typo, and
# the deadline code's working-day spans are sized for it.
MAX_DEADLINE_DAYS = 20


class PolicyDeadline(models.Model):
    """One of the policy's working-day deadlines [§18, §22, §27], kept by admins beside the
    approval steps' time limits (ChainStepTemplate.sla_days); read through projects.policy."""

    code = models.CharField(_("时限"), max_length=40, unique=True, choices=DeadlineCode.choices)
    working_days = models.PositiveSmallIntegerField(
        _("工作日数"),
        validators=[
            MinValueValidator(1, _("时限至少为 1 个工作日。")),
            MaxValueValidator(MAX_DEADLINE_DAYS, _("时限不能超过 %(limit_value)s 个工作日。")),
        ],
    )
    clause = models.CharField(_("制度条款"), max_length=20, help_text=_("例如 §22。"))
    description = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("从何时起算、什么算作完成。")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("制度时限")
        verbose_name_plural = _("制度时限")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1, working_days__lte=MAX_DEADLINE_DAYS),
                name="policy_deadline_days_range",
                violation_error_message=_("工作日数超出允许范围。"),
            )
        ]

    def __str__(self):
        return gettext("%(name)s（%(days)s 个工作日）") % {
            "name": self.get_code_display(),
            "days": self.working_days,
        }


class DashboardSnapshot(models.Model):
    """The 统计看板's figures as of `built_at`, built off the request path (projects.dashboard):
    language-neutral codes and numbers; the page adds the labels in the reader's language."""

    built_at = models.DateTimeField(_("统计时间"), db_index=True)
    took_ms = models.PositiveIntegerField(_("统计耗时（毫秒）"), default=0)
    figures = models.JSONField(_("统计数据"))

    class Meta:
        ordering = ["-built_at"]
        verbose_name = _("统计看板快照")
        verbose_name_plural = _("统计看板快照")

    def __str__(self):
        return str(self.built_at)
