"""The project list (page, search, API): newest first, exactly the visible projects, a count
capped a few pages ahead, and as many queries for 5 projects as for 60."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Form, StepAssignee
from approvals.selectors import forms_visible_to
from org.models import Department, User
from org.selectors import user_sees_all_projects
from projects.models import Project
from projects.selectors import newest_visible_ids, projects_visible_to, visible_page
from tests.projects.test_visibility_shape import reference

pytestmark = pytest.mark.django_db

MAX_LIST_QUERIES = 15


def newest(ids):
    rows = Project.objects.filter(pk__in=ids).order_by("-created_at", "-id")
    return list(rows.values_list("pk", flat=True))


def test_newest_visible_ids_are_the_newest_of_the_rule_for_every_user():
    call_command("seed_scale", projects=40, seed=3, stdout=StringIO())
    search = Q(name__icontains="项目1") | Q(client_name__icontains="某")
    for user in User.objects.all():
        everything = set(Project.objects.values_list("pk", flat=True))
        want = newest(everything if user_sees_all_projects(user) else reference(user))
        for n in (1, 7, 60):
            assert newest_visible_ids(user, n) == want[:n], (user.username, n)
        base = Project.objects.filter(search)
        found = newest(set(want) & set(base.values_list("pk", flat=True)))
        assert newest_visible_ids(user, 5, base) == found[:5], user.username


def test_whoever_handed_a_seat_on_still_sees_the_project():
    """转交: the form stays visible to the one who handed the seat on, so does its project."""
    call_command("seed_scale", projects=5, seed=3, stdout=StringIO())
    outsider = User.objects.create_user("outsider", password="x", display_name="外人")
    seat = StepAssignee.objects.select_related("step__form").exclude(step__form__project=None)[0]
    seat.transferred_from = outsider
    seat.save(update_fields=["transferred_from"])
    form = seat.step.form
    assert forms_visible_to(outsider, Form.objects.filter(pk=form.pk)).exists()
    assert list(projects_visible_to(outsider).values_list("pk", flat=True)) == [form.project_id]
    assert newest_visible_ids(outsider, 10) == [form.project_id]


def make_projects(owner, n, start=0):
    now = timezone.now()
    for i in range(start, start + n):
        project = Project.objects.create(
            number=f"SI-2026-{i:05d}",
            name=f"智慧园区{i}",
            client_name="某市政府" if i % 2 else "某银行",
            department=owner.department,
            initiator=owner,
            sales_lead=owner,
        )
        Project.objects.filter(pk=project.pk).update(created_at=now - timedelta(minutes=i))


def test_the_count_is_capped_two_pages_ahead_and_every_page_is_reachable(org):
    make_projects(org["sales"], 30)
    base = Project.objects.all()
    first = visible_page(org["sales"], base, 1, 5)
    assert first.paginator.capped and first.paginator.count == 15
    assert first.paginator.num_pages == 3 and first.has_next()
    assert [p.number for p in first] == [f"SI-2026-{i:05d}" for i in range(5)]
    third = visible_page(org["sales"], base, 3, 5)
    assert third.paginator.capped and third.paginator.num_pages == 5
    last = visible_page(org["sales"], base, 6, 5)
    assert not last.paginator.capped and last.paginator.count == 30 and not last.has_next()
    assert [p.number for p in last] == [f"SI-2026-{i:05d}" for i in range(25, 30)]
    beyond = visible_page(org["sales"], base, 99, 5)
    assert beyond.number == 6
    assert visible_page(org["sales"], base, "x", 5).number == 1
    assert not visible_page(org["cs_sales"], base, 1, 5).paginator.count


def test_the_page_shows_a_capped_count_and_the_api_says_so(org, client):
    make_projects(org["sales"], 70)
    client.force_login(org["sales"])
    body = client.get("/projects/").content.decode()
    assert "1 / 3+" in body
    one = client.get("/projects/", {"q": "智慧园区69"}).content.decode()
    assert "SI-2026-00069" in one and 'class="pagination' not in one
    api = APIClient()
    api.force_authenticate(org["sales"])
    listing = api.get("/api/v1/projects/").json()
    assert listing["count"] == 60 and listing["count_capped"] is True
    assert listing["next"] and len(listing["results"]) == 20
    last = api.get("/api/v1/projects/", {"page": 4}).json()
    assert last["count"] == 70 and last["count_capped"] is False and last["next"] is None
    assert api.get("/api/v1/projects/", {"page": 5}).status_code == 404
    assert api.get("/api/v1/projects/", {"page": "x"}).status_code == 404


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_search_and_api_cost_the_same_queries_for_5_and_60_projects(org, client):
    """Both data sizes, for someone who sees their own projects, a department manager and
    someone who sees all (项目管理部)."""
    Department.objects.filter(code="MKT").update(manager=org["mkt_mgr"])
    pages = {
        "list": lambda c: c.get("/projects/"),
        "search": lambda c: c.get("/projects/", {"q": "智慧"}),
        "stage": lambda c: c.get("/projects/", {"stage": "initiating"}),
        "api": lambda c: c.get("/api/v1/projects/"),
        "api search": lambda c: c.get("/api/v1/projects/", {"search": "某市"}),
    }
    counts = {}
    for size, more in ((5, 5), (60, 55)):
        make_projects(org["sales"], more, start=size - more)
        for username in ("sales", "pm", "pmo"):
            for name, fn in pages.items():
                if name.startswith("api"):
                    c = APIClient()
                    c.force_authenticate(org[username])
                else:
                    client.force_login(org[username])
                    c = client
                fn(c)  # warm: caches of the process (roles, content types) are not the list's
                counts.setdefault((username, name), []).append(queries(lambda fn=fn, c=c: fn(c)))
    for key, (small, large) in counts.items():
        assert small == large <= MAX_LIST_QUERIES, (key, small, large)
