"""Done when: a project goes from 立项 to 归档 through the API, every form approved by the demo
user who holds each role, with refusals at every step (wrong role, wrong stage, missing
precondition, stale decision). A second project takes the early-start way."""

import pytest

from core.audit import audit_verify
from core.models import Attachment
from delivery.demo import accept_finally
from projects.models import Project, Stage

from .lifecycle import (
    BUDGET_CHAIN,
    COMMISSION_CHAIN,
    CONTRACT_CHAIN,
    INITIATION_CHAIN,
    QUOTATION_CHAIN,
    Api,
    budget_data,
    commission_data,
    contract_data,
    final_accounts_data,
    handover_data,
    initiation_data,
    later,
    presales_chain,
    quotation_data,
    today,
)


@pytest.fixture
def api(org):
    return Api(org)


def initiate(api, name="智慧园区一期"):
    # 立项权 [§2]: a developer may not initiate; a salesperson may.
    api.refused(api.create("staff", "initiation", initiation_data(name)), 403, "forbidden")
    form = api.start("sales", "initiation", initiation_data(name))
    project_id = form["project"]["id"]
    assert api.stage(project_id) == Stage.INITIATING
    # Wrong stage: nothing but the initiation may start before the project is initiated.
    presales = {"work_content": "方案编写", "required_by": later(14)}
    api.refused(api.create("sales", "presales", presales, project_id), 409, "precondition")
    # The route shows the GM step applies: the estimate is over 5,000,000.
    route = api.ok(api("sales").get(f"/api/v1/forms/{form['id']}/route/"))
    assert route["steps"][3]["applies"] is True
    api.run_chain(form["id"], INITIATION_CHAIN)
    assert api.stage(project_id) == Stage.INITIATED
    # The approved form cannot be decided again.
    api.refused(api.decide("gm", form["id"]), 409)
    return project_id


def presales(api, project_id):
    data = {"work_content": "需求调研与方案编写", "required_by": later(14)}
    api.refused(api.create("bd", "presales", data, project_id), 403, "forbidden")
    form = api.start("sales", "presales", data, project_id)
    # The TS manager must name the pre-sales lead before approving.
    api.ok(api.decide("mkt_mgr", form["id"], comment="同意"))
    body = api.refused(api.decide("ts_mgr", form["id"]), 400)
    assert "presales_lead" in body["fields"]
    chain = presales_chain(api)
    api.run_chain(form["id"], chain[1:])
    assert api.stage(project_id) == Stage.PRESALES
    assert Project.objects.get(pk=project_id).presales_lead_id == api.uid("presales")
    # The lead records the work; 项目管理部 evaluates it [§7–§8].
    url = f"/api/v1/forms/{form['id']}/presales-record/"
    api.refused(api("sales").post(url, {"work_record": "代填"}, format="json"), 403)
    api.ok(api("presales").post(url, {"work_record": "完成调研三次、方案一份"}, format="json"))
    url = f"/api/v1/forms/{form['id']}/presales-evaluation/"
    api.refused(api("presales").post(url, {"evaluation": "自评"}, format="json"), 403)
    record = api.ok(api("pmo").post(url, {"evaluation": "售前工作充分"}, format="json"))
    assert record["evaluated_by"]["username"] == "pmo"


def estimate(api, project_id):
    """技术服务部 submits the estimate report; only the pre-sales lead may sign it [§19(1)]."""
    url = f"/api/v1/projects/{project_id}/estimates/"
    sales_file = api.upload("sales", "估算.pdf")
    api.refused(api("sales").post(url, {"attachment": sales_file}, format="json"), 403)
    file_id = api.upload("presales", "项目估算报告.pdf")
    report = api.ok(api("presales").post(url, {"attachment": file_id}, format="json"), 201)
    # Missing precondition: no quotation before the report is signed.
    quote = quotation_data(file_id)
    api.refused(api.create("sales", "quotation", quote, project_id), 409, "precondition")
    sign = f"{url}{report['id']}/sign/"
    api.refused(api("ts_mgr").post(sign), 403, "forbidden")
    assert api.ok(api("presales").post(sign))["signed"] is True
    api.refused(api("presales").post(sign), 409)
    return file_id


def quotation(api, project_id, report_file, stage_after=Stage.QUOTING):
    data = quotation_data(report_file)
    # A step's field is refused to the salesperson.
    body = api.refused(
        api.create("sales", "quotation", {**data, "purchase_cost": "1.00"}, project_id), 400
    )
    assert "purchase_cost" in body["fields"]
    form = api.start("sales", "quotation", data, project_id)
    assert api.stage(project_id) == stage_after
    assert form["derived"]["discount_rate"] == "80.00"
    # 项目管理部 fills its man-days only: the purchase cost belongs to 综合管理部.
    body = api.refused(api.decide("pmo", form["id"], data={"purchase_cost": "1.00"}), 400)
    assert "purchase_cost" in body["fields"]
    # 80% is below the sales director's 85% discount authority: the GM decides too [§15].
    detail = api.run_chain(form["id"], QUOTATION_CHAIN)
    assert [s["status"] for s in detail["steps"]][-1] == "approved"
    return form["id"]


def budget(api, project_id, stage_after=Stage.BUDGETING):
    api.refused(api.create("sales", "budget", budget_data(), project_id), 403, "forbidden")
    form = api.start("pmo", "budget", budget_data(), project_id)
    assert api.stage(project_id) == stage_after
    api.run_chain(form["id"], BUDGET_CHAIN)
    versions = api.project("gm", project_id)["budget_versions"]
    assert [(v["version"], v["figures"]["total"]) for v in versions] == [(1, "480000.00")]


def contract(api, project_id, stage_after=Stage.SIGNED):
    file_id = api.upload("sales", "合同.pdf")
    form = api.start("sales", "contract", contract_data(file_id), project_id)
    api.run_chain(form["id"], CONTRACT_CHAIN)
    assert api.stage(project_id) == stage_after


def commission(api, project_id):
    api.refused(
        api.create("sales", "commission", commission_data(api), project_id), 403, "forbidden"
    )
    form = api.start("pmo", "commission", commission_data(api), project_id)
    assert api.stage(project_id) == Stage.COMMISSIONING
    api.run_chain(form["id"], COMMISSION_CHAIN)
    assert api.stage(project_id) == Stage.IMPLEMENTING
    assert Project.objects.get(pk=project_id).project_manager_id == api.uid("pm")


def evaluation(api, project_id):
    # 实施 ends with the customer's final acceptance (delivery) [§26].
    accept_finally(api.org, Project.objects.get(pk=project_id))
    # Missing precondition: no final accounts while money is owed (evaluated or not) [§27].
    api.refused(api.create("finance", "final_accounts", final_accounts_data(), project_id), 409)
    data = {"conclusion": "good", "score": "92", "opinion": "按期完成，客户满意"}
    form = api.start("pmo", "evaluation", data, project_id)
    assert api.stage(project_id) == Stage.EVALUATING
    api.run_chain(form["id"], [("pmo_mgr", None)])
    assert api.stage(project_id) == Stage.SETTLING


def collect_payments(api, project_id):
    url = f"/api/v1/projects/{project_id}/payments/"
    terms = api.ok(api("finance").get(url))["terms"]
    assert [t["milestone"] for t in terms] == ["预付款", "验收款"]
    body = {"term": terms[0]["id"], "amount": "400000.00", "date": today().isoformat()}
    api.refused(api("sales").post(url, body, format="json"), 403)
    api.ok(api("finance").post(url, body, format="json"), 201)
    # Missing precondition: not all money is in yet.
    body = api.refused(
        api.create("finance", "final_accounts", final_accounts_data(), project_id), 409
    )
    assert "未收" in body["message"] or "收回" in body["message"]
    body = {"term": terms[1]["id"], "amount": "400000.00", "date": today().isoformat()}
    api.ok(api("finance").post(url, body, format="json"), 201)


def close_out(api, project_id):
    evaluation(api, project_id)
    collect_payments(api, project_id)
    api.refused(api.create("pmo", "final_accounts", final_accounts_data(), project_id), 403)
    form = api.start("finance", "final_accounts", final_accounts_data(), project_id)
    api.run_chain(form["id"], [("cost_dir", None), ("gm", None)])
    assert api.stage(project_id) == Stage.HANDOVER
    archive = api.upload("pm", "电子资料.pdf")
    api.refused(api.create("pmo", "handover", handover_data(archive), project_id), 403)
    form = api.start("pm", "handover", handover_data(archive), project_id)
    api.run_chain(form["id"], [("pmo", None)])
    assert api.stage(project_id) == Stage.CLOSED
    # The archive is downloadable by 项目管理部, who sees the handover form.
    public_id = Attachment.objects.get(pk=archive).public_id
    assert api("pmo").get(f"/api/v1/files/{public_id}/").status_code == 200


def test_a_project_goes_from_initiation_to_archive_through_the_api(api):
    project_id = initiate(api)
    presales(api, project_id)
    report_file = estimate(api, project_id)
    quotation(api, project_id, report_file)
    # Missing precondition: no contract before the budget is approved.
    file_id = api.upload("sales", "合同草稿.pdf")
    api.refused(api.create("sales", "contract", contract_data(file_id), project_id), 409)
    budget(api, project_id)
    contract(api, project_id)
    commission(api, project_id)
    close_out(api, project_id)

    # The salesperson sees the project and their own forms; the GM sees every form.
    mine = api.project("sales", project_id)
    assert {f["kind"] for f in mine["forms"]} == {"initiation", "presales", "quotation", "contract"}
    project = api.project("gm", project_id)
    assert project["stage"] == "closed" and project["stage_label"] == "归档"
    kinds = [f["kind"] for f in project["forms"] if f["status"] == "approved"]
    for kind in (
        "initiation",
        "presales",
        "quotation",
        "budget",
        "contract",
        "commission",
        "evaluation",
        "final_accounts",
        "handover",
    ):
        assert kind in kinds
    assert all(d["status"] in ("open", "met", "overdue") for d in project["deadlines"])
    terminate = api("gm").post(
        f"/api/v1/projects/{project_id}/terminate/", {"reason": "测试"}, format="json"
    )
    api.refused(terminate, 409, "wrong_state")
    assert audit_verify() is None


def test_the_early_start_way_commissions_before_the_contract(api):
    project_id = initiate(api, "应急指挥中心")
    # Early start needs the pre-sales lead, who confirms the duration and man-day cost.
    presales(api, project_id)
    data = {"duration_days": 20, "man_days": "60", "man_day_cost": "1500.00"}
    api.refused(api.create("presales", "early_start", data, project_id), 403, "forbidden")
    api.refused(api.create("pm", "early_start", data, project_id), 404, "not_found")
    form = api.start("sales", "early_start", data, project_id)
    api.refused(api.create("sales", "early_start", data, project_id), 409, "precondition")
    api.ok(api.decide("presales", form["id"], comment="工期与工日成本确认"))
    sales_dir_fill = {"expected_sign_date": later(30), "risk_owner": "销售部承担"}
    api.ok(api.decide("sales_dir", form["id"], data=sales_dir_fill))
    # 项目管理部 now holds a step: it sees the project, but no commission may start without a
    # contract or an approved early start.
    api.refused(api.create("pmo", "commission", commission_data(api), project_id), 409)
    api.run_chain(
        form["id"],
        [("pmo", {"arrangement": "先行部署基础平台"}), ("tech_lead", None), ("gm", None)],
    )
    assert Project.objects.get(pk=project_id).early_start is True
    api.refused(api.create("sales", "early_start", data, project_id), 409, "precondition")
    commission(api, project_id)
    # The contract side catches up while implementation runs; the stage stays 实施.
    report_file = estimate(api, project_id)
    quotation(api, project_id, report_file, stage_after=Stage.IMPLEMENTING)
    budget(api, project_id, stage_after=Stage.IMPLEMENTING)
    contract(api, project_id, stage_after=Stage.IMPLEMENTING)
    close_out(api, project_id)
    assert api.project("gm", project_id)["early_start"] is True
