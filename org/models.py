"""The organisation: departments, positions, people, roles, 立项权 rules and delegations."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Position(models.IntegerChoices):
    STAFF = 10, _("员工")
    SUPERVISOR = 20, _("主管")
    MANAGER = 30, _("经理")
    DIRECTOR = 40, _("总监")
    GENERAL_MANAGER = 50, _("总经理")


class Department(models.Model):
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    manager = models.ForeignKey(
        "org.User",
        verbose_name=_("部门经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    webhook_url = models.URLField(
        _("群机器人 Webhook"),
        blank=True,
        help_text=_("钉钉、飞书或企业微信群机器人地址（可选），用于到期提醒。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self):
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.PositiveSmallIntegerField(
        _("职位"), choices=Position.choices, default=Position.STAFF
    )
    signature = models.ImageField(_("签名图片"), upload_to="signatures/", blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self):
        return str(self)


class FormScope(models.TextChoices):
    """Which forms a role sees beyond those its holder takes part in."""

    INVOLVED = "", _("仅参与的表单")
    APPROVED = "approved", _("全部已批准的表单")
    SUBMITTED = "submitted", _("全部已提交的表单")


class Role(models.Model):
    """A company-wide role such as SALES_DIR; the process resolves approvers from these."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sees_all_forms = models.BooleanField(
        _("可查看全部表单"), default=False, help_text=_("总监与总经理可查看所有表单。")
    )
    sees_all_projects = models.BooleanField(
        _("可查看全部项目"),
        default=False,
        help_text=_("项目管理部与财务部可查看所有项目。"),
    )
    forms_scope = models.CharField(
        _("表单查看范围"),
        max_length=10,
        choices=FormScope.choices,
        default=FormScope.INVOLVED,
        blank=True,
        help_text=_(
            "财务部查看全部已批准的表单（§3、§4），项目管理部查看全部已提交的表单（§16–§28）。"
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self):
        return f"{self.name} ({self.code})"


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.CASCADE, related_name="assignments"
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self):
        return f"{self.user} — {self.role.name}"


class InitiationRule(models.Model):
    """One clause of 立项权 [§2]: members of a department at or above a position may initiate."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="initiation_rules",
    )
    min_position = models.PositiveSmallIntegerField(
        _("最低职位"), choices=Position.choices, default=Position.STAFF
    )
    sales_only = models.BooleanField(
        _("仅限销售人员"), default=False, help_text=_("只有持有“销售”角色的员工才有立项权。")
    )
    active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("立项权规则")
        verbose_name_plural = _("立项权规则")

    def __str__(self):
        return f"{self.department} ≥ {self.get_min_position_display()}"


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(active=True, start_date__lte=day, end_date__gte=day)


class Delegation(models.Model):
    """While away, `principal` lets `delegate` decide on their behalf (代签)."""

    principal = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.CASCADE, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        User, verbose_name=_("代理人"), on_delete=models.CASCADE, related_name="delegations_taken"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("代签委托")
        verbose_name_plural = _("代签委托")
        indexes = [models.Index(fields=["delegate", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("delegate")), name="delegation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.principal} → {self.delegate} ({self.start_date}–{self.end_date})"
