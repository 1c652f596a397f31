"""A task variant for the worker-kill test, imported by the test worker (celery --include).

It runs the real reminder scan, but the first time it has recorded a reminder — inside the
transaction, before commit — it writes `marker` and sleeps, so the test can SIGKILL the worker
at exactly that point. A redelivered run finds the marker, notes itself in `marker + ".again"`,
and runs normally.
"""

import time
from pathlib import Path
from unittest import mock

from celery import shared_task
from django.utils.dateparse import parse_datetime


@shared_task(name="tests.notifications.slow_scan", acks_late=True, reject_on_worker_lost=True)
def slow_scan(now_iso, marker):
    from notifications import batch, reminders

    marker = Path(marker)
    first_run = not marker.exists()
    if not first_run:
        Path(f"{marker}.again").write_text("redelivered")
    original = batch._inboxes_and_outbound

    def create_then_stall(*args, **kwargs):
        rows = original(*args, **kwargs)
        if first_run:
            marker.write_text("claimed")
            time.sleep(120)
        return rows

    with mock.patch.object(batch, "_inboxes_and_outbound", create_then_stall):
        return reminders.reminders_scan(now=parse_datetime(now_iso)).recorded
