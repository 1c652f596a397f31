"""Writes: record a notice once (in-app rows in the same transaction), deliver it by e-mail and
group robot after commit, tell everyone about a budget change, mark notifications read.

The reminder scan lives in notifications.reminders; it calls `notify` for every reminder.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit import audit_append
from approvals.models import Form, FormStatus
from sipm.errors import Conflict, NotVisible
from sipm.i18n import in_company_language

from . import channels
from .deadlines import BUDGET_CHANGE_NOTICE, BUDGET_CHANGE_NOTICE_DAYS, budget_notice_key
from .links import form_url
from .models import DeliveryStatus, Notification, ReminderLog, ReminderStage
from .people import budget_change_audience
from .workdays import Workdays, local_date

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A delivery claimed longer ago than this is taken to have died with its worker.
STALE_CLAIM = timedelta(minutes=10)


def _notifications_create(*, log, recipients, now) -> list[Notification]:
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                title=log.title,
                body=log.body,
                url=log.url,
                created_at=now,
                reminder=log,
            )
            for user in recipients
        ]
    )


def notify(
    *,
    key: str,
    kind: str,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    stage: str = ReminderStage.NOTICE,
    project=None,
    form=None,
    step=None,
    due_date=None,
    now=None,
    deliver: str = "queue",
) -> ReminderLog | None:
    """Record a notice under `key` and put it in each recipient's inbox, once.

    Returns the new ReminderLog, or None when `key` was already recorded (a rerun, a redelivered
    task, or another worker that got there first). E-mail and group robots follow after commit:
    `deliver="queue"` hands them to a Celery task, "inline" sends them in this process (the
    reminder scan, already in a worker), "none" leaves them to the next scan's retry.
    """
    now = now or timezone.now()
    recipients = list({u.pk: u for u in recipients if u is not None}.values())
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                key=key,
                kind=kind,
                stage=stage,
                project=project,
                form=form,
                step=step,
                due_date=due_date,
                title=title[:200],
                body=body,
                url=url[:300],
                created_at=now,
            )
            _notifications_create(log=log, recipients=recipients, now=now)
            if deliver != "none":
                transaction.on_commit(lambda: _deliver_after_commit(log.pk, deliver))
    except IntegrityError:
        if not ReminderLog.objects.filter(key=key).exists():
            raise
        return None
    return log


def _deliver_after_commit(log_id, how):
    if how == "inline":
        reminder_deliver(log_id=log_id)
    else:
        from .tasks import reminder_deliver as task

        task.delay(log_id)


def _claim(log_id, now) -> ReminderLog | None:
    with transaction.atomic():
        log = (
            ReminderLog.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=log_id)
            .select_related("project", "form")
            .first()
        )
        if log is None or log.status == DeliveryStatus.SENT:
            return None
        if log.status == DeliveryStatus.SENDING and log.claimed_at > now - STALE_CLAIM:
            return None  # another worker is sending it right now
        if log.attempts >= MAX_ATTEMPTS:
            return None
        log.status = DeliveryStatus.SENDING
        log.attempts += 1
        log.claimed_at = now
        log.save(update_fields=["status", "attempts", "claimed_at"])
    return log


def reminder_deliver(*, log_id, now=None) -> ReminderLog | None:
    """Send a recorded notice by e-mail and to the recipients' department group robots.

    Each channel is marked when it succeeds, so a retry after a failure only redoes the channel
    that failed. Returns the log, or None if there was nothing (left) to send.
    """
    now = now or timezone.now()
    log = _claim(log_id, now)
    if log is None:
        return None
    recipients = [
        n.recipient
        for n in log.notifications.select_related("recipient__department").order_by("id")
    ]
    errors = []
    if log.email_sent_at is None:
        try:
            channels.email_send(recipients, title=log.title, body=log.body, url=log.url)
            log.email_sent_at = timezone.now()
        except Exception as exc:  # any mail backend error: keep it and retry later
            logger.warning("reminder %s: e-mail failed: %s", log.key, exc)
            errors.append(_("邮件发送失败：%(error)s") % {"error": exc})
    if log.webhook_sent_at is None:
        hooks = sorted(
            {
                u.department.webhook_url
                for u in recipients
                if u.department and u.department.webhook_url
            }
        )
        failed = []
        for url in hooks:
            payload = channels.webhook_payload(url, title=log.title, body=log.body, link=log.url)
            try:
                channels.webhook_post(url, payload)
            except channels.WebhookError as exc:
                logger.warning("reminder %s: webhook failed: %s", log.key, exc)
                failed.append(_("群机器人发送失败：%(error)s") % {"error": exc})
        if failed:
            errors.extend(failed)
        else:
            log.webhook_sent_at = timezone.now()
    log.error = "\n".join(str(e) for e in errors)
    if errors:
        log.status = DeliveryStatus.FAILED
    else:
        log.status = DeliveryStatus.SENT
        log.sent_at = timezone.now()
    log.save(update_fields=["status", "error", "email_sent_at", "webhook_sent_at", "sent_at"])
    return log


def deliveries_retry(*, now=None) -> int:
    """Send again what failed, and what a dead worker left half-sent; returns how many tried."""
    now = now or timezone.now()
    ids = list(
        ReminderLog.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENDING],
            created_at__lte=now - timedelta(minutes=1),
        )
        .exclude(status=DeliveryStatus.SENDING, claimed_at__gt=now - STALE_CLAIM)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    return sum(1 for log_id in ids if reminder_deliver(log_id=log_id, now=now) is not None)


def reminder_resend(*, acting_user, log_id) -> ReminderLog | None:
    """An admin asks to send a failed or unfinished reminder again (attempts start over)."""
    from sipm.errors import Refused

    if not acting_user.has_perm("notifications.change_reminderlog"):
        raise Refused(_("您没有重新发送提醒的权限。"))
    updated = (
        ReminderLog.objects.filter(pk=log_id)
        .exclude(status=DeliveryStatus.SENT)
        .update(attempts=0, status=DeliveryStatus.FAILED)
    )
    return reminder_deliver(log_id=log_id) if updated else None


@in_company_language
def budget_change_notify(*, form_id, acting_user=None, now=None, deliver="queue"):
    """Tell everyone concerned that a budget change was approved [§18], once per change.

    Safe to call inside the approval's transaction (the notice then commits with it) and again
    from the scan. Returns the ReminderLog, or None if the notice had already gone out.
    """
    now = now or timezone.now()
    with transaction.atomic():
        form = (
            Form.objects.select_related(
                "project__sales_lead", "project__presales_lead", "project__project_manager"
            )
            .filter(pk=form_id, kind="budget_change")
            .first()
        )
        if form is None or form.project is None:
            raise NotVisible(_("预算变更单不存在。"))
        if form.status != FormStatus.APPROVED:
            raise Conflict(_("预算变更尚未批准，不能发出变更通知。"), code="wrong_state")
        project = form.project
        approved_on = local_date(form.closed_at or now)
        due = Workdays.around([approved_on]).add(approved_on, BUDGET_CHANGE_NOTICE_DAYS)
        recipients = budget_change_audience(project)
        reason = (form.data or {}).get("reason") or ""
        body = _("项目 %(number)s %(name)s 的预算变更（%(form)s）已于 %(date)s 批准。") % {
            "number": project.number,
            "name": project.name,
            "form": form.number,
            "date": approved_on.isoformat(),
        }
        if reason:
            body += _("变更原因：%(reason)s") % {"reason": reason}
        log = notify(
            key=budget_notice_key(form.pk),
            kind=BUDGET_CHANGE_NOTICE,
            recipients=recipients,
            title=_("【预算变更】%(name)s") % {"name": project.name},
            body=body,
            url=form_url(form.pk),
            project=project,
            form=form,
            due_date=due,
            now=now,
            deliver=deliver,
        )
        if log is not None:
            audit_append(
                verb="budget_change.notified",
                actor=acting_user,
                form=form,
                project=project,
                payload={
                    "recipients": sorted(u.pk for u in recipients),
                    "due_date": due.isoformat(),
                    "on_time": local_date(now) <= due,
                },
            )
    return log


def notification_mark_read(*, acting_user, notification_id, now=None) -> Notification:
    """Mark one of the user's own notifications read (reading it again changes nothing)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=acting_user).first()
    if notification is None:
        raise NotVisible(_("通知不存在。"))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, acting_user, now=None) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
