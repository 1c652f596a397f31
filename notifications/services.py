"""Writes: record a notice once (in-app rows and its outbound messages in the same
transaction), deliver its e-mails and group-robot posts through the event outbox, tell everyone
about a budget change, mark notifications read.

Every notice — a reminder from the scan, or a reaction to a domain event (notifications.on_*) —
goes through `notify`: one ReminderLog under a unique key, one Notification per recipient, and
one OutboundMessage per (recipient, channel) the recipient's preferences ask for.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import defer, emit, follow_up_handler
from sipm.errors import NotVisible, Refused

from . import categories, channels
from .models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    OutboundMessage,
    ReminderLog,
    ReminderStage,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A delivery claimed longer ago than this is taken to have died with its worker.
STALE_CLAIM = timedelta(minutes=10)
DELIVER = "notifications.deliver"
# The event a reminder of each stage is reported as.
STAGE_EVENTS: dict[str, str] = {
    ReminderStage.BEFORE: "deadline.before",
    ReminderStage.DUE: "deadline.due",
    ReminderStage.OVERDUE: "deadline.overdue",
    ReminderStage.GM: "deadline.escalated",
    ReminderStage.NOTICE: "notice.sent",
}


def _stale_claim() -> timedelta:
    seconds = getattr(settings, "SIPM_OUTBOX_STALE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else STALE_CLAIM


def inbox_insert(pairs: list[tuple], now) -> None:
    """One Notification per (log, recipient), with the log's title, body and link: the inbox
    rows of `notify` and of a batch (notifications.batch).

    On PostgreSQL the rows are copied from their ReminderLog rows in the database, joined to
    two arrays of ids: a morning sweep records thousands of them, and bulk_create would prepare
    and send every row's texts once per recipient (next-morning sweep at 100k projects, 653
    reminders: 2.09 → 1.68 s). Elsewhere, bulk_create."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    title=log.title,
                    body=log.body,
                    url=log.url,
                    created_at=now,
                    reminder=log,
                )
                for log, user in pairs
            ]
        )
        return
    quote = connection.ops.quote_name
    meta, logs = Notification._meta, ReminderLog._meta
    # Every concrete field has a column; str() tells the type checker so.
    column = {f.name: quote(str(f.column)) for f in meta.concrete_fields}
    log_column = {f.name: quote(str(f.column)) for f in logs.concrete_fields}
    log_pk = logs.pk.rel_db_type(connection)
    user_pk = meta.get_field("recipient").target_field.rel_db_type(connection)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({column['recipient']}, {column['title']}, "
        f"{column['body']}, {column['url']}, {column['created_at']}, {column['reminder']}) "
        f"SELECT v.recipient, r.{log_column['title']}, r.{log_column['body']}, "
        f"r.{log_column['url']}, %s, r.{log_column['id']} "
        f"FROM unnest(%s::{log_pk}[], %s::{user_pk}[]) WITH ORDINALITY AS v(log, recipient, n) "
        f"JOIN {quote(logs.db_table)} r ON r.{log_column['id']} = v.log ORDER BY v.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, [log.pk for log, _u in pairs], [u.pk for _l, u in pairs]])


def preferences_of(users) -> dict:
    """{user id: NotificationPreference} for those who set one (the others get the defaults)."""
    return {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}


def wants(pref, channel, category) -> bool:
    """Without a saved preference everything goes to every channel (the default)."""
    if pref is None:
        return True
    if channel == Channel.EMAIL:
        return category in pref.email and not pref.daily_digest
    return category in pref.robot


def _outbound_create(*, log, recipients, category):
    rows = outbound_rows(log=log, recipients=recipients, category=category)
    OutboundMessage.objects.bulk_create(rows)
    return rows


def outbound_rows(*, log, recipients, category, prefs=None) -> list[OutboundMessage]:
    """The e-mails and robot posts a notice asks for, by the recipients' preferences."""
    prefs = preferences_of(recipients) if prefs is None else prefs
    rows, depts = [], {}
    for user in recipients:
        pref = prefs.get(user.pk)
        if user.email and wants(pref, Channel.EMAIL, category):
            rows.append(
                OutboundMessage(
                    log=log,
                    event=log.event,
                    channel=Channel.EMAIL,
                    recipient=f"user:{user.pk}",
                    address=user.email,
                )
            )
        dept = user.department
        if dept is not None and dept.webhook_url and wants(pref, Channel.ROBOT, category):
            depts[dept.pk] = dept.webhook_url
    rows += [
        OutboundMessage(
            log=log, event=log.event, channel=Channel.ROBOT, recipient=f"dept:{pk}", address=url
        )
        for pk, url in sorted(depts.items())
    ]
    return rows


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
    event=None,
    category: str | None = None,
) -> ReminderLog | None:
    """Record a notice under `key` and put it in each recipient's inbox, once.

    Returns the new ReminderLog, or None when `key` was already recorded (a rerun, a redelivered
    task, or another worker that got there first). `event` is the domain event the notice tells
    about; without one (a reminder of the scan) the notice is itself reported as an event
    (deadline.due, deadline.overdue, deadline.escalated, …). E-mails and robot posts follow after
    commit: `deliver="queue"` through the event outbox (a Celery task, and the relay if the
    broker is down), "inline" in this process (the reminder scan, already in a worker), "none"
    leaves them to the next scan's retry.
    """
    now = now or timezone.now()
    recipients = list({u.pk: u for u in recipients if u is not None}.values())
    category = category or categories.of_kind(kind)
    try:
        with transaction.atomic():
            if event is None:
                event = emit(
                    STAGE_EVENTS.get(stage, "notice.sent"),
                    project=project,
                    form=form,
                    when=now,
                    payload={
                        "key": key,
                        "kind": kind,
                        "title": title[:200],
                        "recipients": [u.pk for u in recipients],
                        "due_date": due_date.isoformat() if due_date else None,
                    },
                )
            log = ReminderLog.objects.create(
                key=key,
                kind=kind,
                stage=stage,
                project_id=getattr(project, "pk", project),
                form_id=getattr(form, "pk", form),
                step_id=getattr(step, "pk", step),
                due_date=due_date,
                event=event,
                title=title[:200],
                body=body,
                url=url[:300],
                created_at=now,
            )
            inbox_insert([(log, user) for user in recipients], now)
            outbound = _outbound_create(log=log, recipients=recipients, category=category)
            if not outbound:
                log.status = DeliveryStatus.SENT
                log.sent_at = now
                log.save(update_fields=["status", "sent_at"])
            elif deliver == "queue":
                defer(event, DELIVER)
            elif deliver == "inline":
                log_id = log.pk
                transaction.on_commit(lambda: reminder_deliver(log_id=log_id))
    except IntegrityError:
        if not ReminderLog.objects.filter(key=key).exists():
            raise
        return None
    return log


@follow_up_handler(name=DELIVER, atomic=False)
def deliver_event_notices(event):
    """The outbox's handler: send every notice recorded for the event (each message marked as
    it goes, so a rerun after a crash resumes where the last one stopped)."""
    for log_id in ReminderLog.objects.filter(event=event).values_list("pk", flat=True):
        reminder_deliver(log_id=log_id)


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
        if log.status == DeliveryStatus.SENDING and log.claimed_at > now - _stale_claim():
            return None  # another worker is sending it right now
        if log.attempts >= MAX_ATTEMPTS:
            return None
        log.status = DeliveryStatus.SENDING
        log.attempts += 1
        log.claimed_at = now
        log.save(update_fields=["status", "attempts", "claimed_at"])
    return log


def _send(row, log):
    if row.channel == Channel.EMAIL:
        channels.email_send_one(row.address, title=log.title, body=log.body, url=log.url)
    else:
        payload = channels.webhook_payload(
            row.address, title=log.title, body=log.body, link=log.url
        )
        channels.webhook_post(row.address, payload)


def reminder_deliver(*, log_id, now=None) -> ReminderLog | None:
    """Send a recorded notice's outbound messages (e-mails, department group robots).

    Each message is marked sent the moment it went out (its own commit), so a retry after a
    failure — or after the worker died mid-batch — sends only what is still unsent. Returns the
    log, or None if there was nothing (left) to send.
    """
    now = now or timezone.now()
    log = _claim(log_id, now)
    if log is None:
        return None
    errors = []
    for row in OutboundMessage.objects.filter(log=log, sent_at__isnull=True).order_by("id"):
        try:
            _send(row, log)
        except Exception as exc:  # any mail backend or robot error: keep it and retry later
            logger.warning(
                "notice %s: %s to %s failed: %s", log.key, row.channel, row.recipient, exc
            )
            label = _("邮件发送失败") if row.channel == Channel.EMAIL else _("群机器人发送失败")
            errors.append(f"{label}：{exc}")
            OutboundMessage.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, error=str(exc)
            )
            continue
        OutboundMessage.objects.filter(pk=row.pk).update(
            sent_at=timezone.now(), attempts=row.attempts + 1, error=""
        )
    unsent = set(
        OutboundMessage.objects.filter(log=log, sent_at__isnull=True).values_list(
            "channel", flat=True
        )
    )
    if Channel.EMAIL not in unsent and log.email_sent_at is None:
        log.email_sent_at = timezone.now()
    if Channel.ROBOT not in unsent and log.webhook_sent_at is None:
        log.webhook_sent_at = timezone.now()
    log.error = "\n".join(str(e) for e in errors)
    if unsent:
        log.status = DeliveryStatus.FAILED
    else:
        log.status = DeliveryStatus.SENT
        log.sent_at = timezone.now()
    log.save(update_fields=["status", "error", "email_sent_at", "webhook_sent_at", "sent_at"])
    return log


def deliveries_retry(*, now=None) -> int:
    """Send again what failed, and what a dead worker left half-sent; returns how many were
    handed on. They go to a worker (one reminders_deliver task), so the sweep that calls this
    does not wait for mail servers and robots; what the broker refuses is sent here."""
    now = now or timezone.now()
    ids = list(
        ReminderLog.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENDING],
            created_at__lte=now - timedelta(minutes=1),
        )
        .exclude(status=DeliveryStatus.SENDING, claimed_at__gt=now - _stale_claim())
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    if not ids:
        return 0
    from .tasks import reminders_deliver  # tasks import this module

    try:
        reminders_deliver.delay(ids)
    except Exception:
        logger.warning("broker unreachable: sending %d notices in this process", len(ids))
        return sum(1 for pk in ids if reminder_deliver(log_id=pk, now=now) is not None)
    return len(ids)


def reminder_resend(*, acting_user, log_id) -> ReminderLog | None:
    """An admin asks to send a failed or unfinished reminder again (attempts start over)."""
    if not acting_user.has_perm("notifications.change_reminderlog"):
        raise Refused(_("您没有重新发送提醒的权限。"))
    updated = (
        ReminderLog.objects.filter(pk=log_id)
        .exclude(status=DeliveryStatus.SENT)
        .update(attempts=0, status=DeliveryStatus.FAILED)
    )
    return reminder_deliver(log_id=log_id) if updated else None


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
