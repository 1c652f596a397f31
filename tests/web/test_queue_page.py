"""The queue page: cards with key figures and working days, approve from the list and in a
batch (approve-what-you-saw per item), flat queries; one-step submit; people pickers; the route
shows 不需要 from submission on; the project header's signed amount; history with A 代 B."""

import datetime

import pytest

from approvals.models import Form, FormStatus
from core.models import AuditEvent
from org.models import Delegation, User

from .conftest import initiation_post
from .test_query_counts import submitted_initiations


def test_cards_show_the_kinds_figures_and_working_days(users, login):
    submitted_initiations(users, 1)
    html = login(users["mkt_mgr"]).get("/queue/").content.decode()
    assert "预计合同金额" in html and "¥1,200,000.00" in html
    assert "售前费用" in html and "¥30,000.00" in html
    assert "个工作日" in html and "张销售 已等" in html
    assert 'name="pick"' in html and "批量同意" in html


@pytest.mark.parametrize("history", [0, 30])
def test_queue_page_is_flat_in_history_and_queue_size(
    users, login, driver, django_assert_max_num_queries, history
):
    # Given approved history and a queue of 3 or 30 items
    for i in range(history // 10):
        driver.initiate(f"历史{i}")
    submitted_initiations(users, 3 + history)
    client = login(users["mkt_mgr"])
    with django_assert_max_num_queries(14):
        response = client.get("/queue/?sort=waiting")
    assert response.status_code == 200
    assert response.content.decode().count('class="card shadow-sm queue-item') == min(
        3 + history, 25
    )


def test_batch_approval_reports_each_item_and_refuses_the_stale_one(users, login):
    a, b, c = submitted_initiations(users, 3)
    Form.objects.filter(pk=c.pk).update(revision=c.revision + 5)  # changed since it was shown
    client = login(users["mkt_mgr"])
    response = client.post(
        "/queue/decide/",
        {
            "pick": [a.pk, b.pk, c.pk],
            f"rev-{a.pk}": a.revision,
            f"rev-{b.pk}": b.revision,
            f"rev-{c.pk}": c.revision,
            "comment": "同意立项",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f"{a.number}：已同意" in html and f"{b.number}：已同意" in html
    assert f"{c.number}：未处理" in html and "批量审批：2 项已同意，1 项未处理" in html
    assert [f.current_step for f in Form.objects.filter(pk__in=[a.pk, b.pk])] == [2, 2]
    assert Form.objects.get(pk=c.pk).current_step == 1
    decision = a.decisions.get()
    assert decision.comment == "同意立项" and decision.decider == users["mkt_mgr"]


def test_one_step_submit_and_drafts_still_possible(users, login):
    client = login(users["sales"])
    response = client.post(
        "/forms/new/initiation/", {**initiation_post("一步提交"), "action": "submit"}
    )
    form = Form.objects.get()
    assert response.status_code == 302 and form.status == FormStatus.IN_REVIEW
    client.post("/forms/new/initiation/", {**initiation_post("仅草稿"), "action": "save"})
    assert Form.objects.filter(status=FormStatus.DRAFT).count() == 1
    # A draft that cannot be submitted yet is kept, with the reason on the page
    response = client.post(
        "/forms/new/initiation/",
        {**initiation_post("缺字段", feasibility=None), "action": "submit"},
    )
    assert response.status_code == 400 and "草稿已保存，但还不能提交" in response.content.decode()
    assert Form.objects.filter(status=FormStatus.DRAFT).count() == 2


def test_people_pickers_list_eligible_active_people_only(users, login):
    client = login(users["ts_mgr"])
    User.objects.filter(username="staff").update(is_active=False)
    everyone = client.get("/people/?q=").json()["results"]
    names = {r["name"] for r in everyone}
    assert "系统管理员" not in names and "朱员工" not in names
    leads = client.get("/people/?field=presales_lead").json()["results"]
    assert leads and all(r["department"] == "技术服务部" for r in leads)
    found = client.get("/people/?q=孙").json()["results"]
    assert [r["name"] for r in found] == ["孙售前"]


def test_route_shows_a_skipped_step_as_not_needed_from_submission(users, login):
    (form,) = submitted_initiations(users, 1)
    html = login(users["sales"]).get(f"/forms/{form.pk}/").content.decode()
    gm_step = html[html.index("总经理") :]
    assert "不需要" in gm_step[:600] and "未开始" not in gm_step[:400]


def test_history_names_who_acted_and_a_stand_in_as_a_dai_b(users, login, driver):
    today = datetime.date.today()
    Delegation.objects.create(
        principal=users["mkt_mgr"], delegate=users["cs_mgr"], start_date=today, end_date=today
    )
    (form,) = submitted_initiations(users, 1)
    driver.decide_step(form, "cs_mgr")
    event = AuditEvent.objects.filter(verb="form.decision.approve").get()
    assert event.on_behalf_of == users["mkt_mgr"]
    html = login(users["sales"]).get(f"/forms/{form.pk}/").content.decode()
    assert "尤客服 代 王市场" in html


def test_presales_lead_history_names_who_named_the_lead(users, driver):
    project = driver.initiate("售前项目").project
    driver.presales(project)
    event = AuditEvent.objects.get(verb="project.presales_lead")
    assert event.actor == users["ts_mgr"]


def test_project_header_shows_the_signed_amount_and_the_gm_sees_the_margin(users, login, driver):
    # Given a project quoted at 900,000 with a budget of 600,000
    project = driver.initiate("签约项目").project
    driver.presales(project)
    driver.quotation(project, driver.estimate(project))
    budget = driver.start("budget", "pmo", project, driver.budget_data())
    driver.run(budget, [("tech_lead", None), ("sales_dir", None), ("cost_dir", None)])
    # Then the GM's card of the budget shows its total and the margin against the quote
    html = login(users["gm"]).get("/queue/").content.decode()
    assert "预算合计" in html and "¥600,000.00" in html
    assert "毛利" in html and "¥300,000.00（33.3%）" in html
    driver.run(budget, [("gm", None)])
    # When the contract is signed at 880,000 and reaches the GM, the card shows that margin
    contract = driver.start(
        "contract",
        "sales",
        project,
        driver.contract_data("HT-T-1", amount="880000.00", reason="议价后签约"),
    )
    driver.run(contract, driver.CONTRACT_ROUTE[:-1])
    html = login(users["gm"]).get("/queue/").content.decode()
    assert "¥880,000.00" in html and "¥280,000.00（31.8%）" in html
    driver.run(contract, driver.CONTRACT_ROUTE[-1:])
    # Then the project header shows the signed amount instead of the estimate
    page = login(users["sales"]).get(f"/projects/{project.pk}/").content.decode()
    header = page[page.index('id="project-amount"') :][:300]
    assert "合同金额" in header and "¥880,000.00" in header and "预计合同金额" not in header
