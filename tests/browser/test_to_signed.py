"""Given an initiated project with its pre-sales lead, when everyone works in the browser alone,
then the estimate report is uploaded and signed, the 报价审批表, 项目预算表 and 合同审批表 go
through their chains (fill-in steps filled), and the project page shows 已签约."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from approvals.models import Form, FormStatus
from projects.models import Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% SIPM browser test\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cost_sheet() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    today = datetime.date.today().isoformat()
    for row in (
        ["日期", "费用类别", "金额", "说明"],
        [today, "外购成本", 500, "线缆"],
        [today, "差旅", 80, ""],
    ):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def later(days):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


class Office:
    """One logged-in page per demo user, reused across the whole story."""

    def __init__(self, open_as, live_server):
        self.open_as = open_as
        self.url = live_server.url
        self.pages = {}

    def __call__(self, username):
        if username not in self.pages:
            page = self.open_as(username)
            page.on("dialog", lambda dialog: dialog.accept())
            self.pages[username] = page
        return self.pages[username]

    def project(self, username, project):
        page = self(username)
        page.goto(f"{self.url}/projects/{project.pk}/")
        return page

    def approve(self, username, form, fill=None):
        """Open the form from the queue, fill the step's fields, approve."""
        page = self(username)
        page.goto(f"{self.url}/queue/")
        page.get_by_role("link", name=re.compile(form.number)).first.click()
        panel = page.locator("#decide-panel")
        for label, value in (fill or {}).items():
            panel.get_by_label(label).fill(value)
        panel.get_by_label("意见").fill("同意。")
        panel.get_by_role("button", name="同意").click()
        page.wait_for_url(f"{self.url}/queue/")
        expect(page.locator("#messages")).to_contain_text(form.number)


def fill_rows(page, field, rows):
    """Fill a table field: add a row per item, then set its cells by their labels."""
    table = page.locator(f"[data-field={field}]")
    for i, row in enumerate(rows):
        table.get_by_role("button", name="添加一行").click()
        line = table.locator("tbody tr").nth(i)
        for label, value in row.items():
            cell = line.get_by_label(label, exact=True)
            if cell.evaluate("e => e.tagName") == "SELECT":
                cell.select_option(label=value)
            else:
                cell.fill(value)


def submit_draft(page):
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#form-status")).to_contain_text("草稿")
    page.get_by_role("button", name="提交审批").click()
    expect(page.locator("#form-status")).to_contain_text("审批中")


@pytest.fixture
def initiated(people):
    from projects.demo import Driver

    driver = Driver(people)
    project = driver.initiate("智慧园区综合集成").project
    driver.presales(project)
    project.refresh_from_db()
    return project


def test_from_initiated_to_signed_in_the_browser(open_as, live_server, initiated, shot):
    office = Office(open_as, live_server)
    project = initiated

    # 技术服务部 uploads the 项目估算报告 on the project page
    ts = office.project("ts_lead", project)
    panel = ts.locator("#estimate-panel")
    panel.locator("input[type=file]").set_input_files(
        {"name": "项目估算报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    panel.get_by_label("标题").fill("估算报告 V1")
    panel.get_by_role("button", name="提交估算报告").click()
    expect(ts.locator("#estimate-panel")).to_contain_text("待售前负责人签字")
    shot(ts, "20-estimate-uploaded")

    # The pre-sales lead signs it
    lead = office.project("presales", project)
    lead.locator("#estimate-panel").get_by_role("button", name="签字确认").click()
    expect(lead.locator("#estimate-panel")).to_contain_text("已签字确认估算报告")
    expect(lead.locator("#estimate-panel .badge")).to_have_text("已签字")

    # Sales starts the 报价审批表 from the signed report and submits it
    sales = office.project("sales", project)
    sales.get_by_role("button", name="据此发起报价审批表").click()
    sales.get_by_label("估算价").fill("1000000")
    sales.get_by_label("预计销售费用").fill("20000")
    sales.get_by_label("对外报价金额").fill("900000")
    shot(sales, "21-quotation-edit")
    submit_draft(sales)
    quotation = Form.objects.get(kind="quotation")

    # Each approver decides from the queue; the fill-in steps fill their fields
    office.approve("pmo", quotation, {"预计实施工日": "120", "维护工日": "30"})
    office.approve("admin_dept", quotation, {"外购成本": "400000"})
    for username in ("mkt_mgr", "ts_mgr", "pmo_mgr", "admin_dept", "tech_lead", "sales_dir"):
        office.approve(username, quotation)
    quotation.refresh_from_db()
    assert quotation.status == FormStatus.APPROVED

    # 项目管理部 starts the 项目预算表; the three directors countersign, the GM approves
    pmo = office.project("pmo", project)
    pmo.locator("a[href*='/forms/new/budget/']").click()
    pmo.get_by_label("项目实施成本").fill("500000")
    pmo.get_by_label("项目过程管理成本").fill("50000")
    pmo.get_by_label("项目维护成本").fill("50000")
    fill_rows(
        pmo,
        "performance_split",
        [{"部门": "市场部", "比例(%)": "40"}, {"部门": "软件开发部", "比例(%)": "60"}],
    )
    submit_draft(pmo)
    budget = Form.objects.get(kind="budget")
    for username in ("tech_lead", "sales_dir", "cost_dir", "gm"):
        office.approve(username, budget)

    # Sales submits the 合同审批表 with its payment terms and the contract file
    sales = office.project("sales", project)
    sales.locator("a[href*='/forms/new/contract/']").click()
    sales.get_by_label("合同编号").fill("HT-2026-001")
    sales.get_by_label("合同金额").fill("900000")
    sales.get_by_label("签订日期").fill(later(1))
    fill_rows(
        sales,
        "payment_terms",
        [
            {"节点": "合同签订", "金额": "450000", "预计日期": later(10)},
            {"节点": "竣工验收", "金额": "450000", "预计日期": later(90)},
        ],
    )
    sales.locator("[data-field=contract_file] input[type=file]").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(sales, "22-contract-edit")
    submit_draft(sales)
    contract = Form.objects.get(kind="contract")
    for username in ("mkt_mgr", "dev_mgr", "pmo_mgr", "sales_dir", "tech_lead", "gm"):
        office.approve(username, contract)

    # The project page shows 已签约, its deadlines and its money pages
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    sales = office.project("sales", project)
    expect(sales.locator("#project-stage")).to_have_text("已签约")
    expect(sales.locator("#project-deadlines")).to_contain_text("办理项目委托书")
    shot(sales, "23-project-signed")
    sales.get_by_role("link", name="付款条款与回款").click()
    expect(sales.locator("#payment-terms")).to_contain_text("竣工验收")
    shot(sales, "24-payments")

    # 财务部 books a cost and imports a sheet with one bad row
    fin = office("finance")
    fin.goto(f"{office.url}/projects/{project.pk}/costs/")
    form = fin.locator("#cost-form")
    form.get_by_label("费用类别").select_option(label="实施成本")
    form.get_by_label("金额").fill("12000")
    form.get_by_label("说明").fill("设备运输")
    form.get_by_role("button", name="保存").click()
    expect(fin.locator("#cost-entries")).to_contain_text("12,000.00")
    fin.locator("#import-file").set_input_files(
        {"name": "成本.xlsx", "mimeType": XLSX, "buffer": cost_sheet()}
    )
    fin.get_by_role("button", name="导入").click()
    expect(fin.locator("#import-errors")).to_contain_text("不是有效的费用类别")
    expect(fin.locator("#cost-entries")).to_contain_text("500.00")
    shot(fin, "27-costs-import")


def test_monthly_report_build_and_inbox_badge(open_as, live_server, people, shot):
    # Given two unread notifications for the finance user
    from notifications.models import Notification

    for i in range(2):
        Notification.objects.create(recipient=people["finance"], title=f"成本月报提醒{i}")
    page = open_as("finance")
    expect(page.locator("#nav-unread-count")).to_have_text("2")

    # When they open the monthly report and build the Excel file
    page.get_by_role("link", name="月度成本").click()
    expect(page.locator("#report-departments")).to_be_visible()
    page.get_by_role("button", name="生成 Excel").click()
    # Then the download is offered once the build is done
    expect(page.locator("#report-download")).to_be_visible()
    shot(page, "25-monthly-report")
    with page.expect_download() as download:
        page.locator("#report-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # When they mark all notifications read, the nav badge goes away
    page.get_by_role("link", name="通知").click()
    expect(page.locator(".notification-unread")).to_have_count(2)
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("#notification-list")).to_contain_text("已将 2 条通知标为已读")
    expect(page.locator("#nav-unread-count")).to_have_count(0)
    shot(page, "26-notifications")
