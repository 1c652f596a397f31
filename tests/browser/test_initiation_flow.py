"""Given the demo organisation, when people use the browser, then the 立项书 goes through its
chain: submit, approve from the queue, return and resubmit, a conflict, until 已立项."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from approvals.models import Form, FormStatus
from org.models import Delegation
from projects.models import Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_initiation(page, name):
    sign = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    page.get_by_label("项目名称").fill(name)
    page.get_by_label("客户单位名称").fill("某市信息中心")
    page.get_by_label("单位地址").fill("某市人民路 1 号")
    page.get_by_label("主要联系人").fill("刘主任")
    page.get_by_label("联系电话").fill("0571-88886666")
    page.get_by_label("项目功能简介").fill("网络、机房与业务系统集成。")
    page.get_by_label("项目预计合同金额").fill("1200000")
    page.get_by_label("客户项目资金情况").fill("财政资金已落实。")
    page.get_by_label("项目预计成功率").fill("70")
    page.get_by_label("项目预计合同签订时间").fill(sign)
    page.get_by_label("可行性说明").fill("客户需求明确。")
    page.get_by_label("预计售前费用").fill("30000")


def approve_from_queue(page, live_server, number, comment="同意。"):
    page.goto(f"{live_server.url}/queue/")
    page.get_by_role("link", name=re.compile(number)).click()
    page.get_by_label("意见").fill(comment)
    page.get_by_role("button", name="同意").click()
    page.wait_for_url(f"{live_server.url}/queue/")
    expect(page.locator("#messages")).to_contain_text(number)


def test_initiation_from_draft_to_initiated_with_a_return(open_as, live_server, shot):
    # Given the salesperson fills the 立项书 by its Chinese labels, with one bad value
    sales = open_as("sales")
    sales.get_by_role("link", name="发起立项").first.click()
    fill_initiation(sales, "智慧园区集成项目")
    sales.get_by_label("项目预计合同金额").fill("12万")
    sales.get_by_role("button", name="保存草稿").click()
    # Then the engine's message stands under the field and nothing is saved
    expect(sales.locator("[data-field=estimated_amount] .invalid-feedback")).to_contain_text(
        "项目预计合同金额"
    )
    assert Form.objects.count() == 0
    shot(sales, "01-initiation-invalid")

    # When corrected and saved, the draft shows the route before submitting
    sales.get_by_label("项目预计合同金额").fill("1200000")
    sales.get_by_role("button", name="保存草稿").click()
    expect(sales.locator("#form-status")).to_contain_text("草稿")
    route = sales.locator("#route-preview")
    expect(route).to_contain_text("王市场")
    expect(route).to_contain_text("条件步骤：不需要")
    shot(sales, "02-draft-route-preview")
    sales.get_by_role("button", name="提交审批").click()
    expect(sales.locator("#form-status")).to_contain_text("审批中")
    form = Form.objects.get()

    # The department manager approves from the queue
    mgr = open_as("mkt_mgr")
    expect(mgr.locator("#nav-queue-count")).to_have_text("1")
    mgr.goto(f"{live_server.url}/queue/")
    shot(mgr, "03-queue")
    approve_from_queue(mgr, live_server, form.number)

    # The cost director returns it to the submitter with a comment
    cost = open_as("cost_dir")
    cost.goto(f"{live_server.url}/forms/{form.pk}/")
    cost.get_by_role("button", name="退回修改").click()
    expect(cost.locator("#decide-panel")).to_contain_text("意见")
    expect(cost.locator("#decide-panel .alert-danger")).to_be_visible()
    cost.get_by_label("意见").fill("售前费用偏高，请压缩到 2 万元。")
    cost.get_by_role("button", name="退回修改").click()
    cost.wait_for_url(f"{live_server.url}/queue/")
    assert Form.objects.get(pk=form.pk).status == FormStatus.RETURNED

    # The salesperson fixes and resubmits
    sales.goto(f"{live_server.url}/forms/{form.pk}/")
    expect(sales.locator("#decisions")).to_contain_text("售前费用偏高")
    sales.get_by_role("link", name="修改").click()
    sales.get_by_label("预计售前费用").fill("20000")
    sales.get_by_role("button", name="保存草稿").click()
    sales.get_by_role("button", name="重新提交").click()
    expect(sales.locator("#form-status")).to_contain_text("审批中")

    # On through the chain until the project is 已立项
    approve_from_queue(mgr, live_server, form.number)
    approve_from_queue(cost, live_server, form.number)
    director = open_as("sales_dir")
    approve_from_queue(director, live_server, form.number)
    form.refresh_from_db()
    assert form.status == FormStatus.APPROVED
    assert form.project.stage == Stage.INITIATED

    sales.goto(f"{live_server.url}/projects/{form.project_id}/")
    expect(sales.locator("#project-stage")).to_have_text("已立项")
    expect(sales.locator("#project-forms")).to_contain_text("已批准")
    shot(sales, "04-project-initiated")
    sales.goto(f"{live_server.url}/forms/{form.pk}/")
    shot(sales, "05-form-approved")

    # On a phone the home page still works (menu collapsed behind the toggler)
    phone = open_as("sales", viewport={"width": 390, "height": 844})
    expect(phone.get_by_role("button", name="菜单")).to_be_visible()
    shot(phone, "06-home-phone")


def test_two_pages_deciding_the_same_step_get_a_clear_conflict(
    open_as, live_server, people, driver_form, shot
):
    # Given the manager's delegate and the manager both open the same waiting form
    Delegation.objects.create(
        principal=people["mkt_mgr"],
        delegate=people["mkt_mgr"].__class__.objects.get(username="ts_lead"),
        start_date=datetime.date.today(),
        end_date=datetime.date.today() + datetime.timedelta(days=3),
    )
    form = driver_form
    deputy = open_as("ts_lead")
    deputy.goto(f"{live_server.url}/queue/")
    expect(deputy.locator("#queue-list")).to_contain_text("代 王市场 审批")
    deputy.goto(f"{live_server.url}/forms/{form.pk}/")
    expect(deputy.locator("#decide-panel")).to_contain_text("代签")
    mgr = open_as("mkt_mgr")
    mgr.goto(f"{live_server.url}/forms/{form.pk}/")

    # When the manager approves first and the deputy then approves on the stale page
    mgr.get_by_role("button", name="同意").click()
    mgr.wait_for_url(f"{live_server.url}/queue/")
    deputy.get_by_role("button", name="同意").click()

    # Then the deputy sees a message on the form's page, not an error page
    deputy.wait_for_url(f"{live_server.url}/forms/{form.pk}/")
    expect(deputy.locator("#messages .alert-warning")).to_be_visible()
    expect(deputy.locator("#decisions")).to_contain_text("王市场")
    shot(deputy, "07-conflict")
    assert form.decisions.count() == 1


@pytest.fixture
def driver_form(people):
    from projects.demo import Driver

    driver = Driver(people)
    return driver.start("initiation", "sales", data=driver.initiation_data("冲突测试项目"))


def test_dashboard_draws_its_charts(open_as, live_server, people, shot):
    # Given projects at two stages and one form waiting
    from projects.demo import Driver

    driver = Driver(people)
    driver.initiate("已立项项目")
    driver.start("initiation", "sales", data=driver.initiation_data("待审项目", amount="800000.00"))
    # When the finance user opens the dashboard
    page = open_as("finance")
    page.get_by_role("link", name="统计看板").click()
    # Then ECharts draws the three charts
    for chart in ("stages", "approvals", "pipeline"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    # and says when its figures were counted (the snapshot this first view built)
    expect(page.locator("#dashboard-built-at")).to_have_text(re.compile(r"数据更新于 \d\d:\d\d"))
    shot(page, "08-dashboard")
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#project-list")).to_contain_text("¥1,200,000.00")
    shot(page, "09-project-list")
