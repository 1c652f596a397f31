"""A mail backend for the worker tests: one file per message in EMAIL_FILE_PATH, written after
a pause (SIPM_TEST_MAIL_DELAY seconds), so a test can kill the worker in the middle of a batch."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        for message in messages:
            time.sleep(float(os.environ.get("SIPM_TEST_MAIL_DELAY", "0")))
            path = Path(settings.EMAIL_FILE_PATH) / f"{uuid.uuid4().hex}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes())
            tmp.rename(path)  # a message is either there whole or not at all
        return len(messages)
