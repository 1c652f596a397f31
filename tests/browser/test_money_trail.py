"""Given a commissioned project with costs booked and all money collected, when 财务部 works in
the browser, then the 决算表 opens pre-filled from the ledger, the payments and the 项目委托书,
saves and submits as it is, and the money page links every figure to its record and exports the
same trail to Excel."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from approvals.models import Form, FormStatus
from finance.services import cost_entry_create, payment_record
from org.models import Department
from projects.demo import Driver, future

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def settled(people):
    d = Driver(people)
    project = d.initiate("资金链浏览器项目").project
    d.presales(project)
    d.quotation(project, d.estimate(project))
    d.budget(project)
    d.contract(project, "HT-BROWSER-001")
    dev, ts = (Department.objects.get(code=c).pk for c in ("DEV", "TS"))
    data = {
        "end_date": future(120),
        "members": [people["staff"].pk, people["presales"].pk],
        "dept_manager": people["dev_mgr"].pk,
        "project_manager": people["pm"].pk,
        "performance_split": [
            {"department": dev, "ratio": "70"},
            {"department": ts, "ratio": "30"},
        ],
        "change_reasons": [{"field": "performance_split", "reason": "技术服务部参与实施"}],
    }
    form = d.start("commission", "pmo", project, data)
    d.run(form, [("pm", None), ("dev_mgr", None), ("tech_lead", None)])
    for category, amount in (("implementation", "300000.10"), ("purchase", "120000.00")):
        cost_entry_create(
            acting_user=people["finance"],
            project_id=project.pk,
            category=category,
            date=future(0),
            amount=amount,
        )
    for term in project.payment_terms.order_by("position"):
        payment_record(
            acting_user=people["finance"],
            project_id=project.pk,
            term=term.pk,
            amount=str(term.amount),
            date=future(0),
        )
    project.refresh_from_db()
    return project


def test_final_accounts_open_prefilled_and_submit(open_as, live_server, settled, shot):
    page = open_as("finance")
    page.goto(f"{live_server.url}/projects/{settled.pk}/final-accounts/")
    expect(page.locator("#final-source")).to_contain_text("决算建议")
    page.locator("#start-final-accounts").click()
    form = page.locator("form").filter(has=page.locator("[data-field='contract_amount']"))
    expect(form.locator("[data-field='contract_amount'] input")).to_have_value("900000.00")
    expect(form.locator("[data-field='received_amount'] input")).to_have_value("900000.00")
    expect(form.locator("[data-field='gross_profit'] input")).to_have_value("479999.90")
    costs = form.locator("[data-field='costs'] tbody tr")
    expect(costs).to_have_count(2)
    expect(costs.nth(0).locator("input").nth(0)).to_have_value("实施成本")
    expect(costs.nth(0).locator("input").nth(1)).to_have_value("300000.10")
    split = form.locator("[data-field='performance_split'] tbody tr")
    expect(split).to_have_count(2)
    expect(split.nth(0).locator("input").first).to_have_value("70.00")
    shot(page, "money-final-accounts-prefilled")
    page.get_by_role("button", name=re.compile("保存")).first.click()
    expect(page.locator("body")).to_contain_text("草稿已保存")
    # the draft shows the reconciliation with the ledger and the evaluation's state
    expect(page.locator("body")).to_contain_text("与成本台账核对")
    expect(page.locator("body")).to_contain_text("项目评估尚未发起")
    shot(page, "money-final-accounts-draft")
    page.get_by_role("button", name=re.compile("提交审批")).first.click()
    expect(page.locator("body")).to_contain_text("已提交审批")
    form_obj = Form.objects.get(project=settled, kind="final_accounts")
    assert form_obj.status == FormStatus.IN_REVIEW
    assert form_obj.data["costs"][0] == {"category": "实施成本", "amount": "300000.10"}


def test_money_page_links_every_figure_and_exports_xlsx(open_as, live_server, settled, shot):
    page = open_as("finance")
    page.goto(f"{live_server.url}/projects/{settled.pk}/")
    page.locator("#project-money-link").click()
    expect(page.locator("h1")).to_contain_text("资金链")
    for key in ("quotation", "budget", "contract", "payments", "costs", "final"):
        expect(page.locator(f"#money-{key} .money-figure").first).to_be_visible()
    # every figure is a link
    figures = page.locator(".money-figure")
    assert figures.count() == page.locator(".money-figure a.money-link").count()
    expect(page.locator("#money-contract")).to_contain_text("¥900,000.00")
    shot(page, "money-trail")
    # the contract amount opens the approved 合同审批表
    contract = Form.objects.get(project=settled, kind="contract", status=FormStatus.APPROVED)
    page.locator("#money-contract a.money-link").first.click()
    expect(page).to_have_url(re.compile(rf"/forms/{contract.pk}/$"))
    page.go_back()
    # the ledger figure opens the ledger filtered to its category
    page.locator("#money-costs a.money-link").filter(has_text="300,000.10").click()
    expect(page.locator("#cost-filter")).to_have_text("实施成本")
    page.go_back()
    with page.expect_download() as info:
        page.locator("#money-xlsx").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    sheet = book["资金链"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_label = {(r[0], r[1]): r for r in rows}
    assert by_label[("合同", "合同金额")][2] == 900000
    assert by_label[("成本", "实施成本")][2] == pytest.approx(300000.10)
    assert by_label[("决算", "毛利")][2] == pytest.approx(479999.90)
    assert all(r[5].startswith(live_server.url) for r in rows)


def test_gm_sees_the_quotation_beside_the_contract(open_as, live_server, people, shot):
    d = Driver(people)
    project = d.initiate("合同对照项目").project
    d.presales(project)
    d.quotation(project, d.estimate(project))
    d.budget(project)
    data = d.contract_data("HT-BROWSER-002", amount="880000.00")
    data["change_reasons"] = [{"field": "contract_amount", "reason": "客户议价后让利 2 万元"}]
    form = d.start("contract", "sales", project, data)
    d.run(form, d.CONTRACT_ROUTE[:-1])
    quotation = Form.objects.get(project=project, kind="quotation", status=FormStatus.APPROVED)
    page = open_as("gm")
    page.goto(f"{live_server.url}/forms/{form.pk}/")
    body = page.locator("body")
    expect(body).to_contain_text("报价审批表与合同对照")
    expect(body).to_contain_text(quotation.number)
    expect(body).to_contain_text("客户议价后让利 2 万元")
    expect(body).to_contain_text("-¥20,000.00")
    shot(page, "money-contract-gm")
