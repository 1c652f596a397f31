"""Celery wrappers: take ids (or an ISO timestamp), call a service. acks_late so a task lost with
its worker is redelivered; the services' unique keys make the rerun harmless."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import reminders, services


def _when(now_iso):
    if not now_iso:
        return None
    when = parse_datetime(now_iso)
    if when is None or when.tzinfo is None:
        raise ValueError(f"now_iso must be an aware ISO 8601 timestamp, got {now_iso!r}")
    return when


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminders_scan(now_iso=None) -> list[str]:
    """Beat runs this every 15 minutes; returns the keys of the reminders recorded."""
    return reminders.reminders_scan(now=_when(now_iso)).recorded


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminder_deliver(log_id) -> bool:
    return services.reminder_deliver(log_id=log_id) is not None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminders_deliver(log_ids) -> int:
    """The sweep's retries in one message."""
    return sum(1 for pk in log_ids if services.reminder_deliver(log_id=pk) is not None)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def budget_change_notice(form_id) -> bool:
    from .budget_notices import budget_change_notify

    return budget_change_notify(form_id=form_id, deliver="inline") is not None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def daily_digest(now_iso=None) -> int:
    """Beat runs this at 18:30 (Shanghai): one summary e-mail per person who chose it."""
    from .digest import digests_send

    return digests_send(now=_when(now_iso))
