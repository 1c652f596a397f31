"""The lists' query counts do not grow with the number of rows on the page."""

import pytest

from approvals import services
from approvals.models import Form
from projects.models import Project

from .conftest import API_KIND

PAGE = {"page_size": 100}


def make_forms(eorg, n):
    for i in range(n):
        Form.objects.create(
            kind=API_KIND, number=f"API-Q-{i:04d}", submitter=eorg.sales, data={"days": 1}
        )


@pytest.mark.parametrize("n", [5, 50])
def test_form_list_queries_are_flat(chain, eorg, client_for, django_assert_max_num_queries, n):
    make_forms(eorg, n)
    client = client_for(eorg.sales)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/forms/", PAGE).json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_queue_queries_are_flat(chain, eorg, client_for, django_assert_max_num_queries, n):
    for _i in range(n):
        form = services.form_create(acting_user=eorg.sales, kind=API_KIND, data={"days": 1})
        services.form_submit(acting_user=eorg.sales, form_id=form.pk)
    client = client_for(eorg.mgr)
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/queue/", PAGE).json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_project_list_queries_are_flat(org, client_for, django_assert_max_num_queries, n):
    for i in range(n):
        Project.objects.create(
            number=f"SI-2026-{i:04d}",
            name=f"项目{i}",
            department=org["sales"].department,
            initiator=org["sales"],
            sales_lead=org["sales"],
            project_manager=org["pm"],
        )
    client = client_for(org["sales"])
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/projects/", PAGE).json()
    assert body["count"] == n and len(body["results"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_form_detail_queries_do_not_grow_with_decisions(
    chain, eorg, client_for, django_assert_max_num_queries, n
):
    """A form returned and resubmitted n times keeps its detail at a fixed number of queries."""
    form = services.form_create(acting_user=eorg.sales, kind=API_KIND, data={"days": 1})
    for _i in range(n // 5):
        services.form_submit(acting_user=eorg.sales, form_id=form.pk)
        services.form_decide(
            acting_user=eorg.mgr, form_id=form.pk, decision="return", comment="再改改"
        )
    client = client_for(eorg.sales)
    with django_assert_max_num_queries(12):
        body = client.get(f"/api/v1/forms/{form.pk}/").json()
    assert len(body["decisions"]) == n // 5
