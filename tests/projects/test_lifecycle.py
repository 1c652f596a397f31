"""A project driven through the real services from 立项 to 归档, each form decided by the demo
user who holds the role the policy names; and the early-start way [§9]."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals.models import Form, FormCopy, FormStatus
from core.models import AuditEvent
from delivery.demo import accept_finally
from projects.demo import pdf_upload
from projects.models import Project, Stage
from projects.selectors import budget_versions

from .conftest import needs_final_accounts_gate, needs_payment_terms

pytestmark = pytest.mark.django_db


def copies(form):
    return set(FormCopy.objects.filter(form=form).values_list("department__code", "kind"))


def stage(project):
    project.refresh_from_db()
    return project.stage


def decided_by(form):
    return [(d.step.order, d.decider.username) for d in form.decisions.order_by("created_at", "id")]


def collect_everything(org, project):
    from finance.selectors import payment_terms
    from finance.services import payment_record

    for term in payment_terms(project):
        payment_record(
            acting_user=org["finance"],
            project_id=project.pk,
            term=term["id"],
            amount=str(term["outstanding"]),
            date=timezone.localdate().isoformat(),
        )


@needs_payment_terms
@needs_final_accounts_gate
def test_project_from_initiation_to_archive_with_every_role(org, d):
    """§1–§28: each form approved by the demo user holding each role; the stage follows."""
    # 立项 [§1–§5]: 市场部 sales → 部门经理 → 成本总监 → 分管销售总监 (not special: no GM).
    init = d.start("initiation", "sales", data=d.initiation_data("全流程项目"))
    project = init.project
    assert stage(project) == Stage.INITIATING
    init = d.run(init, d.INITIATION_ROUTE)
    assert init.status == FormStatus.APPROVED
    assert decided_by(init) == [(1, "mkt_mgr"), (2, "cost_dir"), (3, "sales_dir")]
    assert init.steps.get(order=4).status == "skipped"
    assert stage(project) == Stage.INITIATED
    assert copies(init) == {("BD", "original"), ("FIN", "copy")}

    # 售前支持 [§6–§7]: the lead named by 技术服务部 becomes the project's pre-sales lead.
    presales = d.presales(project)
    assert presales.status == FormStatus.APPROVED
    assert stage(project) == Stage.PRESALES
    assert project.presales_lead == org["presales"]
    assert copies(presales) == {("TS", "archive"), ("PMO", "copy")}  # PMO evaluates it [§8]

    # 估算报告 by 技术服务部, signed by the lead [§12, §19(1)]; 报价 [§13–§16].
    report = d.estimate(project)
    quote = d.start("quotation", "sales", project, d.quotation_data(report))
    assert stage(project) == Stage.QUOTING
    quote = d.run(quote, d.QUOTATION_FILLS + d.QUOTATION_REVIEW)
    assert quote.status == FormStatus.APPROVED
    assert quote.steps.get(order=6).status == "skipped"  # 90% ≥ the director's 85% [§15]
    assert copies(quote) == {("PMO", "archive")}

    # 预算 [§17]: 项目管理部 starts; the three directors countersign; the GM approves.
    budget = d.start("budget", "pmo", project, d.budget_data())
    assert stage(project) == Stage.BUDGETING
    budget = d.run(
        budget, [("cost_dir", None), ("tech_lead", None), ("sales_dir", None), ("gm", None)]
    )
    assert budget.status == FormStatus.APPROVED
    assert copies(budget) == {("FIN", "archive")}

    # 合同 [§20–§21]: six reviews; approval makes the project signed and the payment plan.
    contract = d.start("contract", "sales", project, d.contract_data("HT-2026-088"))
    assert stage(project) == Stage.CONTRACTING
    contract = d.run(contract, d.CONTRACT_ROUTE)
    assert contract.status == FormStatus.APPROVED
    assert stage(project) == Stage.SIGNED
    assert copies(contract) == {("PMO", "archive")}
    from finance.selectors import payment_terms

    assert [t["amount"] for t in payment_terms(project)] == [
        Decimal("450000.00"),
        Decimal("450000.00"),
    ]

    # 委托 [§22–§25]: 项目管理部 issues; 受托方 PM and 部门经理 sign; 技术团队负责人 approves.
    commission = d.start("commission", "pmo", project, d.commission_data())
    assert stage(project) == Stage.COMMISSIONING
    commission = d.run(commission, [("dev_mgr", None), ("pm", None), ("tech_lead", None)])
    assert stage(project) == Stage.IMPLEMENTING
    assert project.project_manager == org["pm"]
    assert set(project.members.all()) >= {org["pm"], org["staff"]}
    assert copies(commission) == {("DEV", "copy"), ("FIN", "copy"), ("PMO", "archive")}

    # 实施 ends with the customer's final acceptance (delivery); then 评估 [§26] by 项目管理部.
    accept_finally(org, project)
    evaluation = d.start(
        "evaluation", "pmo", project, {"conclusion": "good", "score": "86", "opinion": "按期完成"}
    )
    assert stage(project) == Stage.EVALUATING
    d.run(evaluation, [("pmo_mgr", None)])
    assert stage(project) == Stage.SETTLING

    # 决算 [§27] once every payment is collected: 财务部 → 成本总监 → 总经理; the figures are
    # pre-filled from the contract, the collections, the (empty) ledger and the commission.
    collect_everything(org, project)
    final = d.start("final_accounts", "finance", project, {"notes": "全部款项已收回"})
    assert final.data["contract_amount"] == "900000.00"
    assert final.data["gross_profit"] == "900000.00"
    assert final.data["performance_split"] == [{"department": d.depts["DEV"], "ratio": "100.00"}]
    final = d.run(final, [("cost_dir", None), ("gm", None)])
    assert stage(project) == Stage.HANDOVER
    assert copies(final) == {("FIN", "archive")}

    # 资料移交 [§28] by the project manager to 项目管理部: the project is archived, once the
    # pre-sales work record is filled in (no 归档 with open pre-sales work).
    from projects.presales import presales_record_work

    presales_form = project.forms.get(kind="presales")
    presales_record_work(
        acting_user=org["presales"], form_id=presales_form.pk, work_record="完成方案与调研"
    )
    archive = pdf_upload(org["pm"], "电子资料.zip.pdf")
    handover = d.start(
        "handover",
        "pm",
        project,
        {"items": [{"name": "竣工文档", "type": "纸质", "count": 3}], "archive": archive.pk},
    )
    handover = d.run(handover, [("pmo", None)])
    assert stage(project) == Stage.CLOSED
    assert project.closed_at is not None
    assert copies(handover) == {("PMO", "archive")}
    stages = [
        e.payload["to"]
        for e in AuditEvent.objects.filter(project_id=project.pk, verb="project.stage").order_by(
            "id"
        )
    ]
    assert stages == [
        "initiated",
        "presales",
        "quoting",
        "budgeting",
        "contracting",
        "signed",
        "commissioning",
        "implementing",
        "evaluating",
        "settling",
        "handover",
        "closed",
    ]


def test_early_start_way_commission_before_contract(org, d, with_presales):
    """§9 §11: 提前开工 approved by 销售总监 → 项目管理部 → 技术团队负责人 → 总经理; then the
    commission may go out without a contract and the project is implemented."""
    project = with_presales
    form = d.early_start(project)
    assert form.status == FormStatus.APPROVED
    assert decided_by(form) == [
        (1, "presales"),
        (2, "sales_dir"),
        (3, "pmo"),
        (4, "tech_lead"),
        (5, "gm"),
    ]
    assert form.data["risk_owner"] == "销售部承担"
    assert form.data["arrangement"]
    project.refresh_from_db()
    assert project.early_start is True
    assert AuditEvent.objects.filter(project_id=project.pk, verb="project.early_start").count() == 1
    assert not Form.objects.filter(project=project, kind="contract").exists()

    d.commission(project)
    assert stage(project) == Stage.IMPLEMENTING
    assert project.project_manager == org["pm"]


def test_rejected_initiation_closes_the_project(org, d):
    """§1: the cost director may refuse; the project ends as 立项驳回."""
    form = d.initiate("驳回项目", approve=False)
    d.decide_step(form, "mkt_mgr")
    d.decide_step(form, "cost_dir", decision="reject", comment="售前费用过高")
    project = Project.objects.get(pk=form.project_id)
    assert project.stage == Stage.REJECTED
    assert project.closed_at is not None


def test_budget_versions_keep_every_approved_version(org, d, budgeted):
    """§18: a budget change started by 成本总监 and approved by 总经理 is version 2; version 1
    stays; everyone concerned is to be told within 1 working day."""
    project = budgeted
    change_data = {**d.budget_data(impl="560000.00"), "reason": "增加外购设备安装费用"}
    change = d.start("budget_change", "cost_dir", project, change_data)
    d.run(change, [("gm", None)])

    versions = budget_versions(project)
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["kind"] for v in versions] == ["budget", "budget_change"]
    assert versions[0]["figures"]["total"] == Decimal("600000.00")
    assert versions[1]["figures"]["total"] == Decimal("660000.00")
    assert versions[1]["reason"] == "增加外购设备安装费用"
    assert versions[0]["approved_at"] <= versions[1]["approved_at"]

    notice = AuditEvent.objects.get(project_id=project.pk, verb="budget.change_notice")
    assert notice.payload["version"] == 2
    assert org["cost_dir"].pk in notice.payload["recipients"]
    assert org["finance"].pk in notice.payload["recipients"]
    assert notice.payload["due"] > (timezone.localdate() - timedelta(days=1)).isoformat()
