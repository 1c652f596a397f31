"""The event stream: emit in the transaction, sync subscribers inside it, async ones through
the outbox exactly once, the relay for what a broker outage left behind."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from core import events, outbox
from core.models import DeliveryState, DomainEvent, EventDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    seen = []

    @events.subscribe("test.thing", name="test.sync", sync=True)
    def on_sync(event):
        seen.append(("sync", event.pk))

    @events.subscribe("test.thing", events.ANY, name="test.async")
    def on_async(event):
        seen.append(("async", event.pk))

    yield seen
    events.unsubscribe("test.sync")
    events.unsubscribe("test.async")


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        events.emit("test.thing")


def test_sync_runs_in_the_transaction_and_async_after_commit(
    calls, django_capture_on_commit_callbacks
):
    # given two subscribers, when a service emits and commits
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.emit("test.thing", payload={"n": 1}, project=7)
        # then the sync one ran already, the async one waits for the commit
        assert calls == [("sync", event.pk)]
    assert calls == [("sync", event.pk), ("async", event.pk)]
    delivery = EventDelivery.objects.get(event=event)
    assert delivery.subscriber == "test.async"
    assert delivery.state == DeliveryState.DONE
    assert DomainEvent.objects.get(pk=event.pk).project_id == 7


def test_a_rolled_back_change_leaves_no_event(calls):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.emit("test.thing")
        raise ZeroDivisionError
    assert not DomainEvent.objects.exists()
    assert not EventDelivery.objects.exists()


def test_a_redelivered_task_does_not_run_a_finished_handler_again(calls):
    with transaction.atomic():
        event = events.emit("test.thing")
    assert outbox.event_deliveries_run(event.pk) == 1
    assert outbox.event_deliveries_run(event.pk) == 0
    assert calls.count(("async", event.pk)) == 1


def test_broker_down_then_relay_delivers(calls, django_capture_on_commit_callbacks):
    # given the broker refuses the task at commit
    down = mock.patch("core.tasks.event_deliver.delay", side_effect=OSError("broker down"))
    with down, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.emit("test.thing")
    assert ("async", event.pk) not in calls
    # the relay leaves young rows to their own task…
    assert outbox.outbox_relay() == 0
    # …and delivers them once they are overdue
    assert outbox.outbox_relay(now=timezone.now() + timedelta(minutes=1)) == 1
    assert calls.count(("async", event.pk)) == 1
    assert outbox.outbox_relay(now=timezone.now() + timedelta(minutes=2)) == 0


def test_a_failing_handler_is_retried_with_backoff_and_rolls_back_its_writes():
    attempts = []

    @events.subscribe("test.flaky", name="test.flaky")
    def flaky(event):
        attempts.append(1)
        DomainEvent.objects.create(kind="test.side_effect")
        if len(attempts) == 1:
            raise ValueError("first time fails")

    try:
        with transaction.atomic():
            event = events.emit("test.flaky")
        assert outbox.event_deliveries_run(event.pk) == 0
        row = EventDelivery.objects.get(event=event)
        assert row.state == DeliveryState.PENDING and "first time fails" in row.error
        assert not DomainEvent.objects.filter(kind="test.side_effect").exists()
        assert outbox.outbox_relay() == 0  # not before its backoff
        assert outbox.outbox_relay(now=row.next_attempt_at + timedelta(minutes=1)) == 1
        assert DomainEvent.objects.filter(kind="test.side_effect").count() == 1
    finally:
        events.unsubscribe("test.flaky")


def test_a_stale_claim_of_a_dead_worker_is_taken_over(calls):
    with transaction.atomic():
        event = events.emit("test.thing")
    EventDelivery.objects.filter(event=event).update(
        state=DeliveryState.RUNNING, claimed_at=timezone.now() - timedelta(minutes=1), attempts=1
    )
    assert outbox.outbox_relay() == 0  # the claim is fresh: another worker may be on it
    later = timezone.now() + outbox.STALE_CLAIM
    assert outbox.outbox_relay(now=later) == 1
    assert calls.count(("async", event.pk)) == 1


def test_emit_many_runs_each_subscriber_per_event_and_queues_the_batch_once(
    calls, django_capture_on_commit_callbacks
):
    sent = []
    queue = mock.patch("core.tasks.events_deliver.delay", side_effect=sent.append)
    with queue, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = events.emit_many("test.thing", [{"project": 1}, {"project": 2, "payload": {"n": 2}}])
        assert calls == [("sync", made[0].pk), ("sync", made[1].pk)]
    assert [e.project_id for e in made] == [1, 2]
    assert DomainEvent.objects.get(pk=made[1].pk).payload == {"n": 2}
    assert sent == [[made[0].pk, made[1].pk]]  # one message for the batch
    assert EventDelivery.objects.filter(subscriber="test.async").count() == 2


def test_emit_many_with_the_broker_down_leaves_the_batch_to_the_relay(
    calls, django_capture_on_commit_callbacks
):
    down = mock.patch("core.tasks.events_deliver.delay", side_effect=OSError("broker down"))
    with down, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = events.emit_many("test.thing", [{}, {}, {}])
    assert outbox.outbox_relay(now=timezone.now() + timedelta(minutes=1)) == 3
    assert sorted(pk for kind, pk in calls if kind == "async") == sorted(e.pk for e in made)
