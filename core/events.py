"""The one way a reaction leaves a service: `emit()` an event inside the service's transaction.

    from core.events import emit, subscribe

    emit("form.approved", actor=user, form=form, project=form.project_id, payload={...})

    @subscribe("form.approved", name="documents.issue_pdf")          # after commit, via Celery
    def issue_pdf(event): ...

    @subscribe("form.approved", name="projects.stage", sync=True)     # inside the transaction
    def move_stage(event): ...

A synchronous subscriber runs inside the emitting transaction: what it writes commits or rolls
back with the change itself (a stage move, an in-app notification). An asynchronous subscriber
gets an outbox row (EventDelivery) in the same transaction; after commit a Celery task runs it,
and the periodic relay (core.outbox.outbox_relay) picks up whatever a broker outage or a killed
worker left behind. The (event, subscriber) row is unique and marked done when the handler
returns, so a redelivered task does not run a finished handler again; handlers must still be
idempotent for the crash window between their own commit and that mark.

Subscribers register in their app's `AppConfig.ready()` by importing their module.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from .models import DomainEvent, EventDelivery

logger = logging.getLogger(__name__)

ANY = "*"


@dataclass(frozen=True)
class Subscriber:
    name: str
    kinds: frozenset[str]
    handler: Callable[[DomainEvent], object]
    sync: bool
    # False: the handler commits its own work step by step (e.g. one mark per message sent),
    # so the outbox runs it outside a transaction and marks the delivery done afterwards.
    atomic: bool = True

    def wants(self, kind: str) -> bool:
        return ANY in self.kinds or kind in self.kinds


_SUBSCRIBERS: dict[str, Subscriber] = {}


def subscribe(*kinds: str, name: str | None = None, sync: bool = False, atomic: bool = True):
    """Register the decorated function for events of `kinds` (ANY for all)."""
    if not kinds:
        raise ValueError("subscribe() needs at least one event kind")
    return _register(kinds, name, sync, atomic)


def follow_up_handler(*, name: str, atomic: bool = True):
    """Register an asynchronous handler that no event kind triggers by itself: a synchronous
    subscriber asks for it with `defer(event, name)` when the event needs it (e.g. only when
    there is an e-mail to send)."""
    return _register((), name, False, atomic)


def _register(kinds, name, sync, atomic):
    def register(fn):
        sub_name = name or f"{fn.__module__}.{fn.__qualname__}"
        if len(sub_name) > 100:
            raise ValueError(f"subscriber name too long: {sub_name}")
        _SUBSCRIBERS[sub_name] = Subscriber(sub_name, frozenset(kinds), fn, sync, atomic)
        return fn

    return register


def unsubscribe(name: str) -> None:
    _SUBSCRIBERS.pop(name, None)


def subscriber(name: str) -> Subscriber | None:
    return _SUBSCRIBERS.get(name)


def subscribers_for(kind: str) -> list[Subscriber]:
    return [s for s in _SUBSCRIBERS.values() if s.wants(kind)]


def _pk(value):
    return getattr(value, "pk", value)


def _person(name, value) -> dict:
    if value is None or isinstance(value, int):
        return {f"{name}_id": value}
    return {name: value}


def emit(
    kind: str,
    *,
    actor=None,
    on_behalf_of=None,
    project=None,
    form=None,
    payload: dict | None = None,
    when=None,
) -> DomainEvent:
    """Record an event in the current transaction and hand it to its subscribers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() must run inside the transaction of the change it reports")
    fields = {
        "kind": kind,
        # A user object is kept on the event, so subscribers that word a notice with its actor
        # do not read it again.
        **_person("actor", actor),
        **_person("on_behalf_of", on_behalf_of),
        "project_id": _pk(project),
        "form_id": _pk(form),
        "payload": payload or {},
    }
    if when is not None:
        fields["created_at"] = when
    event = DomainEvent.objects.create(**fields)
    subs = subscribers_for(kind)
    for sub in subs:
        if sub.sync:
            sub.handler(event)
    later = [s.name for s in subs if not s.sync]
    if later:
        EventDelivery.objects.bulk_create(
            [EventDelivery(event=event, subscriber=name) for name in later]
        )
        event_id = event.pk
        transaction.on_commit(lambda: _enqueue(event_id), robust=True)
    return event


def emit_many(kind: str, items: list[dict], *, when=None) -> list[DomainEvent]:
    """`emit` for a batch of events of one kind (each item: project, form, actor, payload), in a
    fixed number of queries: one insert for the events, one for their outbox rows. Synchronous
    subscribers still see each event, in order."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit_many() must run inside the transaction of the change it reports")
    if not items:
        return []
    events = DomainEvent.objects.bulk_create(
        [
            DomainEvent(
                kind=kind,
                actor_id=_pk(item.get("actor")),
                on_behalf_of_id=_pk(item.get("on_behalf_of")),
                project_id=_pk(item.get("project")),
                form_id=_pk(item.get("form")),
                payload=item.get("payload") or {},
                **({"created_at": when} if when is not None else {}),
            )
            for item in items
        ]
    )
    subs = subscribers_for(kind)
    for sub in subs:
        if sub.sync:
            for event in events:
                sub.handler(event)
    _outbox_rows(events, [s.name for s in subs if not s.sync])
    return events


def defer_many(events: list[DomainEvent], name: str) -> None:
    """`defer` for a batch of events (one row per event, whichever notices it has)."""
    if name not in _SUBSCRIBERS:
        raise ValueError(f"no handler named {name}")
    events = list({event.pk: event for event in events}.values())
    _outbox_rows(events, [name], ignore_conflicts=True)


def _outbox_rows(events, names, ignore_conflicts=False) -> None:
    if not events or not names:
        return
    EventDelivery.objects.bulk_create(
        [EventDelivery(event=event, subscriber=name) for event in events for name in names],
        ignore_conflicts=ignore_conflicts,
    )
    ids = [event.pk for event in events]
    transaction.on_commit(lambda: _enqueue_all(ids), robust=True)


def defer(event: DomainEvent, name: str) -> None:
    """Give `event` an outbox row for the follow-up handler `name` (once), in this transaction."""
    if name not in _SUBSCRIBERS:
        raise ValueError(f"no handler named {name}")
    # One INSERT … ON CONFLICT DO NOTHING: several notices of one event defer the same handler.
    EventDelivery.objects.bulk_create(
        [EventDelivery(event=event, subscriber=name)], ignore_conflicts=True
    )
    queued = event.__dict__.setdefault("_sipm_queued", set())
    if name not in queued:
        # Once per event object; a second task would find the row claimed or done anyway.
        queued.add(name)
        event_id = event.pk
        transaction.on_commit(lambda: _enqueue(event_id), robust=True)


def _enqueue_all(event_ids: list[int]) -> None:
    """Queue a batch as one message; if the broker refuses it, the relay delivers them."""
    from .tasks import events_deliver

    try:
        events_deliver.delay(event_ids)
    except Exception:
        logger.warning(
            "%d events not queued (broker unreachable); the relay will deliver them",
            len(event_ids),
        )


def _enqueue(event_id: int) -> None:
    # A broker outage must not fail the request that already committed: the relay retries.
    from .tasks import event_deliver  # tasks import this module; resolved at call time

    try:
        event_deliver.delay(event_id)
    except Exception:
        logger.warning(
            "event %s not queued (broker unreachable); the relay will deliver it", event_id
        )
