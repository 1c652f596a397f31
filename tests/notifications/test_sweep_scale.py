"""The sweep reads only what is due: given more projects and open steps (none due), its query
count stays the same; given one due step, it sends one reminder, once; a second sweep while one
runs returns at once (PostgreSQL advisory lock)."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import FormStep
from notifications.reminders import SWEEP_LOCK, reminders_scan
from projects.models import Project
from workcal.calendar import SHANGHAI

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, inside reminder hours


def nothing_due():
    reminders_scan(now=NOW)  # what was due (e.g. budget-change notices) goes out first
    later = NOW + timedelta(days=30)
    FormStep.objects.filter(status="active").update(next_reminder_at=later)
    Project.objects.filter(next_deadline_at__isnull=False).update(next_deadline_at=later)


def sweep_queries():
    with CaptureQueriesContext(connection) as ctx:
        result = reminders_scan(now=NOW)
    return len(ctx.captured_queries), result


def test_sweep_queries_do_not_grow_with_projects(db):
    call_command("seed_scale", projects=10, seed=1, stdout=StringIO())
    nothing_due()
    small, result = sweep_queries()
    assert result.recorded == []
    call_command("seed_scale", projects=60, seed=2, stdout=StringIO())
    nothing_due()
    large, result = sweep_queries()
    assert result.recorded == []
    assert FormStep.objects.filter(status="active").count() > 20
    assert large == small


def test_a_due_step_is_reminded_exactly_once(db):
    call_command("seed_scale", projects=10, seed=1, stdout=StringIO())
    nothing_due()
    step = FormStep.objects.filter(status="active", form__status="in_review").first()
    FormStep.objects.filter(pk=step.pk).update(
        due_at=NOW - timedelta(hours=2), next_reminder_at=NOW - timedelta(hours=1)
    )
    first = reminders_scan(now=NOW).recorded
    assert first == [f"step:{step.pk}:pass:{step.passes}:overdue"]
    assert reminders_scan(now=NOW).recorded == []
    step = FormStep.objects.get(pk=step.pk)  # a protected FSM field cannot be refreshed
    assert step.next_reminder_at > NOW  # the GM escalation, a working day later


@pytest.mark.postgres
def test_a_sweep_while_another_runs_returns_at_once(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK])
        assert reminders_scan(now=NOW).skipped_busy
    finally:
        # Released explicitly: a closed connection's locks go when its server process ends,
        # which may be a moment after close() returns.
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])
        other.close()
    assert not reminders_scan(now=NOW).skipped_busy


def policy_read_queries():
    """Queries to read every project's policy deadlines and who owes them (the sweep's batch)."""
    from notifications.deadlines import collect_policy_deadlines
    from notifications.people import policy_owners

    projects = list(Project.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        deadlines = collect_policy_deadlines(projects, now=NOW)
        items = [d for rows in deadlines.values() for d in rows]
        policy_owners(items)
    return len(ctx.captured_queries), len(items)


def test_the_policy_deadlines_of_a_batch_are_read_in_fixed_queries(db):
    # Enough projects that each kind of owner is there at both sizes (an empty kind costs none).
    call_command("seed_scale", projects=30, seed=1, stdout=StringIO())
    small, small_items = policy_read_queries()
    call_command("seed_scale", projects=90, seed=2, stdout=StringIO())
    large, large_items = policy_read_queries()
    assert large_items > small_items > 0
    assert large <= small <= 14


def make_due(n, exclude=()):
    steps = list(
        FormStep.objects.filter(status="active", form__status="in_review").exclude(pk__in=exclude)[
            :n
        ]
    )
    assert len(steps) == n
    FormStep.objects.filter(pk__in=[s.pk for s in steps]).update(
        due_at=NOW - timedelta(hours=2), next_reminder_at=NOW - timedelta(hours=1)
    )
    return steps


def test_sending_many_reminders_costs_the_queries_of_sending_few(db):
    """The reminders of a run are recorded as one batch: the queries of a run that sends two
    and of one that sends twelve are the same; each is in its owners' inboxes once, with its
    e-mails queued for the outbox."""
    from core.models import EventDelivery
    from notifications.models import Notification, OutboundMessage, ReminderLog
    from org.models import Delegation

    call_command("seed_scale", projects=40, seed=3, stdout=StringIO())
    # Delegates are read in one query when any owner has one; none here, in either run.
    Delegation.objects.all().delete()
    nothing_due()
    reminders_scan(now=NOW)  # the seed's untold budget changes are caught up first
    first = make_due(2)
    few, result = sweep_queries()
    assert len(result.recorded) == 2
    nothing_due()
    steps = make_due(12, exclude=[s.pk for s in first])
    many, result = sweep_queries()
    assert sorted(result.recorded) == sorted(f"step:{s.pk}:pass:{s.passes}:overdue" for s in steps)
    assert many == few
    for key in result.recorded:
        log = ReminderLog.objects.get(key=key)
        assert log.event.kind == "deadline.overdue"
        owners = set(Notification.objects.filter(reminder=log).values_list("recipient", flat=True))
        assert owners and len(owners) == Notification.objects.filter(reminder=log).count()
        if OutboundMessage.objects.filter(log=log).exists():
            assert EventDelivery.objects.filter(
                event=log.event, subscriber="notifications.deliver"
            ).exists()
    assert reminders_scan(now=NOW).recorded == []  # once
