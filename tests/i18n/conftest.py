"""Compile the catalogues when a .mo is missing or older than its .po, so these tests also work
when run alone (./sipm.sh test compiles them before pytest starts)."""

import contextlib
import fcntl
import hashlib
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
IGNORED = [".venv", "node_modules", "static", ".git", "artifacts", "var", "tests"]


def stale_catalogues() -> list[Path]:
    stale = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def _reset_translation_caches():
    from asgiref.local import Local
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
    for cached in ("translation_catalog_exists", "get_supported_language_variant"):
        clear = getattr(getattr(trans_real, cached, None), "cache_clear", None)
        if clear:
            clear()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    if not stale_catalogues():
        return
    from django.core.management import call_command

    # pytest-xdist workers share the tree: one compiles while the others wait.
    key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"sipm-compilemessages-{key}.lock"
    with open(lock_path, "w") as lock, contextlib.chdir(ROOT):
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if stale_catalogues():
                call_command("compilemessages", ignore_patterns=IGNORED, verbosity=0)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _reset_translation_caches()


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """LocaleMiddleware leaves the request's language active in the thread: reset it, so tests
    that run later in this worker see the default (Chinese) again."""
    from django.utils import translation

    yield
    translation.deactivate()
