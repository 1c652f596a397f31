"""Clauses of 《系统集成类项目管理流程》 not already walked through in test_lifecycle."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import FormCopy, FormStatus
from approvals.selectors import forms_visible_to
from approvals.services import form_create, form_decide
from projects.selectors import commission_issue_due, projects_initiated_by
from sipm.errors import InvalidInput, Refused
from workcal.calendar import add_working_days, due_at

from .conftest import needs_payment_terms

pytestmark = pytest.mark.django_db


def test_initiation_original_to_bd_and_copy_to_finance(org, d):
    """§3: once approved, the original goes to 商务拓展部, a copy to 财务部 — who can then see it
    although neither took part in the approval."""
    form = d.initiate("抄送项目")
    assert set(FormCopy.objects.filter(form=form).values_list("department__code", "kind")) == {
        ("BD", "original"),
        ("FIN", "copy"),
    }
    assert forms_visible_to(org["bd"]).filter(pk=form.pk).exists()
    assert forms_visible_to(org["finance"]).filter(pk=form.pk).exists()


def test_monthly_cost_analysis_covers_the_initiated_projects(org, d):
    """§4: 财务部 analyses the approved projects each month — an initiation still in review is
    not among them."""
    approved = d.initiate("已立项").project
    pending = d.initiate("审批中", approve=False).project
    listed = list(projects_initiated_by(timezone.localdate()))
    assert approved in listed and pending not in listed
    assert approved not in projects_initiated_by(timezone.localdate() - timedelta(days=1))


def test_early_start_each_person_fills_their_part(org, d, with_presales):
    """§11(2)(3): sales states duration and man-day cost; the sales director, not sales, states
    the expected signing date and who bears the risk."""
    with pytest.raises(InvalidInput) as exc:
        form_create(
            acting_user=org["sales"],
            kind="early_start",
            project=with_presales,
            data={"duration_days": 5, "risk_owner": "客户"},
        )
    assert "risk_owner" in exc.value.fields
    form = d.start(
        "early_start",
        "sales",
        with_presales,
        {"duration_days": 5, "man_days": "10", "man_day_cost": "1200.00"},
    )
    d.decide_step(form, "presales")
    with pytest.raises(InvalidInput) as exc:
        d.decide_step(form, "sales_dir", data={"arrangement": "先进场"})
    assert "arrangement" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        d.decide_step(form, "sales_dir")
    assert "expected_sign_date" in exc.value.fields


def test_quotation_fill_in_by_pmo_and_admin(org, d, with_presales):
    """§13: 项目管理部 fills the man-days, 综合管理部 the purchase cost; each only their own."""
    report = d.estimate(with_presales)
    form = d.start("quotation", "sales", with_presales, d.quotation_data(report))
    with pytest.raises(InvalidInput) as exc:
        d.decide_step(form, "pmo", data={"purchase_cost": "1.00"})
    assert "purchase_cost" in exc.value.fields
    d.run(form, d.QUOTATION_FILLS)
    form.refresh_from_db()
    assert form.data["implementation_man_days"] == "120.00"
    assert form.data["purchase_cost"] == "400000.00"


def test_quotation_review_order(org, d, with_presales):
    """§14: the managers concerned first, then 技术团队负责人, then 销售总监 decides."""
    report = d.estimate(with_presales)
    form = d.start("quotation", "sales", with_presales, d.quotation_data(report))
    d.run(form, d.QUOTATION_FILLS)
    with pytest.raises(Refused):
        d.decide_step(form, "tech_lead")
    d.run(form, d.QUOTATION_REVIEW[:3])
    with pytest.raises(Refused):
        d.decide_step(form, "sales_dir")
    form = d.run(form, d.QUOTATION_REVIEW[3:])
    assert form.status == FormStatus.APPROVED


def test_quote_below_the_discount_authority_goes_to_the_gm(org, d, with_presales):
    """§15: 80% is below the sales director's 85% limit, so 总经理 must approve too."""
    report = d.estimate(with_presales)
    form = d.start("quotation", "sales", with_presales, d.quotation_data(report, quote="800000.00"))
    form = d.run(form, d.QUOTATION_FILLS + d.QUOTATION_REVIEW)
    assert form.status == FormStatus.IN_REVIEW
    gm_step = form.steps.get(order=6)
    assert gm_step.status == "active" and "85" in gm_step.note
    form = d.run(form, [("gm", None)])
    assert form.status == FormStatus.APPROVED


def test_approved_quotation_kept_by_pmo_with_the_estimate(org, d, quoted):
    """§16: the approved 报价审批表 and the estimate go to 项目管理部."""
    form = quoted.forms.get(kind="quotation")
    assert FormCopy.objects.filter(form=form, department__code="PMO", kind="archive").exists()
    assert form.data["estimate_report"] == quoted.report.attachment_id


def test_contract_is_filled_by_sales(org, d, budgeted):
    """§20: the salesperson fills the 合同审批表; 项目管理部 may not."""
    with pytest.raises(Refused):
        form_create(acting_user=org["pmo"], kind="contract", project=budgeted, data={})
    form = form_create(
        acting_user=org["sales"], kind="contract", project=budgeted, data=d.contract_data("HT-20")
    )
    assert form.submitter == org["sales"]


@needs_payment_terms
def test_commission_deadlines(org, d, budgeted):
    """§22: issued within 3 working days of signing; approved within 2 working days."""
    contract = d.contract(budgeted, "HT-21")
    assert commission_issue_due(budgeted) == add_working_days(
        timezone.localdate(contract.closed_at), 3
    )
    form = d.start("commission", "pmo", budgeted, d.commission_data())
    d.run(form, [("pm", None), ("dev_mgr", None)])
    step = form.steps.get(order=2)
    assert step.sla_days == 2
    assert step.due_at == due_at(step.activated_at, 2)


def test_commission_signed_by_trustees_and_sets_the_team(org, d, with_presales):
    """§23 §24: 项目管理部 (委托方) issues; the PM and 部门经理 (受托方) sign; the approved
    commission names the team and goes to 软件开发部, 财务部 and 项目管理部."""
    d.early_start(with_presales)
    form = d.start("commission", "pmo", with_presales, d.commission_data())
    with pytest.raises(Refused):
        d.decide_step(form, "tech_lead")
    form = d.run(form, [("pm", None), ("dev_mgr", None), ("tech_lead", None)])
    assert form.status == FormStatus.APPROVED
    with_presales.refresh_from_db()
    assert with_presales.project_manager == org["pm"]
    assert set(with_presales.members.all()) >= {org["pm"], org["staff"]}
    assert set(FormCopy.objects.filter(form=form).values_list("department__code", flat=True)) == {
        "DEV",
        "FIN",
        "PMO",
    }


def test_cross_department_split_by_amount(org, d, with_presales):
    """§25: across departments the shares may be amounts that add up to the fee."""
    d.early_start(with_presales)
    data = d.commission_data(fee="300000.00")
    data["performance_split"] = [
        {"department": d.depts["DEV"], "amount": "200000.00"},
        {"department": d.depts["TS"], "amount": "100000.00"},
    ]
    form = d.start("commission", "pmo", with_presales, data)
    assert form.status == FormStatus.IN_REVIEW


def test_a_decider_may_not_fill_outside_a_fill_step(org, d, initiated):
    form = d.start(
        "presales", "sales", initiated, {"work_content": "x", "required_by": "2099-01-01"}
    )
    with pytest.raises(InvalidInput):
        form_decide(
            acting_user=org["mkt_mgr"],
            form_id=form.pk,
            decision="approve",
            data={"presales_lead": org["presales"].pk},
        )
