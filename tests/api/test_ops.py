"""Running it in production: /health/, request ids and JSON logs, the production settings'
deploy checks, optional error reporting, and Idempotency-Key on the creating POSTs."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from approvals.models import Form
from sipm.middleware import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_health_reports_every_component_as_json():
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(c["ok"] for c in body["checks"].values())


@pytest.mark.django_db
def test_health_is_503_when_a_component_is_down(settings, monkeypatch):
    from sipm import health

    def broken():
        raise ConnectionError("broker down")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = Client().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_the_request_id_is_kept_or_made_and_returned():
    given = Client().get("/health/", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    made = Client().get("/health/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert made["X-Request-ID"] != "bad id\nwith newline" and len(made["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("sipm.test", logging.ERROR, __file__, 1, "出错了 %s", ("x",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "出错了 x" and line["level"] == "ERROR"
    assert "request_id" in line and "time" in line


def run_production(code, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sipm.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-test-key-0123456789abcdefghij",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    # The browser tests set it for their live server in this process; a deployment has not.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


CHECK_DEPLOY = (
    "import django, sys; django.setup(); from django.core.management import call_command; "
    "from django.conf import settings as s; "
    "call_command('check', deploy=True, fail_level='WARNING'); "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.DATABASES['default']"
    "['CONN_HEALTH_CHECKS'], s.DATABASES['default']['CONN_MAX_AGE'])"
)


def test_production_settings_pass_check_deploy_with_https_on_by_default():
    result = run_production(CHECK_DEPLOY)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no issues" in result.stdout + result.stderr
    assert result.stdout.split()[-4:] == ["True", "31536000", "True", "60"]


def test_behind_a_tls_proxy_the_redirect_is_switched_off_without_a_warning():
    result = run_production(CHECK_DEPLOY, DJANGO_SECURE_SSL_REDIRECT="false")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-4] == "False"


SENTRY = (
    "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
)


def test_error_reporting_is_off_unless_a_dsn_is_set():
    assert run_production(SENTRY).stdout.strip() == "False"
    on = run_production(SENTRY, SENTRY_DSN="https://public@sentry.example.invalid/1")
    assert on.stdout.strip() == "True", on.stderr[-2000:]


# --- Idempotency-Key ------------------------------------------------------------------------


@pytest.fixture
def sales_api(org):
    client = APIClient()
    client.force_authenticate(org["sales"])
    return client


def initiation(name):
    from projects.demo import Driver

    return {"kind": "initiation", "data": Driver.initiation_data(None, name)}


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_form(org, sales_api):
    first = sales_api.post(
        "/api/v1/forms/", initiation("幂等项目"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = sales_api.post(
        "/api/v1/forms/", initiation("幂等项目"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Form.objects.filter(kind="initiation").count() == 1
    other = sales_api.post(
        "/api/v1/forms/", initiation("幂等项目"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_keys_are_per_user_and_per_url(org, sales_api):
    sales_api.post("/api/v1/forms/", initiation("甲"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    cs = APIClient()
    cs.force_authenticate(org["cs_sales"])
    theirs = cs.post("/api/v1/forms/", initiation("乙"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert theirs.status_code == 201 and theirs.json()["submitter"]["username"] == "cs_sales"
    elsewhere = sales_api.post("/api/v1/files/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert elsewhere.status_code == 409


@pytest.mark.django_db
def test_a_failed_request_does_not_burn_its_key(org, sales_api):
    bad = sales_api.post(
        "/api/v1/forms/",
        {"kind": "initiation", "data": {"estimated_amount": "很多"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert bad.status_code == 400
    good = sales_api.post(
        "/api/v1/forms/", initiation("重试"), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert good.status_code == 201
