"""Fixtures shared by every test package, and the guard that keeps CI honest about services.

With SIPM_REQUIRE_SERVICES=1 (CI's PostgreSQL/Redis run) a test marked `postgres` or `redis`
must run: the session fails if the database is not PostgreSQL, if the broker is not Redis, or if
any such test ends up skipped anyway.
"""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("SIPM_REQUIRE_SERVICES") == "1"
SERVICE_MARKERS = ("postgres", "redis")


def _broker_is_redis() -> bool:
    from django.conf import settings

    return str(getattr(settings, "CELERY_BROKER_URL", "") or "").startswith(
        ("redis://", "rediss://")
    )


def _db_vendor() -> str:
    from django.db import connection

    return connection.vendor


def pytest_collection_modifyitems(config, items):
    vendor = _db_vendor()
    redis = _broker_is_redis()
    if REQUIRE_SERVICES:
        problems = []
        if vendor != "postgresql":
            problems.append(f"the database is {vendor}, not PostgreSQL (set DATABASE_URL)")
        if not redis:
            problems.append("the Celery broker is not Redis (set CELERY_BROKER_URL=redis://…)")
        if problems:
            raise pytest.UsageError("SIPM_REQUIRE_SERVICES=1 but " + "; ".join(problems))
        return
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set CELERY_BROKER_URL=redis://…)")
    for item in items:
        if vendor != "postgresql" and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)
        if not redis and item.get_closest_marker("redis"):
            item.add_marker(skip_redis)


_service_skips: list[str] = []


def pytest_runtest_logreport(report):
    # An expected failure (xfail) ran against the real service: it is not a skip.
    if not REQUIRE_SERVICES or not report.skipped or hasattr(report, "wasxfail"):
        return
    keywords = getattr(report, "keywords", {}) or {}
    if any(marker in keywords for marker in SERVICE_MARKERS):
        _service_skips.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _service_skips and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _service_skips:
        return
    terminalreporter.section("SIPM_REQUIRE_SERVICES", sep="=", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(_service_skips)} test(s) needing PostgreSQL/Redis were skipped; this run FAILS:",
        red=True,
    )
    for nodeid in dict.fromkeys(_service_skips):
        terminalreporter.write_line(f"  {nodeid}")


@pytest.fixture
def org(db):
    """The demo organisation: every demo user by username (`org["sales"]`, `org["gm"]`, …)."""
    from org.demo import seed_demo_org
    from tests.seeds import ensure_migration_seeds

    ensure_migration_seeds()
    return seed_demo_org()
