"""Racing bookings with real threads on PostgreSQL: one person books 0.6 man-days on the same
day on two projects at once; the daily limit (1 man-day) lets exactly one through."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from delivery.models import Baseline, Phase, Plan, Task, TimesheetEntry
from delivery.services import timesheet_book
from projects.models import Project, Stage
from sipm.errors import InvalidInput
from tests.approvals.test_concurrency import race

from .conftest import ensure_seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = date(2026, 10, 8)


def small_project(org, n):
    project = Project.objects.create(
        number=f"RACE-{n}", name=f"并发{n}", initiator=org["sales"], project_manager=org["pm"]
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.IMPLEMENTING)
    plan = Plan.objects.create(project=project, created_by=org["pm"])
    phase = Phase.objects.create(plan=plan, order=1, name="开发集成")
    task = Task.objects.create(
        plan=plan,
        phase=phase,
        name="集成",
        owner=org["pm"],
        start=DAY,
        finish=DAY,
        planned_man_days=Decimal("1"),
    )
    Baseline.objects.create(
        plan=plan,
        version=1,
        snapshot={"tasks": [], "milestones": []},
        man_days=Decimal("1"),
        cost=Decimal("1200"),
        start=DAY,
        finish=DAY,
        created_by=org["pm"],
        approved_at=timezone.now(),
    )
    return project, task


def test_daily_limit_holds_across_projects_under_a_race(org):
    ensure_seed()
    for round_ in range(5):
        pairs = [small_project(org, f"{round_}-{i}") for i in range(2)]
        results = race(
            [
                lambda p=p, t=t: timesheet_book(
                    acting_user=org["pm"],
                    project_id=p.pk,
                    entries=[{"task": t.pk, "date": DAY.isoformat(), "man_days": "0.6"}],
                )
                for p, t in pairs
            ]
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], InvalidInput), results
        TimesheetEntry.objects.filter(user=org["pm"]).delete()
