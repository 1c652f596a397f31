"""A real Celery worker on Redis and PostgreSQL: a reminder is recorded once when its task runs
twice, and once when the worker dies mid-task (SIGKILL) and the message is redelivered.

The worker is a subprocess (`celery -A sipm worker --pool=solo`) on a queue of its own, reading
the test's PostgreSQL database; every wait has a deadline and the worker is always killed.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from notifications.models import Notification, ReminderLog

from .conftest import at

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
SUBMITTED = at(2026, 11, 17, 10)  # Tuesday; the step is due Thursday 19 November 18:00
SCAN_AT = at(2026, 11, 19, 9)  # the due date: a "due" reminder to the PMO member


def _database_url():
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, queue, log_dir):
        self.queue = queue
        self.log = Path(log_dir) / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "SIPM_TEST_VISIBILITY_TIMEOUT": "2",
            "SIPM_TEST_QUEUE": queue,
            "PYTHONPATH": str(BASE_DIR),
        }
        cmd = [
            str(CELERY),
            "-A",
            "sipm",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--include=tests.notifications.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
        self._out = open(self.log, "wb")  # noqa: SIM115 (closed in kill())
        self.proc = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._out.close()

    def output(self):
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def broker():
    queue = f"sipm-test-{uuid.uuid4().hex[:10]}"
    app = Celery("sipm-test", broker=settings.CELERY_BROKER_URL, backend=settings.CELERY_BROKER_URL)
    workers = []
    with tempfile.TemporaryDirectory(prefix="sipm-worker-") as tmp:

        def start():
            worker = Worker(queue, tmp)
            workers.append(worker)
            return worker

        def send(name, **kwargs):
            return app.send_task(name, kwargs=kwargs, queue=queue)

        try:
            yield start, send, Path(tmp)
        finally:
            for worker in workers:
                worker.kill()
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            client.delete(queue)
            client.close()
            app.close()


def wait_for(condition, timeout, what, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.proc.poll() is not None:
            pytest.fail(f"worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}" + (f":\n{worker.output()}" if worker else ""))


@pytest.fixture
def due_step(reminder_kind, org, freeze):
    from approvals import services

    freeze(SUBMITTED)
    form = services.form_create(acting_user=org["sales"], kind="test_reminder", data={})
    form = services.form_submit(acting_user=org["sales"], form_id=form.pk)
    return form.steps.get()


def test_the_same_scan_sent_twice_records_one_reminder(broker, due_step, org):
    start, send, _tmp = broker
    worker = start()
    first = send("notifications.tasks.reminders_scan", now_iso=SCAN_AT.isoformat())
    second = send("notifications.tasks.reminders_scan", now_iso=SCAN_AT.isoformat())
    key = f"step:{due_step.pk}:pass:1:due"
    try:
        assert first.get(timeout=30) == [key]
        assert second.get(timeout=30) == []
    except Exception as exc:
        pytest.fail(f"worker did not answer ({exc!r}):\n{worker.output()}")
    reminders = ReminderLog.objects.filter(key__startswith="step:")
    assert list(reminders.values_list("key", flat=True)) == [key]
    told = Notification.objects.filter(reminder__in=reminders)
    assert list(told.values_list("recipient__username", flat=True)) == ["pmo"]


def test_a_worker_killed_mid_task_leaves_exactly_one_reminder(broker, due_step, org):
    start, send, tmp = broker
    marker = tmp / "claimed"
    worker = start()
    send("tests.notifications.slow_scan", now_iso=SCAN_AT.isoformat(), marker=str(marker))
    # given the worker has recorded the reminder but not committed it
    wait_for(marker.exists, 30, "the worker to claim the reminder", worker)
    reminders = ReminderLog.objects.filter(key__startswith="step:")  # not the to-do notice
    assert not reminders.exists()
    # when it is killed, and a new worker takes over the queue
    worker.kill()
    replacement = start()
    # then the redelivered task records the reminder, once, and delivers it
    wait_for(
        lambda: reminders.filter(status="sent").exists(),
        40,
        "the redelivered task",
        replacement,
    )
    assert Path(f"{marker}.again").exists()
    log = reminders.get()
    assert log.key == f"step:{due_step.pk}:pass:1:due"
    assert list(log.notifications.values_list("recipient__username", flat=True)) == ["pmo"]
    assert Notification.objects.filter(reminder__in=reminders).count() == 1
