"""Each kind's validation: a bad value gives an error that names the field, and nothing is
saved or changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Form, FormStatus
from approvals.services import form_create, form_decide, form_submit, form_update
from delivery.demo import accept_finally
from projects.demo import future, pdf_upload
from projects.models import Project
from sipm.errors import InvalidInput

pytestmark = pytest.mark.django_db


def past(days=1):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def refused_create(user, kind, data, field, label, project=None):
    forms, projects = Form.objects.count(), Project.objects.count()
    with pytest.raises(InvalidInput) as exc:
        form_create(acting_user=user, kind=kind, project=project, data=data)
    assert field in exc.value.fields, exc.value.fields
    assert label in exc.value.fields[field]
    assert (Form.objects.count(), Project.objects.count()) == (forms, projects)
    return exc.value


def refused_submit(user, form, field, label):
    form.refresh_from_db()
    before = (form.status, form.revision, form.round)
    with pytest.raises(InvalidInput) as exc:
        form_submit(acting_user=user, form_id=form.pk)
    assert field in exc.value.fields, exc.value.fields
    assert label in exc.value.fields[field]
    form.refresh_from_db()
    assert (form.status, form.revision, form.round) == before
    assert not form.steps.exists()
    return exc.value


# --- 立项书 [§5] ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value,label",
    [
        ("success_rate", "120", "项目预计成功率"),
        ("success_rate", "-1", "项目预计成功率"),
        ("estimated_amount", "-5", "项目预计合同金额"),
        ("estimated_amount", "1.234", "项目预计合同金额"),
        ("presales_budget", "abc", "预计售前费用"),
        ("expected_sign_date", "2026-02-30", "项目预计合同签订时间"),
        ("is_special", "maybe", "特殊项目"),
    ],
)
def test_initiation_bad_values_are_named_and_nothing_is_created(org, d, field, value, label):
    data = {**d.initiation_data("坏数据"), field: value}
    refused_create(org["sales"], "initiation", data, field, label)


def test_initiation_requires_every_field_of_clause_5(org):
    """§5: the salesperson must fill name, client, address, contact, summary, amount, funding,
    success rate and expected signing date (plus feasibility and pre-sales budget, §1)."""
    form = form_create(acting_user=org["sales"], kind="initiation", data={"project_name": "空"})
    error = refused_submit(org["sales"], form, "client_name", "客户单位名称")
    assert set(error.fields) == {
        "client_name",
        "client_address",
        "client_contact",
        "client_phone",
        "summary",
        "estimated_amount",
        "client_funding",
        "success_rate",
        "expected_sign_date",
        "feasibility",
        "presales_budget",
    }


@pytest.mark.parametrize(
    "field,value,label",
    [
        ("expected_sign_date", past(), "项目预计合同签订时间"),
        ("estimated_amount", "0", "项目预计合同金额"),
        ("client_phone", "call me", "联系电话"),
    ],
)
def test_initiation_cross_checks_on_submit(org, d, field, value, label):
    form = form_create(
        acting_user=org["sales"],
        kind="initiation",
        data={**d.initiation_data("跨字段"), field: value},
    )
    refused_submit(org["sales"], form, field, label)


def test_a_field_the_submitter_does_not_own_is_refused(org, d, with_presales):
    """§13: sales may not fill 外购成本 — that is 综合管理部's."""
    report = d.estimate(with_presales)
    data = {**d.quotation_data(report), "purchase_cost": "1.00"}
    refused_create(org["sales"], "quotation", data, "purchase_cost", "不能由您填写", with_presales)


# --- 售前支持 / 提前开工 -----------------------------------------------------------------------


def test_presales_required_by_may_not_be_past(org, initiated):
    form = form_create(
        acting_user=org["sales"],
        kind="presales",
        project=initiated,
        data={"work_content": "调研", "required_by": past()},
    )
    refused_submit(org["sales"], form, "required_by", "时间要求")


def test_presales_fill_step_requires_the_lead(org, d, initiated):
    """§6: 技术服务部 must name the pre-sales lead before approving its step."""
    form = d.start(
        "presales", "sales", initiated, {"work_content": "调研", "required_by": future(5)}
    )
    d.decide_step(form, "mkt_mgr")
    with pytest.raises(InvalidInput) as exc:
        form_decide(acting_user=org["ts_mgr"], form_id=form.pk, decision="approve")
    assert "售前负责人" in exc.value.fields["presales_lead"]
    form.refresh_from_db()
    assert form.current_step == 2


@pytest.mark.parametrize(
    "data,field,label",
    [
        ({"duration_days": 0}, "duration_days", "提前实施工期"),
        ({"man_day_cost": "-100"}, "man_day_cost", "工日成本"),
        ({"man_days": "x"}, "man_days", "工日"),
    ],
)
def test_early_start_bad_values(org, with_presales, data, field, label):
    base = {"duration_days": 10, "man_days": "20", "man_day_cost": "1000"}
    refused_create(org["sales"], "early_start", {**base, **data}, field, label, with_presales)


def test_early_start_man_days_must_be_positive(org, with_presales):
    form = form_create(
        acting_user=org["sales"],
        kind="early_start",
        project=with_presales,
        data={"duration_days": 10, "man_days": "0", "man_day_cost": "1000"},
    )
    refused_submit(org["sales"], form, "man_days", "工日")


# --- 报价 / 预算 / 预算变更 ---------------------------------------------------------------------


def test_quotation_money_is_checked(org, d, with_presales):
    report = d.estimate(with_presales)
    data = d.quotation_data(report, quote="12.345")
    refused_create(org["sales"], "quotation", data, "quote_amount", "对外报价金额", with_presales)


def test_quotation_must_cite_a_signed_report_of_its_project(org, d, with_presales):
    """§19(1): any other file, or a report not yet signed, is refused by name."""
    d.estimate(with_presales)
    other = pdf_upload(org["sales"], "自拟估算.pdf")
    form = form_create(
        acting_user=org["sales"],
        kind="quotation",
        project=with_presales,
        data={**d.quotation_data(d.estimate(with_presales)), "estimate_report": other.pk},
    )
    refused_submit(org["sales"], form, "estimate_report", "项目估算报告")


def test_quotation_derives_the_discount_rate(org, d, with_presales):
    from approvals.kinds import get_kind

    kind = get_kind("quotation")
    assert kind.derived({"list_price": "1000000.00", "quote_amount": "800000.00"}) == {
        "discount_rate": "80.00"
    }
    assert kind.derived({"list_price": "0", "quote_amount": "1"}) == {}


@pytest.mark.parametrize(
    "split,message",
    [
        ([("MKT", {"ratio": "40"}), ("DEV", {"ratio": "50"})], "100%"),
        ([("MKT", {"ratio": "40"}), ("DEV", {"amount": "360000"})], "统一"),
        ([("MKT", {"ratio": "50"}), ("MKT", {"ratio": "50"})], "部门重复"),
        ([("MKT", {"amount": "100000"}), ("DEV", {"amount": "100000"})], "600,000.00"),
        ([("MKT", {"ratio": "50", "amount": "1"}), ("DEV", {"ratio": "50"})], "其中一项"),
    ],
)
def test_budget_performance_split_must_add_up(org, d, quoted, split, message):
    """§17: the split adds up to 100% or to the budget total (three costs)."""
    rows = [{"department": d.depts[code], **share} for code, share in split]
    form = form_create(
        acting_user=org["pmo"],
        kind="budget",
        project=quoted,
        data={**d.budget_data(), "performance_split": rows},
    )
    error = refused_submit(org["pmo"], form, "performance_split", "部门业绩分配")
    assert message in error.fields["performance_split"]


def test_budget_split_by_amount_matching_the_total_passes(org, d, quoted):
    rows = [
        {"department": d.depts["MKT"], "amount": "240000.00"},
        {"department": d.depts["DEV"], "amount": "360000.00"},
    ]
    form = form_create(
        acting_user=org["pmo"],
        kind="budget",
        project=quoted,
        data={**d.budget_data(), "performance_split": rows},
    )
    assert form_submit(acting_user=org["pmo"], form_id=form.pk).status == FormStatus.IN_REVIEW


def test_budget_change_must_change_something_and_say_why(org, d, budgeted):
    form = form_create(
        acting_user=org["cost_dir"], kind="budget_change", project=budgeted, data=d.budget_data()
    )
    refused_submit(org["cost_dir"], form, "reason", "变更原因")
    form_update(acting_user=org["cost_dir"], form_id=form.pk, data={"reason": "复核"})
    refused_submit(org["cost_dir"], form, "implementation_cost", "相同")


# --- 合同 / 委托 -------------------------------------------------------------------------------


@pytest.fixture
def contract_ready(d, budgeted):
    return budgeted


def test_contract_payment_terms_must_add_up_to_the_amount(org, d, contract_ready):
    data = d.contract_data("HT-1")
    data["payment_terms"][1]["amount"] = "1.00"
    form = form_create(acting_user=org["sales"], kind="contract", project=contract_ready, data=data)
    error = refused_submit(org["sales"], form, "payment_terms", "付款条款")
    assert "900,000.00" in error.fields["payment_terms"]


def test_contract_payment_due_dates_not_before_signing(org, d, contract_ready):
    data = d.contract_data("HT-2")
    data["payment_terms"][0]["due_date"] = past(30)
    form = form_create(acting_user=org["sales"], kind="contract", project=contract_ready, data=data)
    refused_submit(org["sales"], form, "payment_terms", "签订日期")


@pytest.mark.parametrize(
    "row,label",
    [
        ({"milestone": "首付", "amount": "0"}, "金额"),
        ({"amount": "100"}, "节点"),
        ({"milestone": "首付", "amount": "100", "due_date": "明天"}, "预计日期"),
    ],
)
def test_contract_row_values_are_checked(org, d, contract_ready, row, label):
    data = {**d.contract_data("HT-3"), "payment_terms": [row]}
    error = refused_create(
        org["sales"], "contract", data, "payment_terms", "付款条款", contract_ready
    )
    assert label in error.fields["payment_terms"]


@pytest.mark.parametrize(
    "change,field,label",
    [
        ({"end_date": past(400)}, "end_date", "实施结束日期"),
        ({"man_days": "0"}, "man_days", "实施工日"),
        ({"dept_manager": "staff"}, "dept_manager", "受托部门经理"),
        (
            {"performance_split": [("DEV", {"amount": "1000.00"})]},
            "performance_split",
            "部门业绩划分",
        ),
    ],
)
def test_commission_cross_checks(org, d, with_presales, change, field, label):
    """§23 §25: period in order, man-days > 0, the 受托方 manager manages a department, and the
    shares add up to the implementation fee."""
    d.early_start(with_presales)
    data = d.commission_data()
    if "dept_manager" in change:
        data["dept_manager"] = org[change["dept_manager"]].pk
    elif "performance_split" in change:
        data["performance_split"] = [
            {"department": d.depts[c], **share} for c, share in change["performance_split"]
        ]
    else:
        data.update(change)
        data["start_date"] = past(1) if field == "end_date" else data["start_date"]
    form = form_create(acting_user=org["pmo"], kind="commission", project=with_presales, data=data)
    refused_submit(org["pmo"], form, field, label)


# --- 评估 / 决算 / 移交 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,field,label",
    [
        ({"score": "101"}, "score", "评分"),
        ({"score": "-1"}, "score", "评分"),
        ({"conclusion": "brilliant"}, "conclusion", "评估结论"),
    ],
)
def test_evaluation_values(org, d, with_presales, data, field, label):
    d.early_start(with_presales)
    d.commission(with_presales)
    with_presales.refresh_from_db()
    accept_finally(org, with_presales)  # §26: evaluated after the final acceptance
    base = {"conclusion": "good", "score": "80", "opinion": "良好"}
    refused_create(org["pmo"], "evaluation", {**base, **data}, field, label, with_presales)


def test_final_accounts_figures_must_be_consistent():
    """§27: all collected, gross profit = contract − costs, commission within the profit."""
    from approvals.kinds import get_kind

    validate = get_kind("final_accounts").validate
    errors = validate(
        {
            "contract_amount": "100.00",
            "received_amount": "90.00",
            "costs": [{"category": "实施", "amount": "30.00"}],
            "gross_profit": "80.00",
            "sales_commission": "500.00",
        }
    )
    assert "已收款" in errors["received_amount"]
    assert "70.00" in errors["gross_profit"]
    assert "销售提成" in errors["sales_commission"]


def test_initiation_text_length_is_limited(org, d):
    data = {**d.initiation_data("x"), "client_name": "x" * 201}
    refused_create(org["sales"], "initiation", data, "client_name", "客户单位名称")


@pytest.mark.parametrize(
    "row,message",
    [({"name": "光盘", "count": 0}, "数量"), ({"count": 1}, "名称")],
)
def test_handover_items_are_checked(row, message):
    """§28: each handed-over item has a name and a count of at least 1."""
    from approvals.fields import FieldError, clean_value
    from approvals.kinds import get_kind

    items = get_kind("handover").field("items")
    with pytest.raises(FieldError, match=message):
        clean_value(items, [row])
