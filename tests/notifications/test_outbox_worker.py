"""The event outbox with a real Celery worker (a subprocess reading the test's PostgreSQL
database): follow-ups of changes made while the broker was unreachable are delivered by the
relay once it is back; a worker killed (SIGKILL) in the middle of a batch of e-mails loses none
and sends none twice; the embedded default broker (SQLAlchemy, no Redis) delivers too.

"The broker is down" is a producer pointed at a closed port (the shared Redis keeps running for
the other test runs); the worker's e-mails are files, one per message (tests/.../slow_mail.py).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction

from core import tasks as core_tasks
from core.models import EventDelivery
from documents.models import RenderedDocument
from notifications.models import Notification, OutboundMessage
from notifications.services import notify
from org.models import User

from .test_worker_redis import _database_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


class Worker:
    def __init__(self, broker, queue, tmp, **env):
        self.log = Path(tmp) / f"worker-{uuid.uuid4().hex[:6]}.log"
        self._out = open(self.log, "wb")  # noqa: SIM115 (closed in kill())
        self.proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "sipm",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
                "DATABASE_URL": _database_url(),
                "CELERY_BROKER_URL": broker,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "SIPM_TEST_VISIBILITY_TIMEOUT": "2",
                "SIPM_TEST_MAIL_DIR": str(Path(tmp) / "mail"),
                "PYTHONPATH": str(BASE_DIR),
                **env,
            },
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._out.close()

    def output(self):
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def outbox(monkeypatch):
    """(start_worker, producer_to(broker), mail_dir): the app's after-commit enqueue sends to a
    queue of the test's own; `producer_to(DOWN)` makes it fail like a stopped broker."""
    queue = f"sipm-outbox-{uuid.uuid4().hex[:10]}"
    # Celery prefers the CELERY_BROKER_URL environment variable to an app's own broker: without
    # this, a "down" producer would quietly use the live Redis.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    apps, workers = [], []
    with tempfile.TemporaryDirectory(prefix="sipm-outbox-") as tmp:
        (Path(tmp) / "mail").mkdir()

        def producer_to(broker, q=None):
            app = Celery("sipm-test", broker=broker)
            assert (
                app.connection().as_uri(include_password=True).split("://")[0]
                == broker.split("://")[0]
            )
            app.conf.broker_connection_retry = False
            app.conf.broker_connection_timeout = 1
            apps.append(app)

            class Deliver:  # stands in for core.tasks.event_deliver in core.events._enqueue
                @staticmethod
                def delay(event_id):
                    return app.send_task(
                        "core.tasks.event_deliver", args=[event_id], queue=q or queue, retry=False
                    )

            monkeypatch.setattr(core_tasks, "event_deliver", Deliver)
            return lambda name: app.send_task(name, queue=q or queue, retry=False)

        def start(broker, q=None, **env):
            worker = Worker(broker, q or queue, tmp, **env)
            workers.append(worker)
            return worker

        try:
            yield start, producer_to, Path(tmp) / "mail"
        finally:
            for worker in workers:
                worker.kill()
            for app in apps:
                app.close()
            if settings.CELERY_BROKER_URL.startswith("redis"):
                import redis

                client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
                client.delete(queue)
                client.close()


def mails(mail_dir) -> Counter:
    """How many messages each address got."""
    return Counter(message_from_bytes(p.read_bytes())["To"] for p in Path(mail_dir).glob("*.eml"))


def all_delivered():
    return (
        not EventDelivery.objects.exclude(state="done").exists()
        and not OutboundMessage.objects.filter(sent_at__isnull=True).exists()
    )


@pytest.mark.redis
def test_follow_ups_of_a_broker_outage_are_delivered_when_it_returns(org, outbox):
    from tests.api.lifecycle import Api
    from tests.api.test_lifecycle_api import initiate

    start, producer_to, mail_dir = outbox
    # given the broker is down while a project is initiated (submitted, approved in 4 steps)
    producer_to(DOWN)
    project_id = initiate(Api(org))
    form = org["sales"].submitted_forms.get(kind="initiation", project_id=project_id)
    # then every change committed, the in-app notices are there, the follow-ups wait
    assert form.status == "approved"
    assert Notification.objects.filter(
        recipient=org["sales"], title__startswith="【已批准】"
    ).exists()
    assert not RenderedDocument.objects.filter(form=form).exists()
    pending = OutboundMessage.objects.filter(sent_at__isnull=True, channel="email").count()
    assert pending >= 6 and not list(mail_dir.glob("*.eml"))
    assert (
        EventDelivery.objects.filter(subscriber="documents.issue_pdf", state="pending").count() == 1
    )
    # when the broker is back and beat's relay runs
    send = producer_to(settings.CELERY_BROKER_URL)
    worker = start(settings.CELERY_BROKER_URL)
    send("core.tasks.outbox_relay")
    wait_for(all_delivered, 90, "the relay to deliver everything", worker)
    # then the signed PDF is issued and every e-mail went out exactly once
    assert RenderedDocument.objects.filter(form=form).exists()
    got = mails(mail_dir)
    want = Counter(
        OutboundMessage.objects.filter(channel="email").values_list("address", flat=True)
    )
    assert got == want and sum(got.values()) == pending


@pytest.mark.redis
def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(org, outbox):
    start, producer_to, mail_dir = outbox
    producer_to(settings.CELERY_BROKER_URL)
    people = [
        User.objects.create(username=f"bulk{i}", email=f"bulk{i}@example.com", first_name=f"{i}")
        for i in range(40)
    ]
    worker = start(settings.CELERY_BROKER_URL, SIPM_TEST_MAIL_DELAY="0.3")
    # when a notice to 40 people is recorded and its batch is half sent
    with transaction.atomic():
        notify(key="test:bulk", kind="test", recipients=people, title="批量通知", url="/x/")

    # (killed while it waits before a message, once the messages it wrote are marked sent: a
    # kill between writing a message and marking it is the outbox's at-least-once window)
    def between_messages():
        written = len(list(mail_dir.glob("*.eml")))
        marked = OutboundMessage.objects.filter(sent_at__isnull=False).count()
        return written >= 10 and marked == written

    wait_for(between_messages, 60, "half the batch", worker)
    worker.kill()
    sent_before = len(list(mail_dir.glob("*.eml")))
    assert sent_before < 40
    # and a new worker takes over (the redelivered task, and beat's relay)
    replacement = start(settings.CELERY_BROKER_URL)
    send = producer_to(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + 90
    while not all_delivered() and time.monotonic() < deadline:
        send("core.tasks.outbox_relay")
        time.sleep(1.5)
    assert all_delivered(), replacement.output()
    # then each of the 40 got exactly one e-mail
    got = mails(mail_dir)
    assert got == Counter({f"bulk{i}@example.com": 1 for i in range(40)})


def test_the_embedded_broker_delivers_too(org, outbox, tmp_path):
    """SQLAlchemy on a SQLite file, the default of ./sipm.sh start without Redis."""
    start, producer_to, mail_dir = outbox
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    # The broker file is this test's own, so its default queue is too: the SQLAlchemy transport
    # keeps queue bindings per process, and the default queue is the one both sides declare.
    send = producer_to(broker, "celery")
    worker = start(broker, "celery")
    # (the worker creates the broker's tables: let it finish before the first message)
    wait_for(lambda: "ready." in worker.output(), 60, "the worker to start", worker)
    with transaction.atomic():
        notify(key="test:embedded", kind="test", recipients=[org["gm"]], title="嵌入式", url="/y/")
    # (the task queued at commit, or beat's relay: either delivers it, once)
    deadline = time.monotonic() + 60
    while not all_delivered() and time.monotonic() < deadline:
        send("core.tasks.outbox_relay")
        time.sleep(2)
    assert all_delivered(), worker.output()
    assert mails(mail_dir) == Counter({"gm@example.com": 1})
