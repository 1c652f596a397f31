"""Cost categories as admin data, §22's one signing date, the money page and its Excel export."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from finance.categories import categories
from finance.models import CostCategory, CostEntry
from finance.reports import data as report_data
from finance.selectors import actual_costs, budget_vs_actual, contract_signed_on
from finance.services import cost_entry_create, payment_record, payment_terms_from_contract
from sipm.errors import InvalidInput

from .conftest import at

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _seed():
    """The data migration's seed (a transactional test elsewhere may have flushed the table)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("finance.migrations.0003_money_cost_categories")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def fresh_categories(db):
    _seed()
    categories.clear()
    yield
    categories.clear()


# --- cost categories are data ---------------------------------------------------------------


def test_the_migration_seeds_todays_six_categories(db):
    CostCategory.objects.all().delete()
    _seed()
    assert list(CostCategory.objects.values_list("code", "name")) == [
        ("presales", "售前费用"),
        ("implementation", "实施成本"),
        ("management", "过程管理成本"),
        ("maintenance", "维护成本"),
        ("purchase", "外购成本"),
        ("sales", "销售费用"),
    ]


def test_a_category_added_by_an_admin_is_used_by_ledger_budget_and_report(org, make_project):
    # given an admin adds 差旅费 (no budget source) in the admin
    admin = Client()
    admin.force_login(org["admin"])
    response = admin.post(
        "/admin/finance/costcategory/add/",
        {
            "code": "travel",
            "name": "差旅费",
            "sort_order": "70",
            "budget_source": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = make_project()
    # when 财务部 books a line by its name
    cost_entry_create(
        acting_user=org["finance"],
        project_id=project.pk,
        category="差旅费",
        date="2025-03-03",
        amount="88.80",
    )
    # then the ledger, the budget comparison and the monthly report all have it
    assert actual_costs(project)["travel"] == D("88.80")
    row = next(r for r in budget_vs_actual(project) if r["category"] == "travel")
    assert (row["label"], row["budget"], row["actual"]) == ("差旅费", None, D("88.80"))
    acc = report_data.run(report_data.parse_month("2025-03"))
    summary = acc.summary(report_data.parse_month("2025-03"))
    assert summary["categories"]["travel"] == "差旅费"
    assert summary["totals"]["month"]["travel"] == "88.80"
    # and once retired it takes no new lines, while its lines still count
    CostCategory.objects.filter(code="travel").update(active=False)
    categories.clear()
    with pytest.raises(InvalidInput):
        cost_entry_create(
            acting_user=org["finance"],
            project_id=project.pk,
            category="travel",
            date="2025-03-04",
            amount="1.00",
        )
    assert actual_costs(project)["travel"] == D("88.80")
    # a category in use cannot be deleted in the admin
    travel = CostCategory.objects.get(code="travel")
    page = admin.get(f"/admin/finance/costcategory/{travel.pk}/delete/")
    assert page.status_code == 403


def test_a_budget_source_is_admin_data(org, make_project, approved_form):
    project = make_project()
    approved_form(project, "budget", {"implementation_cost": "1000.00"})
    CostCategory.objects.filter(code="implementation").update(budget_source="")
    categories.clear()
    row = next(r for r in budget_vs_actual(project) if r["category"] == "implementation")
    assert row["budget"] is None


def test_with_an_empty_table_the_seeded_defaults_stand_in(org, make_project):
    CostCategory.objects.all().delete()
    categories.clear()
    assert categories.values[:2] == ["presales", "implementation"]
    project = make_project()
    entry = cost_entry_create(
        acting_user=org["finance"],
        project_id=project.pk,
        category="实施成本",
        date="2025-03-03",
        amount="1.00",
    )
    assert entry.category == "implementation"


# --- §22: one "合同签订后" ------------------------------------------------------------------------


def test_commission_deadline_counts_from_the_contracts_approval_not_its_typed_date(
    org, make_project, approved_form
):
    from notifications.deadlines import project_deadlines
    from projects.selectors import commission_issue_due
    from workcal.calendar import add_working_days

    # given a contract typed as signed on 2025-01-02 but approved on 2025-03-03 (Shanghai)
    project = make_project()
    approved_form(
        project,
        "contract",
        {"contract_amount": "1000.00", "sign_date": "2025-01-02"},
        closed_at=datetime(2025, 3, 3, 23, 30, tzinfo=SHANGHAI),
    )
    contract = project.forms.get(kind="contract")
    assert contract_signed_on(contract) == date(2025, 3, 3)
    due = add_working_days(date(2025, 3, 3), 3)
    # then the deadline code and the selector agree on it
    deadline = next(d for d in project_deadlines(project) if d["kind"] == "commission_issue")
    assert deadline["due_date"] == due == commission_issue_due(project)


# --- the money page ---------------------------------------------------------------------------


@pytest.fixture
def money_project(org, make_project, approved_form):
    project = make_project()
    approved_form(project, "quotation", {"quote_amount": "1000.00", "list_price": "1200.00"})
    approved_form(project, "budget", {"implementation_cost": "400.00"})
    form = approved_form(
        project,
        "contract",
        {
            "contract_amount": "1000.00",
            "payment_terms": [
                {"milestone": "首付", "amount": "600.00"},
                {"milestone": "尾款", "amount": "400.00"},
            ],
        },
        closed_at=at(2025, 2, 10, 10),
    )
    payment_terms_from_contract(form=form, acting_user=org["gm"])
    return project


def _grow(org, project, n):
    term = project.payment_terms.order_by("position").first()
    for i in range(n):
        CostEntry.objects.create(
            project=project,
            category=("implementation", "purchase", "sales")[i % 3],
            date="2025-03-01",
            amount=D("1.00"),
            entered_by=org["finance"],
        )
        payment_record(
            acting_user=org["finance"],
            project_id=project.pk,
            term=term.pk,
            amount="1.00",
            date="2025-03-02",
        )


def test_money_page_query_count_does_not_grow_with_the_records(org, money_project):
    client = Client()
    client.force_login(org["finance"])
    url = f"/projects/{money_project.pk}/money/"
    _grow(org, money_project, 2)
    client.get(url)  # warm the session and the categories' cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(org, money_project, 8)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(large) == len(small)
    text = page.content.decode()
    for anchor in ("#payment-", "?category=implementation", "/forms/"):
        assert anchor in text


def test_money_xlsx_reads_back(org, money_project):
    _grow(org, money_project, 3)
    client = Client()
    client.force_login(org["finance"])
    response = client.get(f"/projects/{money_project.pk}/money.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["资金链"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    sections = [r[0] for r in rows]
    assert sections.index("报价") < sections.index("预算") < sections.index("合同")
    assert sections.index("合同") < sections.index("回款") < sections.index("成本")
    assert sections.index("成本") < sections.index("决算")
    by_label = {(r[0], r[1]): r for r in rows}
    assert by_label[("报价", "对外报价金额")][2] == 1000
    assert by_label[("合同", "合同金额")][2] == 1000
    assert by_label[("成本", "合计")][2] == 3
    assert by_label[("决算", "已收款")][2] == 3
    assert sum(1 for r in rows if r[0] == "回款" and r[1].startswith("回款 ")) == 3
    assert all(r[5].startswith("http://testserver/") for r in rows)
    link = sheet.cell(row=3, column=6)
    assert link.hyperlink is not None


def test_money_page_refused_to_people_without_the_money_pages(org, money_project):
    client = Client()
    client.force_login(org["staff"])
    assert client.get(f"/projects/{money_project.pk}/money/").status_code == 404
    assert client.get(f"/projects/{money_project.pk}/money.xlsx").status_code == 404
