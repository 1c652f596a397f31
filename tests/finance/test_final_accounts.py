"""The 项目决算表's figures and budget vs actual, to the cent."""

from decimal import Decimal

import pytest

from finance.models import CommissionRate, CostEntry
from finance.selectors import budget_vs_actual, final_accounts
from finance.services import payment_record, payment_terms_from_contract
from org.models import Department

from .conftest import at

D = Decimal


@pytest.fixture
def project(org, make_project, approved_form):
    project = make_project()
    ts, dev, mkt = (Department.objects.get(code=c) for c in ("TS", "DEV", "MKT"))
    approved_form(project, "initiation", {"presales_budget": "2000.00"}, closed_at=at(2025, 1, 1))
    approved_form(project, "quotation", {"purchase_cost": "10000.00", "sales_expense": "800.00"})
    approved_form(
        project,
        "budget",
        {
            "implementation_cost": "30000.00",
            "management_cost": "5000.00",
            "maintenance_cost": "3000.00",
            "performance_split": [{"department": ts.pk, "ratio": "50.00"}],
        },
        closed_at=at(2025, 2, 5),
    )
    # the latest approved change wins; it restates the split and raises implementation only
    approved_form(
        project,
        "budget_change",
        {
            "implementation_cost": "40000.00",
            "performance_split": [
                {"department": ts.pk, "ratio": "33.33"},
                {"department": dev.pk, "ratio": "33.33"},
                {"department": mkt.pk, "ratio": "33.34"},
            ],
            "reason": "范围扩大",
        },
        closed_at=at(2025, 3, 5),
    )
    contract = {
        "contract_amount": "100000.01",
        "payment_terms": [{"milestone": "全款", "amount": "100000.01"}],
    }
    form = approved_form(project, "contract", contract, closed_at=at(2025, 2, 20))
    payment_terms_from_contract(form=form, acting_user=org["gm"])
    for category, amount in [
        ("implementation", "35000.10"),
        ("implementation", "0.05"),
        ("management", "6000.00"),
        ("purchase", "10000.55"),
        ("presales", "1234.56"),
    ]:
        CostEntry.objects.create(
            project=project,
            category=category,
            date="2025-03-01",
            amount=D(amount),
            entered_by=org["finance"],
        )
    CommissionRate.objects.create(min_margin_pct=D("0"), rate=D("1.00"))
    CommissionRate.objects.create(min_margin_pct=D("30"), rate=D("3.00"))
    CommissionRate.objects.create(min_margin_pct=D("50"), rate=D("5.00"))
    CommissionRate.objects.create(min_margin_pct=D("40"), rate=D("9.00"), active=False)
    return project


def test_budget_vs_actual_rows(project):
    rows = {r["category"]: r for r in budget_vs_actual(project)}
    assert rows["implementation"]["budget"] == D("40000.00")
    assert rows["implementation"]["actual"] == D("35000.15")
    assert rows["implementation"]["variance"] == D("-4999.85")
    assert rows["implementation"]["variance_pct"] == D("-12.50")  # -12.499625 %
    assert rows["management"]["variance"] == D("1000.00")
    assert rows["management"]["variance_pct"] == D("20.00")
    assert rows["maintenance"]["actual"] == D("0.00")
    assert rows["presales"]["budget"] == D("2000.00")
    assert rows["purchase"]["variance"] == D("0.55")
    assert rows["sales"]["budget"] == D("800.00")
    assert rows["total"]["budget"] == D("60800.00")
    assert rows["total"]["actual"] == D("52235.26")
    assert rows["total"]["variance"] == D("-8564.74")
    assert rows["total"]["variance_pct"] == D("-14.09")  # -14.0867...


def test_final_accounts_figures_to_the_cent(org, project):
    # given the money has been collected
    payment_record(
        acting_user=org["finance"],
        project_id=project.pk,
        term=project.payment_terms.get().pk,
        amount="100000.01",
        date="2025-06-30",
    )
    fa = final_accounts(project)
    assert fa["contract_amount"] == D("100000.01")
    assert fa["collected"] == D("100000.01")
    assert fa["all_collected"] is True
    assert fa["total_cost"] == D("52235.26")
    assert fa["total_budget"] == D("60800.00")
    assert fa["gross_margin"] == D("47764.75")
    assert fa["gross_margin_pct"] == D("47.76")
    # 33.33 % of 100000.01 = 33330.0033 → 33330.00 twice; the last ratio row takes the remainder
    assert [(d["department"], d["amount"]) for d in fa["departments"]] == [
        ("技术服务部", D("33330.00")),
        ("软件开发部", D("33330.00")),
        ("市场部", D("33340.01")),
    ]
    assert sum(d["amount"] for d in fa["departments"]) == fa["contract_amount"]
    # margin 47.76 % falls in the 30 % tier (the inactive 40 % tier is ignored): 3 % of margin
    assert fa["commission"]["rate"] == D("3.00")
    assert fa["commission"]["amount"] == D("1432.94")  # 1432.9425


def test_no_commission_on_a_loss(org, project):
    CostEntry.objects.create(
        project=project,
        category="purchase",
        date="2025-03-02",
        amount=D("60000.00"),
        entered_by=org["finance"],
    )
    fa = final_accounts(project)
    assert fa["gross_margin"] == D("-12235.25")
    assert fa["commission"]["amount"] == D("0.00")
    assert fa["commission"]["rate"] is None


def test_an_amount_split_becomes_its_proportions_of_the_contract(org, make_project, approved_form):
    # given a budget split by amounts (3:1) and a contract of 10000.00
    project = make_project()
    ts, dev = (Department.objects.get(code=c) for c in ("TS", "DEV"))
    approved_form(
        project,
        "budget",
        {
            "performance_split": [
                {"department": ts.pk, "amount": "3000.00"},
                {"department": dev.pk, "amount": "1000.00"},
            ]
        },
    )
    approved_form(project, "contract", {"contract_amount": "10000.00"})
    fa = final_accounts(project)
    assert [(d["ratio"], d["amount"]) for d in fa["departments"]] == [
        (D("75.00"), D("7500.00")),
        (D("25.00"), D("2500.00")),
    ]


def test_final_accounts_api(org, project, api):
    body = api("finance").get(f"/api/v1/projects/{project.pk}/final-accounts/").json()
    assert body["gross_margin"] == "47764.75"
    assert body["commission"]["amount"] == "1432.94"
    budget = api("pm").get(f"/api/v1/projects/{project.pk}/budget/").json()
    assert budget["rows"][-1]["actual"] == "52235.26"
