"""Many notices at once: the reminder sweep records every reminder whose stage has begun in a
fixed number of queries, with what `notify` promises for each one — one ReminderLog per key
(a key recorded before, by a rerun or another process, is left alone), one Notification per
recipient, one OutboundMessage per channel the recipient's preferences ask for, one event per
notice — and hands the e-mails and robot posts to the event outbox (a Celery task, or the
relay), so sending never holds up the sweep."""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from core.events import defer_many, emit_many
from core.models import DomainEvent
from org.models import User

from . import categories
from .models import DeliveryStatus, OutboundMessage, ReminderLog
from .services import DELIVER, STAGE_EVENTS, inbox_insert, notify, outbound_rows, preferences_of


@dataclass
class Notice:
    key: str
    kind: str
    stage: str
    recipients: list
    title: str
    body: str = ""
    url: str = ""
    project_id: int | None = None
    form_id: int | None = None
    step_id: int | None = None
    due_date: date | None = None
    category: str = field(default="")


def _unique(notices: list[Notice]) -> dict[str, Notice]:
    """{key: notice} of the notices that tell someone (each recipient once), first of a key."""
    unique: dict[str, Notice] = {}
    for notice in notices:
        notice.recipients = list({u.pk: u for u in notice.recipients if u is not None}.values())
        if notice.recipients:
            unique.setdefault(notice.key, notice)
    return unique


def notify_many(notices: list[Notice], *, now) -> list[str]:
    """Record the notices not recorded yet; returns the keys recorded by this call."""
    unique = _unique(notices)
    if not unique:
        return []
    with transaction.atomic():
        events: dict[str, DomainEvent] = {}
        by_stage: dict[str, list[Notice]] = {}
        for notice in unique.values():
            by_stage.setdefault(notice.stage, []).append(notice)
        for stage, group in by_stage.items():
            made = emit_many(
                STAGE_EVENTS.get(stage, "notice.sent"),
                [_event_item(n) for n in group],
                when=now,
            )
            events.update(zip((n.key for n in group), made, strict=True))
        ReminderLog.objects.bulk_create(
            [_log(n, events[n.key], now) for n in unique.values()], ignore_conflicts=True
        )
        mine = {
            log.key: log
            for log in ReminderLog.objects.filter(
                event_id__in=[e.pk for e in events.values()]
            ).select_related("event")
        }
        # A key another process recorded first: its event reports nothing, and goes.
        lost = [e.pk for key, e in events.items() if key not in mine]
        if lost:
            DomainEvent.objects.filter(pk__in=lost).delete()
        _inboxes_and_outbound(mine, unique, now)
    return list(mine)


def notify_event(event, notices: list[Notice]) -> list[str]:
    """Several notices telling one domain event (e.g. a copy to each department): recorded
    together in a fixed number of queries, with what `notify` promises for each. If one of
    their keys was recorded before (a rerun), each goes through `notify`, which skips it.
    Returns the keys recorded by this call."""
    unique = _unique(notices)
    if not unique:
        return []
    now = event.created_at
    try:
        with transaction.atomic():
            made = ReminderLog.objects.bulk_create([_log(n, event, now) for n in unique.values()])
            logs = {log.key: log for log in made}
            _inboxes_and_outbound(logs, unique, now)
    except IntegrityError:
        return [
            n.key for n in unique.values() if notify_notice(n, now=now, event=event) is not None
        ]
    return list(logs)


def notify_notice(notice: Notice, *, now, event=None, deliver: str = "queue"):
    """`notify` for one Notice (its ReminderLog, or None if its key was recorded before)."""
    return notify(
        key=notice.key,
        kind=notice.kind,
        category=notice.category or None,
        recipients=notice.recipients,
        title=notice.title,
        body=notice.body,
        url=notice.url,
        stage=notice.stage,
        project=notice.project_id,
        form=notice.form_id,
        step=notice.step_id,
        due_date=notice.due_date,
        now=now,
        deliver=deliver,
        event=event,
    )


def _event_item(notice: Notice) -> dict:
    return {
        "project": notice.project_id,
        "form": notice.form_id,
        "payload": {
            "key": notice.key,
            "kind": notice.kind,
            "title": notice.title[:200],
            "recipients": [u.pk for u in notice.recipients],
            "due_date": notice.due_date.isoformat() if notice.due_date else None,
        },
    }


def _log(notice: Notice, event, now) -> ReminderLog:
    return ReminderLog(
        key=notice.key,
        kind=notice.kind,
        stage=notice.stage,
        project_id=notice.project_id,
        form_id=notice.form_id,
        step_id=notice.step_id,
        due_date=notice.due_date,
        event=event,
        title=notice.title[:200],
        body=notice.body,
        url=notice.url[:300],
        created_at=now,
    )


def _inboxes_and_outbound(logs: dict, notices: dict, now) -> None:
    ids = {u.pk for key in logs for u in notices[key].recipients}
    # Everyone once, with the department whose robot a notice may post to.
    everyone = User.objects.filter(pk__in=ids).select_related("department").in_bulk()
    for notice in notices.values():
        notice.recipients = [everyone.get(u.pk, u) for u in notice.recipients]
    prefs = preferences_of(list(everyone.values()))
    inbox, outbound, quiet, loud = [], [], [], []
    for key, log in logs.items():
        notice = notices[key]
        inbox += [(log, user) for user in notice.recipients]
        rows = outbound_rows(
            log=log,
            recipients=notice.recipients,
            category=notice.category or categories.of_kind(notice.kind),
            prefs=prefs,
        )
        outbound += rows
        (loud if rows else quiet).append(log)
    inbox_insert(inbox, now)
    OutboundMessage.objects.bulk_create(outbound)
    if quiet:
        ReminderLog.objects.filter(pk__in=[log.pk for log in quiet]).update(
            status=DeliveryStatus.SENT, sent_at=now
        )
    defer_many([log.event for log in loud], DELIVER)
