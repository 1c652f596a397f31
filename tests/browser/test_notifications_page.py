"""Given a 立项书 submitted and returned, when the manager and then the salesperson open
/notifications/, then each sees what concerns them, the badge counts it, and 催办 / mark read
work from the pages."""

import re

import pytest
from playwright.sync_api import expect

from approvals import services as engine
from approvals.models import Form

from .test_initiation_flow import fill_initiation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_and_the_salesperson_see_their_notifications(
    open_as, live_server, people, shot
):
    # the salesperson starts and submits a 立项书 in the browser
    sales = open_as("sales")
    sales.get_by_role("link", name="发起立项").first.click()
    fill_initiation(sales, "通知演示项目")
    sales.get_by_role("button", name="保存草稿").click()
    expect(sales.locator("#form-status")).to_contain_text("草稿")
    sales.get_by_role("button", name="提交审批").click()
    expect(sales.locator("#form-status")).to_contain_text("审批中")
    form = Form.objects.get(kind="initiation")
    expect(sales.get_by_role("button", name="催办")).to_be_visible()
    # 催办 once: the button then says it was done today
    sales.get_by_role("button", name="催办").click()
    expect(sales.locator("#messages")).to_contain_text("已催办")
    expect(sales.get_by_role("button", name="今日已催办")).to_be_disabled()

    # the manager's inbox: the to-do and the nudge, with the unread badge
    manager = open_as("mkt_mgr")
    manager.goto(f"{live_server.url}/notifications/")
    expect(manager.get_by_text(re.compile(r"【待审批】.*立项书"))).to_be_visible()
    expect(manager.get_by_text(re.compile(r"【催办】"))).to_be_visible()
    expect(manager.locator("#nav-unread-count")).to_have_text("2")
    shot(manager, "notifications-manager")
    engine.form_decide(
        acting_user=people["mkt_mgr"],
        form_id=form.pk,
        decision="return",
        comment="请补充客户资金证明",
    )

    # the salesperson's inbox: the return with the opinion; mark all read clears the badge
    sales.goto(f"{live_server.url}/notifications/")
    expect(sales.get_by_text(re.compile(r"【已退回】"))).to_be_visible()
    expect(sales.get_by_text(re.compile("请补充客户资金证明"))).to_be_visible()
    shot(sales, "notifications-sales")
    sales.get_by_role("button", name=re.compile("全部标为已读")).click()
    expect(sales.locator("#nav-unread-count")).to_have_count(0)
