"""Given a project in 实施 with an approved baseline (API flow tested in tests/delivery), when
the PM works in the browser, then the plan page shows the Gantt, burn-up and risk matrix, a
risk is registered, man-days are booked in the weekly timesheet (the holiday refused without
overtime), and 项目管理部 sees the project in the portfolio. Screenshots in artifacts/."""

import pytest
from playwright.sync_api import expect

from delivery.services import baseline_submit, plan_create_from_template
from tests.delivery.conftest import ensure_seed, implementing_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_page_timesheet_and_portfolio(people, open_as, live_server, shot):
    from approvals.services import form_decide

    ensure_seed()
    project = implementing_project(people, "浏览器实施项目")
    plan_create_from_template(
        acting_user=people["pm"], project_id=project.pk, template="system_integration"
    )
    baseline = baseline_submit(acting_user=people["pm"], project_id=project.pk)
    for who in ("pmo_mgr", "tech_lead"):
        form_decide(acting_user=people[who], form_id=baseline.form_id, decision="approve")

    page = open_as("pm")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator("#delivery-panel").get_by_role("link", name="实施计划").click()
    expect(page.locator("#wbs-table tbody tr")).to_have_count(7)
    expect(page.locator("#chart-gantt canvas")).to_have_count(1)
    expect(page.locator("#chart-risks canvas")).to_have_count(1)
    expect(page.locator("#baseline-table")).to_contain_text("V1")

    page.locator("#risks summary").click()
    page.get_by_label("描述").fill("核心交换机到货延迟")
    page.get_by_label("可能性").fill("4")
    page.get_by_label("影响", exact=True).fill("5")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#risk-table")).to_contain_text("核心交换机到货延迟")
    shot(page, "delivery-plan")

    # The National Day week: 10-06 is a holiday, 10-08 a working day.
    page.get_by_role("link", name="我的工时").click()
    page.goto(f"{live_server.url}/projects/{project.pk}/delivery/timesheet/?week=2026-10-05")
    first = page.locator("#timesheet tbody tr").first
    first.locator("input").nth(1).fill("1")  # Tuesday 10-06
    page.get_by_role("button", name="登记工日").click()
    expect(page.locator(".alert-danger, .alert-error, .alert")).to_contain_text("不是工作日")
    first = page.locator("#timesheet tbody tr").first
    first.locator("input").nth(3).fill("1")  # Thursday 10-08
    page.get_by_role("button", name="登记工日").click()
    expect(page.locator("#timesheet tbody tr").first.locator("td").nth(4)).to_contain_text("1")
    shot(page, "delivery-timesheet")

    pmo = open_as("pmo")
    pmo.goto(f"{live_server.url}/delivery/portfolio/")
    expect(pmo.locator("#portfolio")).to_contain_text("浏览器实施项目")
    shot(pmo, "delivery-portfolio")
