"""Scans racing on PostgreSQL (several beat instances, a retried task) record each reminder once."""

import threading

import pytest
from django.db import connection

from notifications.models import Notification, ReminderLog
from notifications.reminders import reminders_scan

from .conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_scans_record_one_reminder(org, submit_form):
    form = submit_form(org, at(2026, 11, 17, 10))  # due Thursday 19 November 18:00
    step = form.steps.get()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(reminders_scan(now=at(2026, 11, 19, 9)).recorded)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert sorted(results) == [[]] * 5 + [[f"step:{step.pk}:pass:1:due"]]
    # Submitting already told the approver (an event notice); the scan adds one reminder.
    reminders = ReminderLog.objects.filter(key__startswith="step:")
    assert reminders.count() == 1
    assert Notification.objects.filter(reminder__in=reminders).count() == 1
    assert ReminderLog.objects.exclude(key__startswith="step:").count() == 1
