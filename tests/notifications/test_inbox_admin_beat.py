"""The in-app inbox, the admin pages, and the beat schedule seeded by the data migration."""

import importlib

import pytest
from django.urls import reverse

from notifications import selectors, services
from notifications.models import ReminderLog
from sipm.errors import NotVisible, Refused

from .conftest import at

pytestmark = pytest.mark.django_db


def _notice(org, key="test:inbox"):
    return services.notify(
        key=key,
        kind="test",
        recipients=[org["pmo"], org["gm"]],
        title="请处理",
        url="/forms/1/",
        deliver="none",
    )


def test_unread_count_and_marking_read(org):
    pmo = org["pmo"]
    _notice(org, "a")
    _notice(org, "b")
    assert selectors.unread_count(pmo) == 2
    first = selectors.notifications_for(pmo).first()
    # when one is read (twice: the second changes nothing)
    read = services.notification_mark_read(
        acting_user=pmo, notification_id=first.pk, now=at(2026, 10, 8)
    )
    services.notification_mark_read(acting_user=pmo, notification_id=first.pk)
    assert read.read_at == at(2026, 10, 8)
    assert selectors.unread_count(pmo) == 1
    assert selectors.notifications_for(pmo, unread_only=True).count() == 1
    # when all are read
    assert services.notification_mark_all_read(acting_user=pmo) == 1
    assert selectors.unread_count(pmo) == 0
    # the GM's own notifications are untouched
    assert selectors.unread_count(org["gm"]) == 2


def test_nobody_marks_someone_elses_notification(org):
    _notice(org)
    theirs = selectors.notifications_for(org["gm"]).first()
    with pytest.raises(NotVisible):
        services.notification_mark_read(acting_user=org["sales"], notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_resend_needs_the_admin_permission(org):
    log = _notice(org)
    with pytest.raises(Refused):
        services.reminder_resend(acting_user=org["sales"], log_id=log.pk)
    log.refresh_from_db()
    assert log.attempts == 0


def test_admin_lists_and_resends(org, client, mailoutbox):
    log = _notice(org)
    client.force_login(org["admin"])
    for name in ("notification", "reminderlog"):
        response = client.get(reverse(f"admin:notifications_{name}_changelist"))
        assert response.status_code == 200
    response = client.get(reverse("admin:notifications_reminderlog_change", args=[log.pk]))
    assert response.status_code == 200
    assert "请处理" in response.content.decode()
    response = client.post(
        reverse("admin:notifications_reminderlog_changelist"),
        {"action": "resend", "_selected_action": [log.pk]},
        follow=True,
    )
    assert "已重新发送 1 条提醒" in response.content.decode()
    assert ReminderLog.objects.get(pk=log.pk).status == "sent"
    assert len(mailoutbox) == 2


def test_beat_schedules_every_sipm_periodic_task(db):
    from django_celery_beat.models import PeriodicTask

    expected = {
        "notifications.tasks.reminders_scan": ("*/15", "*"),
        "workcal.tasks.calendar_missing_notice": ("0", "9"),
        "finance.tasks.monthly_cost_report": ("0", "20"),
        "notifications.tasks.daily_digest": ("30", "18"),
    }
    rows = PeriodicTask.objects.filter(task__in=expected).select_related("crontab")
    assert {r.task: (r.crontab.minute, r.crontab.hour) for r in rows} == expected
    for row in rows:
        assert row.enabled
        assert str(row.crontab.timezone) == "Asia/Shanghai"
        module, _dot, name = row.task.rpartition(".")
        task = getattr(importlib.import_module(module), name)
        assert task.name == row.task  # beat sends a name the worker knows
