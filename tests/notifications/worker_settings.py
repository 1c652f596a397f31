"""Settings for the Celery worker that the Redis tests start: the test settings, plus Redis
transport options that redeliver a message held by a killed worker within seconds.

Production keeps kombu's defaults (visibility timeout one hour, sweeps every ~100 s): a task
lost with its worker comes back later, and the reminder keys make the rerun harmless.
"""

import os

from sipm.settings.test import *  # noqa: F403

_REDIS_TRANSPORT_OPTIONS = {
    # A message unacknowledged this long (seconds) counts as lost and is put back on its queue.
    "visibility_timeout": int(os.environ.get("SIPM_TEST_VISIBILITY_TIMEOUT", "2")),
    # Look for such messages every second (kombu: interval × throttle, default 10 × 10 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": 5,
}
# Only Redis knows these (the embedded SQLAlchemy broker refuses unknown engine options).
if str(os.environ.get("CELERY_BROKER_URL", "")).startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = _REDIS_TRANSPORT_OPTIONS

# What the worker queues itself (the outbox's deliveries after a sweep) goes to the queue it
# listens on, so the test's worker runs it too.
if os.environ.get("SIPM_TEST_QUEUE"):
    CELERY_TASK_DEFAULT_QUEUE = os.environ["SIPM_TEST_QUEUE"]

# The outbox tests kill workers: claims older than this count as abandoned, and the relay takes
# what a broker outage left behind without waiting (production: 5 minutes and 30 seconds).
SIPM_OUTBOX_STALE_SECONDS = int(os.environ.get("SIPM_TEST_STALE_SECONDS", "3"))
SIPM_OUTBOX_RELAY_GRACE_SECONDS = 0
if os.environ.get("SIPM_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "tests.notifications.slow_mail.SlowFileBackend"
    EMAIL_FILE_PATH = os.environ["SIPM_TEST_MAIL_DIR"]
