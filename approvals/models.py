"""Forms, their approval chains, steps, decisions, copies, attachments and the audit log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import AuditEvent


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审批中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


EDITABLE_STATUSES = (FormStatus.DRAFT, FormStatus.RETURNED, FormStatus.WITHDRAWN)


class StepKind(models.TextChoices):
    SINGLE = "single", _("审批")
    ALL = "all", _("会签")
    ANY = "any", _("或签")
    QUORUM = "quorum", _("多数签")
    FILL = "fill", _("填写并审批")


class Sequence(models.Model):
    """A named counter for project and form numbers, only ever incremented under a row lock:
    two submissions never get the same number, and a number once issued is never issued again."""

    key = models.CharField(max_length=60, unique=True)
    value = models.PositiveIntegerField(default=0)


class ChainTemplate(models.Model):
    kind = models.CharField(_("表单类型"), max_length=30)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("审批流程模板")
        verbose_name_plural = _("审批流程模板")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_chain_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="one_active_chain_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class ChainStepTemplate(models.Model):
    template = models.ForeignKey(
        ChainTemplate, verbose_name=_("流程模板"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("步骤名称"), max_length=60)
    role_label = models.CharField(_("审批角色"), max_length=60)
    kind = models.CharField(
        _("类型"), max_length=10, choices=StepKind.choices, default=StepKind.SINGLE
    )
    approvers = models.CharField(
        _("审批人"),
        max_length=200,
        help_text=_(
            "逗号分隔：role:角色代码、dept_manager:submitter、dept_manager:部门代码、"
            "dept:部门代码、project:pm / project:presales_lead / project:sales_lead、field:字段名"
        ),
    )
    quorum = models.PositiveSmallIntegerField(_("最少同意人数"), null=True, blank=True)
    fill_fields = models.JSONField(_("填写字段"), default=list, blank=True)
    condition = models.JSONField(_("条件"), null=True, blank=True)
    sla_days = models.PositiveSmallIntegerField(_("处理时限(工作日)"), default=2)
    allow_add_signer = models.BooleanField(
        _("允许加签"), default=True, help_text=_("审批人可在本人之前或之后加一位审批人。")
    )
    allow_transfer = models.BooleanField(
        _("允许转交"), default=True, help_text=_("审批人可把本步骤交给另一位符合条件的人员。")
    )
    transfer_scope = models.CharField(
        _("转交范围"),
        max_length=200,
        blank=True,
        help_text=_("可接收转交的人员，写法同“审批人”；留空为全体在职员工。"),
    )
    comment_required = models.BooleanField(
        _("同意时须填写意见"), default=False, help_text=_("勾选后，同意也必须填写审批意见。")
    )

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("流程步骤")
        verbose_name_plural = _("流程步骤")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="unique_step_order"),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class FormQuerySet(models.QuerySet):
    def of_kind(self, *kinds: str) -> "FormQuerySet":
        return self.filter(kind__in=kinds) if len(kinds) != 1 else self.filter(kind=kinds[0])

    def approved(self) -> "FormQuerySet":
        return self.filter(status=FormStatus.APPROVED)


def project_copy_field():
    """A copy of a form's project on a row the lists read by it (seats, copies)."""
    return models.ForeignKey(
        settings.SIPM_FORM_OWNER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # a copy of the form's project, not a second owner
        related_name="+",
    )


class Form(ConcurrentTransitionMixin, models.Model):
    kind = models.CharField(_("表单类型"), max_length=30, db_index=True)
    number = models.CharField(_("表单编号"), max_length=40, unique=True)
    # The owner a form belongs to: the engine names it only through this setting.
    project = models.ForeignKey(
        settings.SIPM_FORM_OWNER_MODEL,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forms",
    )
    data = models.JSONField(_("表单内容"), default=dict, blank=True)
    status = FSMField(
        _("状态"),
        default=FormStatus.DRAFT,
        choices=FormStatus.choices,
        protected=True,
        db_index=True,
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="submitted_forms",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("申请部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        ChainTemplate,
        verbose_name=_("审批流程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forms",
    )
    current_step = models.PositiveSmallIntegerField(_("当前步骤"), null=True, blank=True)
    round = models.PositiveIntegerField(_("提交轮次"), default=0)
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("更正自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    approved_data_hash = models.CharField(
        _("批准内容摘要"), max_length=64, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = FormQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("表单")
        verbose_name_plural = _("表单")
        indexes = [
            models.Index(fields=["project", "kind"]),
            models.Index(fields=["submitter", "status"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def events(self):
        """The form's audit rows, oldest first (core.AuditEvent names the form by its id)."""
        return (
            AuditEvent.objects.filter(form_id=self.pk)
            .select_related("actor", "on_behalf_of")
            .order_by("id")
        )

    @property
    def title(self):
        from .kinds import get_kind

        spec = get_kind(self.kind, missing_ok=True)
        return spec.title if spec else self.kind

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    def project_copies(self) -> dict:
        """The fields of a seat or a copy that copy this form's project (project_copy_field)."""
        project = self.project if self.project_id else None
        created = project.created_at if project is not None else None
        return {"project_id": self.project_id, "project_created_at": created}

    # The state graph. Bodies only set fields in memory; services save and log.
    @transition(field=status, source=list(EDITABLE_STATUSES), target=FormStatus.IN_REVIEW)
    def submit(self, *, when):
        self.round += 1
        self.submitted_at = when
        self.closed_at = None

    @transition(field=status, source=FormStatus.IN_REVIEW, target=FormStatus.APPROVED)
    def approve(self, *, when, data_hash):
        self.current_step = None
        self.closed_at = when
        self.approved_data_hash = data_hash

    @transition(field=status, source=FormStatus.IN_REVIEW, target=FormStatus.REJECTED)
    def reject(self, *, when):
        self.current_step = None
        self.closed_at = when

    @transition(field=status, source=FormStatus.IN_REVIEW, target=FormStatus.RETURNED)
    def send_back(self):
        self.current_step = None

    @transition(field=status, source=FormStatus.IN_REVIEW, target=FormStatus.WITHDRAWN)
    def withdraw(self):
        self.current_step = None


class StepStatus(models.TextChoices):
    PENDING = "pending", _("未开始")
    ACTIVE = "active", _("审批中")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")
    RETURNED = "returned", _("已退回")
    SKIPPED = "skipped", _("不适用")
    CANCELLED = "cancelled", _("已取消")


class FormStep(models.Model):
    """A step of one submission round, copied from the chain template when the form is submitted.

    Its status is a protected state graph: only the transitions below change it."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    role_label = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    approvers = models.CharField(max_length=200)
    quorum = models.PositiveSmallIntegerField(null=True, blank=True)
    fill_fields = models.JSONField(default=list, blank=True)
    condition = models.JSONField(null=True, blank=True)
    sla_days = models.PositiveSmallIntegerField(default=2)
    allow_add_signer = models.BooleanField(default=True)
    allow_transfer = models.BooleanField(default=True)
    transfer_scope = models.CharField(max_length=200, blank=True)
    comment_required = models.BooleanField(default=False)
    # A 加签 step: who added it, and whether before or after their own step.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_position = models.CharField(max_length=6, blank=True)
    status = FSMField(
        max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING, protected=True
    )
    # How many times the step has been activated (a return to it activates it again).
    passes = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the reminder sweep next has to look at this step (its next reminder stage begins);
    # null once the last reminder went out. See notifications.reminders.
    next_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["form", "round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["form", "round", "order"], name="unique_form_step"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The sweep's only read of steps: active ones whose next reminder is due.
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(status="active", next_reminder_at__isnull=False),
                name="step_reminder_due",
            ),
        ]

    def __str__(self):
        return f"{self.form_id}#{self.round}.{self.order} {self.name}"

    def save(self, *args, **kwargs):
        """Save; when the step stops being active its seats close (StepAssignee.is_open).
        Activation opens new seats (approvals.services.flow.activate_step)."""
        adding = self._state.adding  # a new step has no seats yet
        super().save(*args, **kwargs)
        saved = getattr(self, "_saved_status", None)
        fields = kwargs.get("update_fields")
        if adding:
            self._saved_status = self.status
        elif self.status != saved and (fields is None or "status" in fields):
            if self.status != StepStatus.ACTIVE:
                StepAssignee.objects.filter(step=self, is_open=True).update(is_open=False)
            self._saved_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        step = super().from_db(db, field_names, values)
        step._saved_status = step.__dict__.get("status")
        return step

    # The state graph. Bodies only set fields in memory; approvals.services saves and logs.
    @transition(
        field=status,
        source=[StepStatus.PENDING, StepStatus.SKIPPED, StepStatus.APPROVED],
        target=StepStatus.ACTIVE,
    )
    def activate(self, *, when, due_at):
        self.passes += 1
        self.activated_at = when
        self.due_at = due_at
        self.completed_at = None

    @transition(
        field=status, source=[StepStatus.PENDING, StepStatus.SKIPPED], target=StepStatus.SKIPPED
    )
    def skip(self, *, reason):
        self.note = reason

    @transition(field=status, source=StepStatus.ACTIVE, target=StepStatus.APPROVED)
    def approve(self, *, when):
        self.completed_at = when

    @transition(field=status, source=StepStatus.ACTIVE, target=StepStatus.REJECTED)
    def reject(self, *, when):
        self.completed_at = when

    @transition(field=status, source=StepStatus.ACTIVE, target=StepStatus.RETURNED)
    def send_back(self, *, when):
        self.completed_at = when

    @transition(
        field=status,
        source=[StepStatus.APPROVED, StepStatus.RETURNED],
        target=StepStatus.PENDING,
    )
    def reopen(self):
        """A return to an earlier step: the steps after it are to be decided again."""

    @transition(field=status, source=StepStatus.ACTIVE, target=StepStatus.CANCELLED)
    def cancel(self):
        pass

    @transition(field=status, source=StepStatus.ACTIVE, target=StepStatus.PENDING)
    def wait(self):
        """加签 before this step: it waits until the added signer has decided."""


class StepAssignee(models.Model):
    step = models.ForeignKey(FormStep, on_delete=models.CASCADE, related_name="assignees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    # 转交: the person who handed this seat over.
    transferred_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The seat waits on its holder: its step is active and the holder has not decided in this
    # pass (kept by FormStep.save and by the decision). The queues read only open seats,
    # through partial indexes, instead of every seat a person ever held.
    is_open = models.BooleanField(default=False)
    # Copies of what the queue sorts, filters and counts by, written when the step is activated
    # (none of them changes while it stays active): a queue page is an index range, not a join
    # and sort of every waiting seat.
    due_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    form_kind = models.CharField(max_length=30, blank=True)
    project = project_copy_field()
    # The project's creation time, the order project lists use, on every seat (open or not):
    # "the newest projects with a form I hold or held a seat on" is an index range of the
    # holder's seats, not a join of every seat they ever held to steps, forms and projects.
    project_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="unique_step_assignee"),
        ]
        indexes = [
            models.Index(fields=["user", "step"]),
            # The queue's default order and its overdue filter.
            models.Index(
                fields=["user", "due_at", "step"],
                condition=Q(is_open=True),
                name="stepassignee_open_due",
            ),
            # The counts per kind (the badge is their sum), and a kind's page in due order.
            models.Index(
                fields=["user", "form_kind", "due_at"],
                condition=Q(is_open=True),
                name="stepassignee_open_kind",
            ),
            # The newest projects of a holder's seats, and of the seats they handed on (转交).
            models.Index(
                fields=["user", "-project_created_at", "-project"],
                condition=Q(project__isnull=False),
                name="stepassignee_user_project",
            ),
            models.Index(
                fields=["transferred_from", "-project_created_at", "-project"],
                condition=Q(project__isnull=False, transferred_from__isnull=False),
                name="stepassignee_handed_project",
            ),
        ]

    @classmethod
    def opening(cls, step, form, user, **fields):
        """A new open seat of an active step, with the copies the queue and project lists read."""
        return cls(
            step=step,
            user=user,
            is_open=True,
            due_at=step.due_at,
            waiting_since=step.activated_at,
            submitted_at=form.submitted_at,
            form_kind=form.kind,
            **form.project_copies(),
            **fields,
        )


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("驳回")
    RETURN = "return", _("退回修改")


class Decision(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="decisions")
    step = models.ForeignKey(FormStep, on_delete=models.CASCADE, related_name="decisions")
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_made"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_delegated",
    )
    # The assignee whose seat the decision fills: the decider, or the person they stood in for.
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    step_pass = models.PositiveSmallIntegerField(default=1)
    decision = models.CharField(max_length=10, choices=DecisionKind.choices)
    comment = models.TextField(blank=True)
    data_hash = models.CharField(max_length=64)
    to_step = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One decision per seat per activation of a step: a double click or a racing thread
            # cannot add a second one even if the service's own checks were bypassed.
            models.UniqueConstraint(
                fields=["step", "principal", "step_pass"], name="unique_decision_per_seat"
            ),
        ]


class FormComment(models.Model):
    """A remark on a form (not a decision), seen by everyone who sees the form; @mentions notify."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="form_comments"
    )
    body = models.TextField(_("内容"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["form", "created_at"])]


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("原件存档")
    COPY = "copy", _("抄送")
    ARCHIVE = "archive", _("存档")


class FormCopy(models.Model):
    """An approved form lands in the archive list of the departments the policy names."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="copies")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="form_copies"
    )
    kind = models.CharField(max_length=10, choices=CopyKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Copies of the form's project and its creation time, as on StepAssignee: a department's
    # newest projects with a copy are the head of an index range, not a walk of every project.
    project = project_copy_field()
    project_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "department"], name="unique_form_copy"),
        ]
        indexes = [
            models.Index(
                fields=["department", "-project_created_at", "-project"],
                condition=Q(project__isnull=False),
                name="formcopy_dept_project",
            ),
        ]
