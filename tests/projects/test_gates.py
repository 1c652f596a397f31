"""Who may start each form, and each form's precondition: refused, then allowed once met."""

import pytest

from approvals.models import Form, FormStatus
from approvals.services import form_create, form_submit
from delivery.demo import accept_finally
from projects.demo import pdf_upload
from projects.models import Stage
from projects.selectors import final_accounts_prefill
from sipm.errors import Conflict, Refused

from .conftest import needs_final_accounts_gate, needs_payment_terms
from .test_lifecycle import collect_everything

pytestmark = pytest.mark.django_db


def refused_precondition(user, kind, project, data=None, match=""):
    before = Form.objects.count()
    with pytest.raises(Conflict) as exc:
        form_create(acting_user=user, kind=kind, project=project, data=data or {})
    assert exc.value.code == "precondition"
    assert match in exc.value.message
    assert Form.objects.count() == before
    return exc.value


def refused_start(user, kind, project, match=""):
    before = Form.objects.count()
    with pytest.raises(Refused) as exc:
        form_create(acting_user=user, kind=kind, project=project, data={})
    assert match in exc.value.message
    assert Form.objects.count() == before


# --- who may start ------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["staff", "pmo", "presales", "finance", "bd"])
def test_initiation_needs_the_right_to_initiate(org, d, username):
    """§2: only 总经办, sales of 市场部/客户服务部 and 技术服务部 主管+ may initiate."""
    with pytest.raises(Refused, match="立项权"):
        form_create(acting_user=org[username], kind="initiation", data={"project_name": "x"})


@pytest.mark.parametrize("username", ["sales", "cs_sales", "gmo", "ts_lead"])
def test_initiation_allowed_for_holders(org, username):
    """§2 and §1: the initiator becomes the project's sales lead."""
    form = form_create(acting_user=org[username], kind="initiation", data={"project_name": "x"})
    assert form.project.sales_lead == org[username]
    assert form.project.stage == Stage.INITIATING


@pytest.mark.parametrize(
    "kind,allowed,refused,match",
    [
        ("presales", "sales", "cs_sales", "销售负责人"),
        ("early_start", "sales", "mkt_mgr", "销售负责人"),
        ("quotation", "sales", "presales", "销售负责人"),
        ("contract", "sales", "pmo", "销售负责人"),
        ("budget", "pmo", "sales", "项目管理部"),
        ("commission", "pmo_mgr", "dev_mgr", "项目管理部"),
        ("evaluation", "pmo", "pm", "项目管理部"),
        ("budget_change", "cost_dir", "gm", "成本总监"),
        ("final_accounts", "finance", "cost_dir", "财务部"),
        ("handover", None, "pmo", "项目经理"),
    ],
)
def test_who_may_start_each_form(org, initiated, kind, allowed, refused, match):
    refused_start(org[refused], kind, initiated, match)
    if allowed:
        # The allowed person is not refused: they either start the form or meet the gate.
        try:
            form_create(acting_user=org[allowed], kind=kind, project=initiated, data={})
        except Conflict as exc:
            assert exc.code == "precondition"


def test_sales_staff_of_the_department_may_act_for_the_lead(org, d, initiated):
    """A colleague in the sales lead's department (市场部 with the SALES role) may file forms."""
    colleague = org["sales"].__class__.objects.create_user(
        "sales2", password="x", department=org["sales"].department
    )
    from org.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=colleague, role=Role.objects.get(code="SALES"))
    form = form_create(
        acting_user=colleague,
        kind="presales",
        project=initiated,
        data={"work_content": "调研"},
    )
    assert form.submitter == colleague


# --- preconditions ------------------------------------------------------------------------


def test_presales_needs_an_initiated_project(org, d):
    """§6: 项目立项批准后 — an initiation in review is not enough."""
    form = d.initiate("在审项目", approve=False)
    refused_precondition(org["sales"], "presales", form.project, match="尚未立项")
    d.run(form, d.INITIATION_ROUTE)
    assert form_create(acting_user=org["sales"], kind="presales", project=form.project, data={})


def test_quotation_needs_a_signed_estimate_report(org, d, with_presales):
    """§12 §19(1): refused with no report, refused with an unsigned one, allowed once signed."""
    refused_precondition(org["sales"], "quotation", with_presales, match="估算报告")
    from projects.estimates import estimate_report_sign, estimate_report_upload

    attachment = pdf_upload(org["ts_mgr"], "估算.pdf")
    report = estimate_report_upload(
        acting_user=org["ts_mgr"], project_id=with_presales.pk, attachment_id=attachment.pk
    )
    refused_precondition(org["sales"], "quotation", with_presales, match="签字")
    estimate_report_sign(acting_user=org["presales"], report_id=report.pk)
    form = form_create(
        acting_user=org["sales"],
        kind="quotation",
        project=with_presales,
        data=d.quotation_data(report),
    )
    assert form.data["estimate_report"] == attachment.pk


def test_only_one_quotation_in_review_at_a_time(org, d, with_presales):
    report = d.estimate(with_presales)
    d.start("quotation", "sales", with_presales, d.quotation_data(report))
    refused_precondition(org["sales"], "quotation", with_presales, match="审批中")


def test_a_second_quotation_needs_a_reason_and_goes_to_the_sales_director(org, d, quoted):
    """§19(3): after approval a new estimate needs a new form with its reason, approved by the
    sales director."""
    data = d.quotation_data(quoted.report, quote="880000.00")
    form = form_create(acting_user=org["sales"], kind="quotation", project=quoted, data=data)
    with pytest.raises(Exception) as exc:
        form_submit(acting_user=org["sales"], form_id=form.pk)
    assert "重新估算原因" in exc.value.fields["reestimate_reason"]
    data["reestimate_reason"] = "客户增加两栋楼的布线"
    form = d.start("quotation", "sales", quoted, data)
    form = d.run(form, d.QUOTATION_FILLS + d.QUOTATION_REVIEW)
    assert form.status == FormStatus.APPROVED
    assert form.decisions.filter(decider=org["sales_dir"]).exists()


def test_quote_for_the_client_only_after_approval(org, d, with_presales):
    """§19(2): no quote leaves before the 报价审批表 is approved."""
    from projects.selectors import quote_for_client

    report = d.estimate(with_presales)
    form = d.start("quotation", "sales", with_presales, d.quotation_data(report))
    assert quote_for_client(with_presales) is None
    d.run(form, d.QUOTATION_FILLS + d.QUOTATION_REVIEW)
    assert str(quote_for_client(with_presales)) == "900000.00"


def test_budget_needs_an_approved_quotation_and_only_once(org, d, with_presales):
    """§17 §18: refused before the quote is approved; once approved, changes go through 成本总监."""
    refused_precondition(org["pmo"], "budget", with_presales, match="报价审批表")
    d.quotation(with_presales, d.estimate(with_presales))
    d.budget(with_presales)
    refused_precondition(org["pmo"], "budget", with_presales, match="预算变更")


def test_budget_change_needs_an_approved_budget(org, d, quoted):
    refused_precondition(org["cost_dir"], "budget_change", quoted, match="预算尚未批准")
    d.budget(quoted)
    assert form_create(acting_user=org["cost_dir"], kind="budget_change", project=quoted, data={})


def test_contract_needs_an_approved_quotation_and_budget(org, d, quoted):
    """§17 §21: the budget comes before the contract."""
    refused_precondition(org["sales"], "contract", quoted, match="项目预算表")
    d.budget(quoted)
    form = form_create(
        acting_user=org["sales"], kind="contract", project=quoted, data=d.contract_data("HT-9")
    )
    assert form.status == FormStatus.DRAFT


def test_commission_needs_a_contract_or_an_early_start(org, d, with_presales):
    """§9 §22: refused until the early start (or the contract) is approved."""
    refused_precondition(org["pmo"], "commission", with_presales, match="提前开工")
    d.early_start(with_presales)
    assert form_create(acting_user=org["pmo"], kind="commission", project=with_presales, data={})


@needs_payment_terms
def test_commission_after_the_signed_contract(org, d, budgeted):
    refused_precondition(org["pmo"], "commission", budgeted, match="合同")
    d.contract(budgeted, "HT-10")
    assert form_create(acting_user=org["pmo"], kind="commission", project=budgeted, data={})
    refused_precondition(org["sales"], "early_start", budgeted, match="合同已批准")
    refused_precondition(org["pmo"], "budget", budgeted, match="合同已批准")


def test_evaluation_needs_an_approved_commission(org, d, with_presales):
    """§26: evaluation comes after the implementation and the customer's final acceptance."""
    d.early_start(with_presales)
    refused_precondition(org["pmo"], "evaluation", with_presales, match="委托书")
    d.commission(with_presales)
    with_presales.refresh_from_db()
    refused_precondition(org["pmo"], "evaluation", with_presales, match="验收")
    accept_finally(org, with_presales)
    assert form_create(acting_user=org["pmo"], kind="evaluation", project=with_presales, data={})


@needs_payment_terms
@needs_final_accounts_gate
def test_final_accounts_need_every_payment_not_the_evaluation(org, d, budgeted):
    """§26–§27: refused while money is owed, allowed once collected whether or not the 项目评估
    is done; the contract amount must be the signed contract's."""
    d.contract(budgeted, "HT-11")
    d.commission(budgeted)
    budgeted.refresh_from_db()
    accept_finally(org, budgeted)
    refused_precondition(org["finance"], "final_accounts", budgeted, match="未")
    collect_everything(org, budgeted)
    prefill = final_accounts_prefill(budgeted)
    assert prefill["contract_amount"] == "900000.00"
    # the 项目委托书's split (DEV 100 %), not the budget's 40/60 [§23, §25]
    assert [row["ratio"] for row in prefill["performance_split"]] == ["100.00"]
    form = form_create(
        acting_user=org["finance"],
        kind="final_accounts",
        project=budgeted,
        data={
            "contract_amount": "800000.00",
            "received_amount": "800000.00",
            "costs": [{"category": "实施成本", "amount": "100000.00"}],
            "gross_profit": "700000.00",
            "performance_split": [{"department": d.depts["DEV"], "ratio": "100"}],
            "sales_commission": "1000.00",
        },
    )
    with pytest.raises(Exception) as exc:
        form_submit(acting_user=org["finance"], form_id=form.pk)
    assert "900,000.00" in exc.value.fields["contract_amount"]


def test_handover_needs_approved_final_accounts(org, d, with_presales):
    """§28: only after the final accounts; only the project manager fills it."""
    d.early_start(with_presales)
    d.commission(with_presales)
    archive = pdf_upload(org["pm"], "资料.pdf")
    refused_precondition(
        org["pm"], "handover", with_presales, {"archive": archive.pk}, match="项目决算表"
    )


def test_no_form_on_a_terminated_project(org, d, initiated):
    from projects.services import project_terminate

    project_terminate(acting_user=org["sales"], project_id=initiated.pk, reason="丢标")
    refused_precondition(org["sales"], "presales", initiated, match="终止")
