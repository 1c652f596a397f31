"""One money trail from quote to final accounts, through the real form engine: each form
pre-filled from the records before it, a changed figure needs its reason, the approved 决算表 is
the record, and 归档 waits for settled money and finished pre-sales work [§21–§28]."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from approvals.models import Form, FormStatus
from approvals.services import form_submit
from core.models import DomainEvent
from delivery.demo import accept_finally
from finance.models import CommissionRate, CostEntry
from finance.selectors import final_accounts
from finance.services import cost_entry_create, payment_record
from org.models import Department
from projects.demo import Driver, future
from sipm.errors import Conflict, InvalidInput

D = Decimal


@pytest.fixture
def d(org):
    return Driver(org)


@pytest.fixture
def api(org):
    def client_for(username):
        client = APIClient()
        client.force_authenticate(org[username])
        return client

    return client_for


@pytest.fixture
def budgeted(d):
    """Quote 900,000.00 (list 1,000,000.00, 120 man-days), budget 500k/50k/50k split
    市场部 40 % / 软件开发部 60 %."""
    project = d.initiate("资金链项目").project
    d.presales(project)
    d.quotation(project, d.estimate(project))
    d.budget(project)
    project.refresh_from_db()
    return project


@pytest.fixture
def signed(d, budgeted):
    d.contract(budgeted, "HT-MONEY-001")
    budgeted.refresh_from_db()
    return budgeted


def _dept(code):
    return Department.objects.get(code=code).pk


def commission_data(d, **overrides):
    data = {
        "end_date": future(120),
        "members": [d.u["staff"].pk, d.u["presales"].pk],
        "dept_manager": d.u["dev_mgr"].pk,
        "project_manager": d.u["pm"].pk,
        "performance_split": [
            {"department": _dept("DEV"), "ratio": "70"},
            {"department": _dept("TS"), "ratio": "30"},
        ],
        "change_reasons": [{"field": "performance_split", "reason": "技术服务部参与实施"}],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def commissioned(d, signed):
    form = d.start("commission", "pmo", signed, commission_data(d))
    d.run(form, [("pm", None), ("dev_mgr", None), ("tech_lead", None)])
    signed.refresh_from_db()
    return signed


def collect_all(org, project):
    for term in project.payment_terms.order_by("position"):
        payment_record(
            acting_user=org["finance"],
            project_id=project.pk,
            term=term.pk,
            amount=str(term.amount),
            date=future(0),
        )


def book(org, project, category, amount):
    return cost_entry_create(
        acting_user=org["finance"],
        project_id=project.pk,
        category=category,
        date=future(0),
        amount=amount,
    )


# --- 合同审批表 from the quotation [§21] ----------------------------------------------------------


def test_contract_is_prefilled_from_the_approved_quotation_and_shows_it(org, d, budgeted, api):
    quotation = Form.objects.get(project=budgeted, kind="quotation", status=FormStatus.APPROVED)
    # given the new-contract page: it opens with the quote as the contract amount
    client = api("sales")
    # when the contract is created through the API without its amount
    body = client.post(
        "/api/v1/forms/",
        {"kind": "contract", "project": budgeted.pk, "data": {"contract_no": "HT-X-1"}},
        format="json",
    ).json()
    # then the amount is filled in and the draft shows the quotation beside it
    data = client.get(f"/api/v1/forms/{body['id']}/").json()["data"]
    assert data["contract_amount"] == "900000.00"
    assert data["quotation"] == quotation.pk
    rows = {r["item"]: r for r in data["quote_comparison"]}
    assert rows["表单"]["quotation"] == quotation.number
    assert rows["金额（对外报价 / 合同金额）"]["quotation"] == "¥900,000.00"
    assert rows["折扣率"]["contract"] == "90.00%"
    assert data["prefilled"][0]["field"] == "contract_amount"
    assert data["changes"] == [] if "changes" in data else True


def test_a_changed_contract_amount_needs_a_reason_shown_in_the_form(org, d, budgeted):
    data = d.contract_data("HT-X-2", amount="850000.00")
    form = d.start("contract", "sales", budgeted, data, submit=False)
    assert form.data["changes"][0]["field"] == "contract_amount"
    assert form.data["changes"][0]["prefilled"] == "¥900,000.00"
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["sales"], form_id=form.pk)
    assert "change_reasons" in exc.value.fields
    # with the reason it goes, and approvers see it in the form's data (and so in the PDF)
    from approvals.services import form_update

    form_update(
        acting_user=org["sales"],
        form_id=form.pk,
        data={"change_reasons": [{"field": "contract_amount", "reason": "客户议价后让利"}]},
    )
    form = form_submit(acting_user=org["sales"], form_id=form.pk)
    assert form.data["changes"][0]["reason"] == "客户议价后让利"
    assert form.data["quote_comparison"][3]["contract"] == "-¥50,000.00"


def test_contract_pdf_shows_the_quotation_side_by_side_and_the_reason(org, d, budgeted):
    import io

    from pypdf import PdfReader

    from approvals.selectors import form_detail_queryset
    from documents.render import render_pdf

    data = d.contract_data("HT-X-3", amount="880000.00")
    data["change_reasons"] = [{"field": "contract_amount", "reason": "客户议价后让利"}]
    form = d.start("contract", "sales", budgeted, data)
    form = d.run(form, d.CONTRACT_ROUTE)
    pdf = render_pdf(form_detail_queryset().get(pk=form.pk))
    from pathlib import Path

    from django.conf import settings

    out = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    (out / "money-contract.pdf").write_bytes(pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    quotation = Form.objects.get(project=budgeted, kind="quotation", status=FormStatus.APPROVED)
    assert "报价审批表与合同对照" in text
    assert quotation.number in text
    assert "客户议价后让利" in text
    assert "880,000.00" in text and "900,000.00" in text


# --- 项目委托书 [§22–§25] ----------------------------------------------------------------------


def test_commission_is_prefilled_from_budget_and_contract(org, d, signed, api):
    client = api("pmo")
    body = client.post(
        "/api/v1/forms/", {"kind": "commission", "project": signed.pk, "data": {}}, format="json"
    ).json()
    data = client.get(f"/api/v1/forms/{body['id']}/").json()["data"]
    assert data["implementation_fee"] == "500000.00"
    assert data["man_days"] == "120.00"
    assert data["performance_split"] == [
        {"department": _dept("MKT"), "ratio": "40.00"},
        {"department": _dept("DEV"), "ratio": "60.00"},
    ]
    contract = Form.objects.get(project=signed, kind="contract")
    from finance.selectors import contract_signed_on

    assert data["start_date"] == contract_signed_on(contract).isoformat()


def test_commission_needs_members(org, d, signed):
    form = d.start("commission", "pmo", signed, commission_data(d, members=None), submit=False)
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["pmo"], form_id=form.pk)
    assert "members" in exc.value.fields


def test_every_implementing_department_needs_a_share(org, d, signed):
    # given a team of 软件开发部 (pm, staff) and 技术服务部 (presales) with only DEV's share
    data = commission_data(
        d,
        performance_split=[{"department": _dept("DEV"), "ratio": "100"}],
    )
    form = d.start("commission", "pmo", signed, data, submit=False)
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["pmo"], form_id=form.pk)
    assert "技术服务部" in exc.value.fields["performance_split"]


def test_shares_must_add_up_to_100(org, d, signed):
    data = commission_data(
        d,
        performance_split=[
            {"department": _dept("DEV"), "ratio": "70"},
            {"department": _dept("TS"), "ratio": "20"},
        ],
    )
    form = d.start("commission", "pmo", signed, data, submit=False)
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["pmo"], form_id=form.pk)
    assert "100%" in exc.value.fields["performance_split"]


# --- 决算表 [§26–§27] -------------------------------------------------------------------------


def test_final_accounts_start_when_money_is_in_without_the_evaluation(org, d, commissioned, api):
    # given costs in two categories and all money collected; no 项目评估 at all
    CommissionRate.objects.create(min_margin_pct=D("0"), rate=D("2.00"))
    CommissionRate.objects.create(min_margin_pct=D("30"), rate=D("5.00"))
    book(org, commissioned, "implementation", "300000.10")
    book(org, commissioned, "purchase", "120000.00")
    collect_all(org, commissioned)
    # when 财务部 creates the 决算表 with nothing typed
    client = api("finance")
    response = client.post(
        "/api/v1/forms/",
        {"kind": "final_accounts", "project": commissioned.pk, "data": {}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = client.get(f"/api/v1/forms/{response.json()['id']}/").json()["data"]
    # then every figure is filled in from the records
    assert data["contract_amount"] == "900000.00"
    assert data["received_amount"] == "900000.00"
    assert data["costs"] == [
        {"category": "实施成本", "amount": "300000.10"},
        {"category": "外购成本", "amount": "120000.00"},
    ]
    assert data["gross_profit"] == "479999.90"
    assert data["performance_split"] == [
        {"department": _dept("DEV"), "ratio": "70.00"},
        {"department": _dept("TS"), "ratio": "30.00"},
    ]
    # margin 53.33 % → the 30 % tier: 5 % of the margin
    assert data["sales_commission"] == "24000.00"
    assert "≥ 30.00%" in data["commission_tier"]
    assert data["evaluation_state"] == "项目评估尚未发起"
    assert all(r["difference"] == "0.00" for r in data["reconciliation"])
    # and it submits as it is
    submitted = client.post(f"/api/v1/forms/{response.json()['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200, submitted.json()


def test_costs_that_differ_from_the_ledger_are_named(org, d, commissioned):
    book(org, commissioned, "implementation", "1000.00")
    collect_all(org, commissioned)
    data = {
        "costs": [{"category": "实施成本", "amount": "1200.00"}],
        "gross_profit": "898800.00",
        "change_reasons": [
            {"field": "costs", "reason": "补记外包费"},
            {"field": "gross_profit", "reason": "随成本调整"},
        ],
    }
    form = d.start("final_accounts", "finance", commissioned, data, submit=False)
    rec = form.data["reconciliation"][0]
    assert (rec["ledger"], rec["form"], rec["difference"]) == ("1000.00", "1200.00", "200.00")
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["finance"], form_id=form.pk)
    assert "实施成本" in exc.value.fields["costs"]
    # a note on the row explains the difference: then it goes
    from approvals.services import form_update

    data["costs"][0]["note"] = "外包费发票未入账，已另行登记"
    form_update(acting_user=org["finance"], form_id=form.pk, data=data)
    form_submit(acting_user=org["finance"], form_id=form.pk)


def test_unknown_cost_category_is_refused(org, d, commissioned):
    collect_all(org, commissioned)
    data = {
        "costs": [{"category": "茶水费", "amount": "10.00"}],
        "change_reasons": [
            {"field": "costs", "reason": "x"},
            {"field": "gross_profit", "reason": "x"},
        ],
    }
    form = d.start("final_accounts", "finance", commissioned, data, submit=False)
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=org["finance"], form_id=form.pk)
    assert "茶水费" in exc.value.fields["costs"]


def _approve_final(d, project, data=None):
    form = d.start("final_accounts", "finance", project, data or {})
    chain = list(form.steps.filter(round=form.round).order_by("order"))
    for step in chain:
        assignee = step.assignees.first()
        if assignee is None:
            continue
        form = d.decide_step(form, assignee.user.username)
    form.refresh_from_db()
    assert form.status == FormStatus.APPROVED, [s.name for s in chain]
    return form


def test_approved_final_accounts_are_the_record(org, d, commissioned, api):
    book(org, commissioned, "implementation", "100000.00")
    collect_all(org, commissioned)
    # given a 决算表 approved with DEV 70 / MKT 30 and a commission of 9000.00
    data = {
        "performance_split": [
            {"department": _dept("DEV"), "ratio": "70"},
            {"department": _dept("MKT"), "ratio": "30"},
        ],
        "sales_commission": "9000.00",
        "change_reasons": [
            {"field": "performance_split", "reason": "市场部承担客户维护"},
            {"field": "sales_commission", "reason": "总经理特批"},
        ],
    }
    form = _approve_final(d, commissioned, data)
    # then the API reads the figures from it, not from the budget or the tier table
    body = api("finance").get(f"/api/v1/projects/{commissioned.pk}/final-accounts/").json()
    assert body["source"] == "final_accounts"
    assert body["form"]["number"] == form.number
    assert [(x["department"], x["amount"]) for x in body["departments"]] == [
        ("软件开发部", "630000.00"),
        ("市场部", "270000.00"),
    ]
    assert body["commission"]["amount"] == "9000.00"
    # a cost booked after the approval does not change the record; the ledger column shows it
    book(org, commissioned, "implementation", "5.00")
    fa = final_accounts(commissioned)
    assert fa["total_cost"] == D("100000.00")
    assert fa["total_ledger"] == D("100005.00")
    # and the page says so
    from django.test import Client

    client = Client()
    client.force_login(org["finance"])
    page = client.get(f"/projects/{commissioned.pk}/final-accounts/").content.decode()
    assert "已批准的决算表" in page and form.number in page
    assert "项目评估尚未发起" in page


def test_proposal_takes_the_commission_split_not_the_budget(org, d, commissioned):
    fa = final_accounts(commissioned)
    assert fa["source"] == "proposal"
    assert [(x["department"], x["ratio"]) for x in fa["departments"]] == [
        ("软件开发部", D("70")),
        ("技术服务部", D("30")),
    ]


def test_final_accounts_refused_while_money_is_owed(org, d, commissioned, api):
    response = api("finance").post(
        "/api/v1/forms/",
        {"kind": "final_accounts", "project": commissioned.pk, "data": {}},
        format="json",
    )
    assert response.status_code == 409
    assert "尚未全部收回" in response.json()["message"]


# --- events -------------------------------------------------------------------------------


def test_money_writes_emit_events(org, d, commissioned):
    book(org, commissioned, "implementation", "10.00")
    collect_all(org, commissioned)
    kinds = list(
        DomainEvent.objects.filter(project_id=commissioned.pk).values_list("kind", flat=True)
    )
    assert "payment_terms.synced" in kinds
    assert "cost.recorded" in kinds
    assert kinds.count("payment.recorded") == 2
    assert kinds.count("payments.all_collected") == 1
    _approve_final(d, commissioned)
    event = DomainEvent.objects.get(project_id=commissioned.pk, kind="final_accounts.approved")
    assert event.payload["contract_amount"] == "900000.00"


def test_a_failed_payment_emits_nothing(org, commissioned):
    term = commissioned.payment_terms.first()
    with pytest.raises(InvalidInput):
        payment_record(
            acting_user=org["finance"],
            project_id=commissioned.pk,
            term=term.pk,
            amount="999999999.00",
            date=future(0),
        )
    assert not DomainEvent.objects.filter(
        project_id=commissioned.pk, kind="payment.recorded"
    ).exists()


# --- 归档 [§28] -------------------------------------------------------------------------------


def test_no_archive_with_open_presales_work_or_unsettled_money(org, d, commissioned):
    from projects.gates import archive_refusal

    accept_finally(org, commissioned)  # the customer's final acceptance ends 实施 [§26]
    # money owed
    assert "决算表" in archive_refusal(commissioned)
    collect_all(org, commissioned)
    _approve_final(d, commissioned)
    # the evaluation is still missing
    assert "项目评估" in archive_refusal(commissioned)
    evaluation = d.start(
        "evaluation", "pmo", commissioned, {"conclusion": "good", "score": "90", "opinion": "好"}
    )
    for step in evaluation.steps.filter(round=evaluation.round).order_by("order"):
        assignee = step.assignees.first()
        if assignee is not None:
            evaluation = d.decide_step(evaluation, assignee.user.username)
    # the 售前工作记录 is still 待填写
    message = archive_refusal(commissioned)
    presales = Form.objects.get(project=commissioned, kind="presales")
    assert presales.number in message and "售前" in message
    from projects.presales import presales_record_work

    presales_record_work(
        acting_user=org["presales"], form_id=presales.pk, work_record="完成调研与方案"
    )
    assert archive_refusal(commissioned) is None
    # a cost booked after the 决算表 unsettles the money again
    book(org, commissioned, "purchase", "1.00")
    assert "不一致" in archive_refusal(commissioned)


def test_handover_without_items_is_refused(org, d, commissioned):
    from projects.forms.closeout import validate_handover

    assert "items" in validate_handover({"items": []})
    assert validate_handover({"items": [{"name": "文档", "count": 1}]}) == {}


def test_handover_approval_rechecks_the_archive_conditions(org, monkeypatch, commissioned):
    from projects.forms import closeout

    monkeypatch.setattr(closeout.gates, "archive_refusal", lambda project: "还有未结事项")
    form = Form(project=commissioned, kind="handover")
    with pytest.raises(Conflict):
        closeout.handover_approved(form=form, acting_user=org["pm"], when=None)


def test_cost_entries_keep_their_category(org, commissioned):
    entry = book(org, commissioned, "management", "12.34")
    assert CostEntry.objects.get(pk=entry.pk).category_label == "过程管理成本"


def test_gm_sees_the_quotation_beside_the_contract_on_the_form_page(org, d, budgeted):
    from django.test import Client

    quotation = Form.objects.get(project=budgeted, kind="quotation", status=FormStatus.APPROVED)
    form = d.start("contract", "sales", budgeted, d.contract_data("HT-X-4"))
    form = d.run(form, d.CONTRACT_ROUTE[:-1])  # every review before the GM's
    client = Client()
    client.force_login(org["gm"])
    page = client.get(f"/forms/{form.pk}/").content.decode()
    assert "报价审批表与合同对照" in page
    assert quotation.number in page
    assert "¥900,000.00" in page
