"""Settings for the Celery worker that the Redis tests start: the test settings, plus Redis
transport options that redeliver a message held by a killed worker within seconds.

Production keeps kombu's defaults (visibility timeout one hour, sweeps every ~100 s): a task
lost with its worker comes back later, and the reminder keys make the rerun harmless.
"""

import os

from sipm.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message unacknowledged this long (seconds) counts as lost and is put back on its queue.
    "visibility_timeout": int(os.environ.get("SIPM_TEST_VISIBILITY_TIMEOUT", "2")),
    # Look for such messages every second (kombu: interval × throttle, default 10 × 10 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": 5,
}
