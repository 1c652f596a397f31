"""Writes survive dropped database connections (PostgreSQL).

Given a running server (live_server: real HTTP, one thread and one connection per request) and
a client that retries each creating POST with the same `Idempotency-Key` until it gets a 2xx;
when the server's connection is terminated (pg_terminate_backend) before or after every single
query of a creating request in turn — just before and just after the COMMIT included; then every
key created exactly one form, each with its audit row (nothing half-written, no duplicate), and
the retries answered the first result."""

import json
import threading
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection as main_connection
from django.db.backends.signals import connection_created

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KIND = "initiation"


def initiation_data(name):
    from projects.demo import Driver

    data = Driver.initiation_data(None, name)
    data["is_special"] = False
    return data


class Killer:
    """Terminates the server thread's backend around its n-th query (the plan's kill point)."""

    def __init__(self, dsn):
        self.admin = psycopg.connect(dsn, autocommit=True)
        self.lock = threading.Lock()
        self.plan = None  # (query index, "before" | "after")
        self.count = 0
        self.kills = 0
        self.queries = 0

    def arm(self, index, when):
        with self.lock:
            self.plan, self.count = (index, when), 0

    def disarm(self):
        with self.lock:
            self.plan = None

    def _kill(self, pid):
        self.admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        self.kills += 1

    def wrapper(self, execute, sql, params, many, context):
        conn = context["connection"]
        with self.lock:
            n, plan = self.count, self.plan
            self.count += 1
            self.queries += 1
        pid = conn.connection.info.backend_pid
        if plan == (n, "before"):
            self._kill(pid)
        result = execute(sql, params, many, context)
        if plan == (n, "after"):
            self._kill(pid)
        return result


def post(url, token, body, key):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, None, exc.headers


def test_killed_connections_leave_no_half_written_and_no_duplicate_form(live_server):
    from knox.models import AuthToken

    from approvals.models import Form
    from core.models import AuditEvent
    from org.demo import seed_demo_org
    from tests.web.conftest import ensure_chains

    users = seed_demo_org()
    ensure_chains()
    _instance, token = AuthToken.objects.create(user=users["sales"])
    settings = main_connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )
    killer = Killer(dsn)
    main_thread = threading.current_thread()

    def instrument(sender, connection, **kwargs):
        if threading.current_thread() is not main_thread:
            connection.execute_wrappers.append(killer.wrapper)

    connection_created.connect(instrument, weak=False)
    url = f"{live_server.url}/api/v1/forms/"
    try:
        # How many queries one creating request makes: every one of them is a kill point.
        measured = []
        for n in (1, 2):  # the second, warm request is the one counted
            killer.queries = 0
            body = {"kind": KIND, "data": initiation_data(f"测量{n}")}
            status, answer, _ = post(url, token, body, f"measure-{n}")
            assert status == 201
            measured.append(answer["id"])
        per_request = killer.queries
        assert per_request > 5

        answers, failures = {}, 0
        points = [(i, when) for i in range(per_request) for when in ("before", "after")]
        for n, (index, when) in enumerate(points):
            key = f"key-{n}"
            body = {"kind": KIND, "data": initiation_data(f"断线项目{n}")}
            killer.arm(index, when)
            status, answer, _ = post(url, token, body, key)
            killer.disarm()
            if not 200 <= status < 300:
                failures += 1
                assert status == 500, status  # the answer of a dropped connection
                for _attempt in range(3):
                    status, answer, headers = post(url, token, body, key)
                    if status == 201:
                        break
            assert status == 201, (index, when, status)
            answers[key] = answer["id"]
    finally:
        connection_created.disconnect(instrument)
        killer.admin.close()

    # Nearly every point was reached (a request may make a query or two fewer than measured).
    assert killer.kills >= len(points) - 4 and failures > len(points) // 2
    created = Form.objects.filter(kind=KIND).exclude(pk__in=measured)
    # No duplicate: one form per key, and it is the one the retries were given.
    assert created.count() == len(points)
    assert sorted(answers.values()) == sorted(created.values_list("pk", flat=True))
    # Nothing half-written: every form has its project and its audit row.
    for form in created:
        assert form.project_id is not None
        assert AuditEvent.objects.filter(form_id=form.pk, verb="form.created").count() == 1
