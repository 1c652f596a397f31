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
    # The domain event the notice tells about (core.events); reminders have their own event.
    event = models.ForeignKey(
        "core.DomainEvent",
        verbose_name=_("业务事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    ROBOT = "robot", _("部门群机器人")


class OutboundMessage(models.Model):
    """One e-mail to one person, or one group-robot post to one department, for one notice.

    Unique per (event, recipient, channel): whatever redelivers a task, a message is sent at
    most once; each row is marked sent (and committed) right after it went out, so a worker
    killed in the middle of a batch leaves the sent ones sent and the rest for the next run."""

    log = models.ForeignKey(
        ReminderLog, verbose_name=_("提醒记录"), on_delete=models.CASCADE, related_name="outbound"
    )
    event = models.ForeignKey(
        "core.DomainEvent",
        verbose_name=_("业务事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    # "user:<id>" for an e-mail, "dept:<id>" for a group robot.
    recipient = models.CharField(_("接收方"), max_length=40)
    address = models.CharField(_("地址"), max_length=500)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        constraints = [
            models.UniqueConstraint(
                fields=["log", "recipient", "channel"], name="unique_outbound_per_recipient"
            ),
        ]
        indexes = [
            models.Index(
                fields=["log"], name="outbound_unsent", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.recipient} ← {self.log_id}"


class NotificationPreference(models.Model):
    """Which notices a person also gets by e-mail and through their department's group robot
    (in-app always), and whether e-mails come as one daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    # Notice categories (notifications.categories) sent by e-mail / robot.
    email = models.JSONField(_("邮件通知"), default=list, blank=True)
    robot = models.JSONField(_("群机器人通知"), default=list, blank=True)
    daily_digest = models.BooleanField(_("每日汇总邮件"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self):
        return str(self.user)


class DigestLog(models.Model):
    """One daily digest e-mail per person per day, sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="unique_digest_per_day"),
        ]
