"""Celery wrappers of the outbox: take ids, call core.outbox."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, reject_on_worker_lost=True)
def event_deliver(event_id: int) -> int:
    return outbox.event_deliveries_run(event_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def events_deliver(event_ids: list[int]) -> int:
    """A batch's events in one message (a redelivered batch skips the deliveries done)."""
    return sum(outbox.event_deliveries_run(event_id) for event_id in event_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_relay() -> int:
    return outbox.outbox_relay()
