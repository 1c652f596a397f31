"""Regressions found by walking a project from 立项 to 已签约 in the browser as every demo user.

Each test: given the state the walk reached, when the page is opened, then what the user
needed to see is there (and what confused them is gone)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted(driver):
    """A project whose 报价审批表 is approved (the 项目预算表 is next)."""
    project = driver.initiate("QA 回归项目").project
    driver.presales(project)
    driver.quotation(project, driver.estimate(project))
    project.refresh_from_db()
    return project


def test_budget_page_labels_and_formats_its_total(driver, quoted, login, users):
    # Given a 项目预算表 of 500,000 + 50,000 + 50,000
    budget = driver.budget(quoted)
    # When the PMO opens it
    html = login(users["pmo"]).get(f"/forms/{budget.pk}/").content.decode()
    # Then the derived total is labelled and shown as money, not as a raw API key
    assert "budget_total" not in html
    assert re.search(r"预算合计</dt>\s*<dd[^>]*>¥600,000.00</dd>", html)


def test_contract_page_links_the_approved_quotation_for_the_gm(driver, quoted, login, users):
    # Given a 合同审批表 at the GM's step "总经理批准（附报价审批表）"
    driver.budget(quoted)
    contract = driver.start("contract", "sales", quoted, driver.contract_data("HT-QA-REG"))
    for username, _fill in driver.CONTRACT_ROUTE[:-1]:
        driver.decide_step(contract, username)
    quotation = quoted.forms.get(kind="quotation")
    # When the GM opens the contract
    response = login(users["gm"]).get(f"/forms/{contract.pk}/")
    html = response.content.decode()
    # Then the approved 报价审批表 it goes with is one click away
    assert response.context["can_decide"]
    assert 'id="related-forms"' in html
    assert f'href="/forms/{quotation.pk}/"' in html
    assert contract.number not in re.search(r'id="related-forms".*?</ul>', html, re.S).group(0)


def test_related_forms_hide_what_the_user_may_not_see(driver, quoted, login, users):
    # Given a project whose 项目预算表 is approved (the salesperson is not on its chain)
    budget = driver.budget(quoted)
    quotation = quoted.forms.get(kind="quotation")
    # When the salesperson opens the quotation
    html = login(users["sales"]).get(f"/forms/{quotation.pk}/").content.decode()
    # Then their own approved forms are linked but the budget is not (a 404 for them)
    initiation = quoted.forms.get(kind="initiation")
    assert 'id="related-forms"' in html
    assert f'href="/forms/{initiation.pk}/"' in html
    assert f'href="/forms/{budget.pk}/"' not in html


def test_start_list_follows_the_process_order(driver, login, users):
    # Given an initiated project
    project = driver.initiate("QA 顺序项目").project
    # When the salesperson opens it
    response = login(users["sales"]).get(f"/projects/{project.pk}/")
    slugs = [s["kind"].slug for s in response.context["startable"]]
    # Then the forms they may start are listed in process order, not registration order
    order = ["presales", "early_start", "quotation", "budget", "contract"]
    ranked = [order.index(s) for s in slugs if s in order]
    assert ranked == sorted(ranked) and len(ranked) >= 3


def test_queue_kind_filter_follows_the_process_order(login, users):
    response = login(users["gm"]).get("/queue/")
    slugs = [slug for slug, _title in response.context["kinds"]]
    assert slugs[:4] == ["initiation", "presales", "early_start", "quotation"]


def test_empty_cost_ledger_shows_zero_total(driver, login, users):
    # Given an initiated project without any cost
    project = driver.initiate("QA 成本项目").project
    # When 财务部 opens the ledger
    html = login(users["finance"]).get(f"/projects/{project.pk}/costs/").content.decode()
    # Then the total reads ¥0.00 (not "¥—") and the per-category sums are money too
    assert "合计 ¥0.00" in html
    assert "¥—" not in html
    assert re.search(r"<span>售前费用</span><span>¥0.00</span>", html)


def test_delegation_dates_are_prefilled_in_iso_format(login, users):
    # When a director opens their profile to set up a delegation
    html = login(users["sales_dir"]).get("/profile/").content.decode()
    # Then the start date is today in the yyyy-mm-dd form a date input accepts
    today = timezone.localdate().isoformat()
    assert re.search(rf'type="date"[^>]*value="{today}"|value="{today}"[^>]*type="date"', html)


def test_delegation_form_redisplays_iso_dates_after_an_error(login, users):
    # Given a delegation whose end is before its start
    today = timezone.localdate()
    client = login(users["sales_dir"])
    response = client.post(
        "/profile/delegations/",
        {
            "delegate": users["mkt_mgr"].pk,
            "start_date": today.isoformat(),
            "end_date": (today - timedelta(days=1)).isoformat(),
        },
    )
    # Then the page says so and keeps both dates in a form the date inputs can show
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{today.isoformat()}"' in html
    assert f'value="{(today - timedelta(days=1)).isoformat()}"' in html


def test_pages_declare_an_icon_so_browsers_do_not_request_a_missing_favicon(login, users):
    html = login(users["sales"]).get("/").content.decode()
    assert '<link rel="icon"' in html
