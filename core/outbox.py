"""Running the asynchronous subscribers' outbox rows, exactly once each.

`event_deliveries_run(event_id)` runs the event's open deliveries one by one, each claimed and
finished in its own transaction, so a worker killed mid-batch leaves finished rows finished and
the rest for the next run. `outbox_relay()` (Celery beat, every minute) runs what is overdue:
rows whose task was never queued (broker down), failed earlier (with backoff), or whose worker
died (a claim older than STALE_CLAIM).
"""

import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .events import subscriber
from .models import DeliveryState, EventDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=5)
# Rows younger than this belong to the task queued at commit; the relay leaves them alone.
RELAY_GRACE = timedelta(seconds=30)
RELAY_BATCH = 500


def _stale_claim() -> timedelta:
    # Tests that kill workers shorten it (settings.SIPM_OUTBOX_STALE_SECONDS).
    seconds = getattr(settings, "SIPM_OUTBOX_STALE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else STALE_CLAIM


def _relay_grace() -> timedelta:
    seconds = getattr(settings, "SIPM_OUTBOX_RELAY_GRACE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else RELAY_GRACE


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _claim(delivery_id, now) -> EventDelivery | None:
    with transaction.atomic():
        row = (
            EventDelivery.objects.select_for_update(skip_locked=True)
            .select_related("event")
            .filter(pk=delivery_id)
            .first()
        )
        if row is None or row.state in (DeliveryState.DONE, DeliveryState.FAILED):
            return None
        if (
            row.state == DeliveryState.RUNNING
            and row.claimed_at
            and row.claimed_at > now - _stale_claim()
        ):
            return None  # another worker runs it right now
        row.state = DeliveryState.RUNNING
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["state", "claimed_at", "attempts"])
        return row


def delivery_run(delivery_id, *, now=None) -> bool:
    """Run one delivery; True when its handler completed now."""
    now = now or timezone.now()
    row = _claim(delivery_id, now)
    if row is None:
        return False
    sub = subscriber(row.subscriber)
    if sub is None:
        _finish(row, DeliveryState.FAILED, error=f"no subscriber named {row.subscriber}")
        return False
    try:
        if sub.atomic:
            # The handler's writes and the done mark commit together: a handler that only
            # writes to the database runs exactly once even if the worker dies right after it.
            with transaction.atomic():
                sub.handler(row.event)
                _finish(row, DeliveryState.DONE)
        else:
            # The handler commits its own marks as it goes; a rerun resumes after the last one.
            sub.handler(row.event)
            _finish(row, DeliveryState.DONE)
    except Exception:
        logger.exception("subscriber %s failed on event %s", row.subscriber, row.event_id)
        state = DeliveryState.FAILED if row.attempts >= MAX_ATTEMPTS else DeliveryState.PENDING
        _finish(
            row, state, error=traceback.format_exc()[-4000:], retry_at=now + _backoff(row.attempts)
        )
        return False
    return True


def _finish(row, state, *, error="", retry_at=None):
    fields = {"state": state, "error": error}
    if state == DeliveryState.DONE:
        fields["done_at"] = timezone.now()
    if retry_at is not None:
        fields["next_attempt_at"] = retry_at
    EventDelivery.objects.filter(pk=row.pk).update(**fields)


def event_deliveries_run(event_id, *, now=None) -> int:
    ids = list(
        EventDelivery.objects.filter(
            event_id=event_id, state__in=[DeliveryState.PENDING, DeliveryState.RUNNING]
        ).values_list("pk", flat=True)
    )
    return sum(delivery_run(pk, now=now) for pk in ids)


def outbox_relay(*, now=None, limit=RELAY_BATCH) -> int:
    """Run the overdue deliveries (oldest first); returns how many completed."""
    now = now or timezone.now()
    due = (
        EventDelivery.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=now - _relay_grace())
            | Q(state=DeliveryState.RUNNING, claimed_at__lte=now - _stale_claim())
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(delivery_run(pk, now=now) for pk in list(due))
