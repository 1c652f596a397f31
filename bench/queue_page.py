"""Benchmark of the approval queue (page, API, navigation badge) against a large history.

Builds `--history` approved forms whose every step was decided by one approver (王市场, the
worst case: all that history is "his"), plus `--waiting` forms waiting on him, then measures
the queue page, GET /api/v1/queue/ and the badge count: queries and wall time (median of
--repeat runs). Needs the demo organisation (`manage.py seed_demo`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipm_bench \
        .venv/bin/python bench/queue_page.py --history 100000 --waiting 40

The data is kept between runs (forms numbered QB-…); --rebuild deletes and rebuilds it.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipm.settings.local")
PREFIX = "QB-"
BATCH = 5000


def build(history, waiting, users):
    from django.db import transaction
    from django.utils import timezone

    from approvals.models import (
        Decision,
        Form,
        FormStatus,
        FormStep,
        StepAssignee,
        StepKind,
        StepStatus,
    )

    sales, mgr = users["sales"], users["mkt_mgr"]
    now = timezone.now()
    for start in range(0, history + waiting, BATCH):
        n = min(BATCH, history + waiting - start)
        with transaction.atomic():
            forms = Form.objects.bulk_create(
                [
                    Form(
                        kind="initiation",
                        number=f"{PREFIX}{start + i:07d}",
                        data={"estimated_amount": "1200000.00", "presales_budget": "30000.00"},
                        status=FormStatus.APPROVED if start + i < history else FormStatus.IN_REVIEW,
                        submitter=sales,
                        department=sales.department,
                        round=1,
                        current_step=None if start + i < history else 1,
                        submitted_at=now - timedelta(days=3),
                    )
                    for i in range(n)
                ]
            )
            steps = FormStep.objects.bulk_create(
                [
                    FormStep(
                        form=f,
                        round=1,
                        order=1,
                        name="部门经理审核",
                        role_label="部门经理",
                        kind=StepKind.SINGLE,
                        approvers="dept_manager:submitter",
                        status=StepStatus.APPROVED
                        if f.status == FormStatus.APPROVED
                        else StepStatus.ACTIVE,
                        passes=1,
                        activated_at=now - timedelta(days=3),
                        due_at=now + timedelta(days=1),
                    )
                    for f in forms
                ]
            )
            StepAssignee.objects.bulk_create(
                [
                    StepAssignee.opening(s, s.form, mgr)
                    if s.status == "active"
                    else StepAssignee(step=s, user=mgr)
                    for s in steps
                ]
            )
            Decision.objects.bulk_create(
                [
                    Decision(
                        form_id=s.form_id,
                        step=s,
                        decider=mgr,
                        principal=mgr,
                        decision="approve",
                        data_hash="0" * 64,
                        created_at=now,
                    )
                    for s in steps
                    if s.status == StepStatus.APPROVED
                ]
            )
        print(f"  built {start + n}", flush=True)


def measure(fn, repeat):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _i in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--waiting", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from approvals.models import Form
    from approvals.selectors import queue_for
    from org.models import User

    settings.ALLOWED_HOSTS = ["*"]
    users = {u.username: u for u in User.objects.all()}
    existing = Form.objects.filter(number__startswith=PREFIX)
    if args.rebuild and existing.exists():
        print("deleting the old benchmark data…")
        existing.delete()
    if not existing.exists():
        print(f"building {args.history} approved + {args.waiting} waiting forms…")
        build(args.history, args.waiting, users)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    mgr = users["mkt_mgr"]
    client = Client()
    client.force_login(mgr)
    for name, fn in (
        ("queue page", lambda: client.get("/queue/")),
        ("queue page, sorted by waiting", lambda: client.get("/queue/?sort=waiting")),
        ("GET /api/v1/queue/", lambda: client.get("/api/v1/queue/")),
        ("badge count", lambda: queue_for(mgr).count()),
    ):
        seconds, queries = measure(fn, args.repeat)
        print(f"{name:32s} {seconds * 1000:8.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
