"""In-app notifications and the log that makes every reminder go out exactly once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderStage(models.TextChoices):
    BEFORE = "before", _("到期前一个工作日")
    DUE = "due", _("当天到期")
    OVERDUE = "overdue", _("已逾期（抄送部门经理）")
    GM = "gm", _("逾期升级（上报总经理）")
    NOTICE = "notice", _("通知")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ReminderLog(models.Model):
    """One reminder or notice, keyed so it is recorded once whatever retries or redeliveries do.

    The row and its Notification rows are written in one transaction; e-mail and group-robot
    delivery run after commit and are tracked per channel, so a retry only redoes what failed.
    """

    key = models.CharField(_("唯一键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=30, db_index=True)
    stage = models.CharField(_("阶段"), max_length=10, choices=ReminderStage.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_logs",
    )
    form = models.ForeignKey(
        "approvals.Form",
        verbose_name=_("表单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_logs",
    )
    step = models.ForeignKey(
        "approvals.FormStep",
        verbose_name=_("审批步骤"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_logs",
    )
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("发送状态"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    webhook_sent_at = models.DateTimeField(_("群机器人发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送完成时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        indexes = [models.Index(fields=["project", "kind"], name="reminder_project_kind")]

    def __str__(self):
        return self.key


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    reminder = models.ForeignKey(
        ReminderLog,
        verbose_name=_("提醒记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]
        constraints = [
            # Even a bypassed service cannot put the same reminder twice in one inbox.
            models.UniqueConstraint(
                fields=["reminder", "recipient"], name="unique_notification_per_reminder"
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self):
        return self.read_at is not None
