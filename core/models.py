"""The ground floor's records: the domain-event stream and its transactional outbox, the
hash-chained audit log (core.audit) and stored files (core.files).

A service that changes something business-relevant writes a DomainEvent in its own transaction
(core.events.emit). Synchronous subscribers run inside that transaction; each asynchronous
subscriber gets one EventDelivery row in the same transaction (the outbox), so a reaction is
never lost when the broker is down and never run twice for the same event.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    kind = models.CharField(_("事件类型"), max_length=60, db_index=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被代理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Plain ids, not foreign keys: the ground floor knows no project and no form.
    project_id = models.BigIntegerField(_("项目"), null=True, blank=True, db_index=True)
    form_id = models.BigIntegerField(_("表单"), null=True, blank=True, db_index=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("业务事件")
        verbose_name_plural = _("业务事件")

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待处理")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class EventDelivery(models.Model):
    """One asynchronous subscriber's share of one event: the outbox row."""

    event = models.ForeignKey(
        DomainEvent, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("订阅者"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="unique_delivery_per_subscriber"
            )
        ]
        indexes = [
            # The relay reads only open rows; the partial index stays small however long the
            # history grows.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_open",
                condition=models.Q(state__in=["pending", "running"]),
            )
        ]

    def __str__(self):
        return f"{self.subscriber} ← {self.event_id}"


class Attachment(models.Model):
    # Downloads are addressed by this random id, never by the sequential primary key.
    public_id = models.UUIDField(_("下载编号"), default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "approvals_attachment"  # moved from the engine app; the table kept its name
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class AuditHead(models.Model):
    """The head of one chain (shard = pk - 1) of the audit log; see core.audit."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "approvals_audithead"


class AuditEvent(models.Model):
    """Append-only and hash-chained per shard; on PostgreSQL a trigger refuses UPDATE and DELETE."""

    shard = models.PositiveSmallIntegerField(default=0)
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    verb = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Plain ids, not foreign keys: the ground floor knows no project and no form.
    form_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    project_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        # Moved from the engine app; the table kept its name (and its append-only trigger).
        db_table = "approvals_auditevent"
        ordering = ["id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        constraints = [
            models.UniqueConstraint(fields=["shard", "seq"], name="unique_audit_shard_seq"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.verb}"
