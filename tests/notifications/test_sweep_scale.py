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
    call_command("seed_scale", projects=10, seed=1, stdout=StringIO())
    small, small_items = policy_read_queries()
    call_command("seed_scale", projects=60, seed=2, stdout=StringIO())
    large, large_items = policy_read_queries()
    assert large_items > small_items > 0
    assert large <= small <= 14
