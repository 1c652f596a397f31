"""Given 5 or 100 items, when a list page renders, then its query count stays the same."""

import pytest

from approvals.models import Form
from approvals.services import form_create, form_submit
from projects.tasks import dashboard_snapshot_build

from .conftest import initiation_post

SIZES = [5, 100]
# The same ceiling for both sizes: a page whose queries grew with its items would break it.
MAX_QUEUE = 14
MAX_PROJECT_LIST = 13
MAX_PROJECT_PAGE = 15
MAX_HOME = 15
MAX_DASHBOARD = 8


def submitted_initiations(users, n):
    forms = []
    for i in range(n):
        form = form_create(
            acting_user=users["sales"],
            kind="initiation",
            data=initiation_post(f"项目{i}"),
        )
        forms.append(form_submit(acting_user=users["sales"], form_id=form.pk))
    return forms


@pytest.mark.parametrize("n", SIZES)
def test_queue_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    submitted_initiations(users, n)
    client = login(users["mkt_mgr"])
    with django_assert_max_num_queries(MAX_QUEUE):
        response = client.get("/queue/")
    assert response.status_code == 200
    assert response.content.decode().count("queue-item") == min(n, 25)


@pytest.mark.parametrize("n", SIZES)
def test_project_list_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    submitted_initiations(users, n)
    client = login(users["sales"])
    with django_assert_max_num_queries(MAX_PROJECT_LIST):
        response = client.get("/projects/")
    assert response.status_code == 200
    assert response.content.decode().count("/projects/") >= min(n, 20)


@pytest.mark.parametrize("n", SIZES)
def test_project_page_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    (first,) = submitted_initiations(users, 1)
    for i in range(n):
        Form.objects.create(
            kind="presales",
            number=f"SQ-T-{i:04d}",
            project=first.project,
            submitter=users["sales"],
            department=users["sales"].department,
            data={"work_content": f"调研{i}"},
        )
    client = login(users["sales"])
    with django_assert_max_num_queries(MAX_PROJECT_PAGE):
        response = client.get(f"/projects/{first.project_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    # The 表单 card shows a page of the newest forms, and says how many there are
    assert page.count("SQ-T-") == min(n, 25)
    assert f"SQ-T-{n - 1:04d}" in page and f"共 {n + 1} 份" in page
    if n > 25:
        assert "SQ-T-0000" not in page and "?fp=2" in page
        last = client.get(f"/projects/{first.project_id}/?fp=99").content.decode()
        pages = (n + 1 + 24) // 25
        assert first.number in last and f"{pages} / {pages}" in last  # the oldest: the 立项书


@pytest.mark.parametrize("n", SIZES)
def test_home_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    submitted_initiations(users, n)
    for username in ("sales", "mkt_mgr"):
        client = login(users[username])
        with django_assert_max_num_queries(MAX_HOME):
            response = client.get("/")
        assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_dashboard_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    """统计看板: one read of the snapshot beat built, whatever the number of open projects."""
    submitted_initiations(users, n)
    dashboard_snapshot_build.delay()  # what beat runs every few minutes
    client = login(users["gm"])
    with django_assert_max_num_queries(MAX_DASHBOARD) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    # the page aggregates nothing itself: no project or step is read, only the snapshot
    assert "projects_dashboardsnapshot" in sql
    assert "projects_project" not in sql and 'FROM "approvals_formstep"' not in sql
    html = response.content.decode()
    # every open project counted, and their pipeline summed (1,200,000.00 each), in SQL
    assert f'"values": [{n}]' in html
    assert f'"values": ["{n * 1_200_000}.00"]' in html
