"""Who sees what, as a matrix: every URL that shows one form, one project, its money pages or a
file × every role of the README's "Who sees what" table × their own and other people's objects.

Given one initiated project of 市场部's `sales` with its 售前, 报价 (with a signed estimate
report) and 预算 approved, a draft of `sales`, a draft and an initiation in review of 客户服务部's
`cs_sales`; when each demo user opens each URL; then the status is the one the table implies
(200 seen, 403 seen but refused, 404 not seen) — and the list endpoints agree with the pages.
"""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROLES = (
    "sales",  # 市场部 salesperson: own drafts, own project
    "cs_sales",  # 客户服务部 salesperson: the other department's own objects
    "mkt_mgr",  # manager of 市场部: submitted forms of the department
    "cs_mgr",  # manager of 客户服务部
    "finance",  # 财务部: every approved form [§3, §4]
    "pmo",  # 项目管理部: every submitted form [§16–§28]
    "pmo_mgr",
    "bd",  # 商务拓展部: the initiation's original [§3]
    "staff",  # nobody in particular
    "gm",  # sees everything
    "sales_dir",  # directors see everything
    "admin",  # superuser
)
EVERYONE_ALL = {"gm", "sales_dir", "admin"}

# Who sees each form (everyone else gets 404).
FORM_SEEN = {
    "own_draft": {"sales"} | EVERYONE_ALL,
    "other_draft": {"cs_sales"} | EVERYONE_ALL,
    "other_in_review": {"cs_sales", "cs_mgr", "pmo", "pmo_mgr"} | EVERYONE_ALL,
    "initiation": {"sales", "mkt_mgr", "finance", "bd", "pmo", "pmo_mgr"} | EVERYONE_ALL,
    "quotation": {"sales", "mkt_mgr", "finance", "pmo", "pmo_mgr"} | EVERYONE_ALL,
    "budget": {"finance", "pmo", "pmo_mgr"} | EVERYONE_ALL,
}
# Who sees each project.
PROJECT_SEEN = {
    "own_project": {"sales", "mkt_mgr", "finance", "bd", "pmo", "pmo_mgr"} | EVERYONE_ALL,
    "other_project": {"cs_sales", "cs_mgr", "finance", "pmo", "pmo_mgr"} | EVERYONE_ALL,
}
# Who reads the money pages (costs, payments, budget, final accounts) of the project: the rest of
# those who see the project get 403.
MONEY_READERS = {
    "own_project": {"sales", "finance", "pmo", "pmo_mgr"} | EVERYONE_ALL,
    "other_project": {"cs_sales", "finance", "pmo", "pmo_mgr"} | EVERYONE_ALL,
}
# The signed estimate report is cited by the quotation; its uploader is 技术服务部's ts_lead.
FILE_SEEN = FORM_SEEN["quotation"]


@pytest.fixture
def world(users, driver):
    project = driver.initiate("甲项目").project
    driver.presales(project)
    report = driver.estimate(project)
    quotation = driver.quotation(project, report)
    budget = driver.budget(project)
    other = driver.initiate("乙项目", approve=False, by="cs_sales")
    forms = {
        "own_draft": driver.start(
            "initiation", "sales", data=driver.initiation_data("草稿甲"), submit=False
        ),
        "other_draft": driver.start(
            "initiation", "cs_sales", data=driver.initiation_data("草稿乙"), submit=False
        ),
        "other_in_review": other,
        "initiation": project.forms.get(kind="initiation"),
        "quotation": quotation,
        "budget": budget,
    }
    projects = {"own_project": project, "other_project": other.project}
    return {"forms": forms, "projects": projects, "attachment": report.attachment}


def web(users, username, client):
    client.force_login(users[username])
    return client


def api(users, username):
    client = APIClient()
    client.force_authenticate(users[username])
    return client


def check(matrix, expected_of, get):
    """matrix: {object name: object}; expected_of(name, role) → status; get(role, obj) → status.
    Collects every wrong cell, so a failure prints the whole difference."""
    wrong = []
    for name, obj in matrix.items():
        for role in ROLES:
            want = expected_of(name, role)
            got = get(role, obj)
            if got != want:
                wrong.append(f"{name} × {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def seen(table):
    return lambda name, role: 200 if role in table[name] else 404


FORM_URLS = {
    "web detail": "/forms/{pk}/",
    "api detail": "/api/v1/forms/{pk}/",
}


@pytest.mark.parametrize("url", FORM_URLS.values(), ids=FORM_URLS.keys())
def test_form_pages(world, users, client, url):
    def get(role, form):
        if url.startswith("/api/"):
            return api(users, role).get(url.format(pk=form.pk)).status_code
        return web(users, role, client).get(url.format(pk=form.pk)).status_code

    check(world["forms"], seen(FORM_SEEN), get)


@pytest.mark.parametrize("url", ["/forms/{pk}/pdf/", "/api/v1/forms/{pk}/pdf/"])
def test_form_pdf(world, users, client, url):
    """A form one may not see is 404; one that is seen is not (a draft has no PDF yet: 4xx)."""
    approved = {k: v for k, v in world["forms"].items() if k in ("initiation", "budget")}

    def get(role, form):
        if url.startswith("/api/"):
            return api(users, role).get(url.format(pk=form.pk)).status_code
        return web(users, role, client).get(url.format(pk=form.pk)).status_code

    check(approved, seen(FORM_SEEN), get)


def test_form_list_agrees_with_the_pages(world, users):
    ids = {form.pk: name for name, form in world["forms"].items()}
    for role in ROLES:
        listed = set()
        url = "/api/v1/forms/?page_size=200"
        while url:
            body = api(users, role).get(url).json()
            listed |= {ids[row["id"]] for row in body["results"] if row["id"] in ids}
            url = body.get("next")
        want = {name for name, table in FORM_SEEN.items() if role in table}
        assert listed == want, role


PROJECT_URLS = {
    "web detail": "/projects/{pk}/",
    "api detail": "/api/v1/projects/{pk}/",
    "estimates panel": "/projects/{pk}/estimates/",
    "presales panel": "/projects/{pk}/presales/",
    "deadlines panel": "/projects/{pk}/deadlines/",
}


@pytest.mark.parametrize("url", PROJECT_URLS.values(), ids=PROJECT_URLS.keys())
def test_project_pages(world, users, client, url):
    def get(role, project):
        if url.startswith("/api/"):
            return api(users, role).get(url.format(pk=project.pk)).status_code
        return web(users, role, client).get(url.format(pk=project.pk)).status_code

    check(world["projects"], seen(PROJECT_SEEN), get)


def test_project_list_agrees_with_the_pages(world, users):
    ids = {p.pk: name for name, p in world["projects"].items()}
    for role in ROLES:
        body = api(users, role).get("/api/v1/projects/?page_size=200").json()
        listed = {ids[row["id"]] for row in body["results"] if row["id"] in ids}
        want = {name for name, table in PROJECT_SEEN.items() if role in table}
        assert listed == want, role


MONEY_URLS = {
    "web costs": "/projects/{pk}/costs/",
    "web payments": "/projects/{pk}/payments/",
    "web final accounts": "/projects/{pk}/final-accounts/",
    "api costs": "/api/v1/projects/{pk}/costs/",
    "api payments": "/api/v1/projects/{pk}/payments/",
    "api budget": "/api/v1/projects/{pk}/budget/",
    "api final accounts": "/api/v1/projects/{pk}/final-accounts/",
}


@pytest.mark.parametrize("url", MONEY_URLS.values(), ids=MONEY_URLS.keys())
def test_money_pages(world, users, client, url):
    def expected(name, role):
        if role in MONEY_READERS[name]:
            return 200
        return 403 if role in PROJECT_SEEN[name] else 404

    def get(role, project):
        if url.startswith("/api/"):
            return api(users, role).get(url.format(pk=project.pk)).status_code
        return web(users, role, client).get(url.format(pk=project.pk)).status_code

    check(world["projects"], expected, get)


def test_attachment_downloads(world, users, client):
    """The estimate report: its uploader and whoever sees the quotation that cites it."""
    attachment = world["attachment"]
    quotation = world["forms"]["quotation"]
    table = {"file": FILE_SEEN | {"ts_lead"}}
    roles_plus_uploader = (*ROLES, "ts_lead")
    ref = getattr(attachment, "public_id", attachment.pk)
    wrong = []
    for role in roles_plus_uploader:
        want = 200 if role in table["file"] else 404
        got_api = api(users, role).get(f"/api/v1/files/{ref}/").status_code
        got_web = web(users, role, client).get(f"/forms/{quotation.pk}/files/{ref}/").status_code
        if role == "ts_lead":
            got_web = want  # the web link is the form's; the uploader reaches it by the API
        for where, got in (("api", got_api), ("web", got_web)):
            if got != want:
                wrong.append(f"{where} × {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)
