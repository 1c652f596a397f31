"""Done when: the 项目管理部 portfolio (API and page) costs the same number of queries for 2 and
for 6 implementing projects — it reads the stored weekly snapshots, not the timesheets."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery.models import Milestone, Plan, Risk, WeekSnapshot
from projects.models import Project, Stage

pytestmark = pytest.mark.django_db


def make_projects(org, n, start=0):
    for i in range(start, start + n):
        project = Project.objects.create(
            number=f"P-{i:03d}",
            name=f"实施项目{i}",
            initiator=org["sales"],
            project_manager=org["pm"],
        )
        Project.objects.filter(pk=project.pk).update(stage=Stage.IMPLEMENTING)
        plan = Plan.objects.create(project=project, created_by=org["pm"])
        Milestone.objects.create(plan=plan, name="最终验收", due=date(2026, 12, 30), is_final=True)
        for week in (date(2026, 11, 23), date(2026, 11, 30)):
            WeekSnapshot.objects.create(
                project=project,
                week=week,
                pv=Decimal("100"),
                ev=Decimal("80"),
                ac=Decimal("90"),
                spi=Decimal("0.80"),
                cpi=Decimal("0.89"),
                bac=Decimal("1000"),
                planned_man_days=Decimal("1"),
                actual_man_days=Decimal("1"),
            )
        Risk.objects.create(
            project=project,
            kind="risk",
            description="到货延迟",
            probability=3,
            impact=4,
            owner=org["pm"],
            next_review=date(2026, 12, 7),
            created_by=org["pm"],
        )


def count(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_portfolio_query_count_is_flat(org, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(org["pmo"])
    client.force_login(org["pmo"])
    make_projects(org, 2)
    small_api, body = count(lambda: api.get("/api/v1/delivery/portfolio/"))
    small_page, _ = count(lambda: client.get("/delivery/portfolio/"))
    assert len(body.json()) == 2
    row = body.json()[0]
    assert (row["spi"], row["cpi"], row["next_milestone"], row["open_risks"]) == (
        "0.80",
        "0.89",
        "最终验收",
        1,
    )
    assert row["week"] == "2026-11-30"
    make_projects(org, 4, start=2)
    big_api, body = count(lambda: api.get("/api/v1/delivery/portfolio/"))
    big_page, page = count(lambda: client.get("/delivery/portfolio/"))
    assert len(body.json()) == 6
    assert (big_api, big_page) == (small_api, small_page)
    assert "实施项目5" in page.content.decode()


def test_portfolio_is_for_pmo_and_directors(org, client):
    client.force_login(org["staff"])
    assert client.get("/delivery/portfolio/").status_code == 403
    client.force_login(org["gm"])
    assert client.get("/delivery/portfolio/").status_code == 200
