"""The seeded chains route each form to the people the policy names, in the demo organisation."""

import pytest

from approvals.kinds import get_kind
from approvals.models import ChainStepTemplate, ChainTemplate, Form, FormStatus
from approvals.routing import preview
from projects.forms import KIND_ORDER

pytestmark = pytest.mark.django_db


def route(org, kind, submitter, project=None, data=None):
    """[(step name, step kind, applies, {usernames})] for a form as it would be routed now."""
    user = org[submitter]
    form = Form(
        kind=kind, project=project, data=data or {}, submitter=user, department=user.department
    )
    chain = ChainTemplate.objects.get(kind=kind, is_active=True)
    rows = preview(form, get_kind(kind), chain.steps.order_by("order"))
    names = {u.pk: u.username for u in org.values()}
    return [
        (r["name"], r["kind"], r["applies"], {names[a["id"]] for a in r["assignees"]}) for r in rows
    ]


def people(rows):
    return [who for _name, _kind, applies, who in rows if applies]


def test_every_kind_has_an_active_seeded_chain(db):
    assert set(KIND_ORDER) == {k for k in KIND_ORDER if get_kind(k, missing_ok=True)}
    for kind in KIND_ORDER:
        chain = ChainTemplate.objects.get(kind=kind, is_active=True)
        assert chain.version == 1
        assert chain.steps.exists()
        for step in chain.steps.all():
            assert set(step.fill_fields) <= {f.name for f in get_kind(kind).fields}


def test_initiation_route_and_the_special_project_rule(org, d):
    """§1: 部门经理 → 成本总监 → 分管销售总监; 总经理 only for a special project or one over
    5 million."""
    data = d.initiation_data("x")
    assert people(route(org, "initiation", "sales", data=data)) == [
        {"mkt_mgr"},
        {"cost_dir"},
        {"sales_dir"},
    ]
    assert people(route(org, "initiation", "sales", data={**data, "is_special": True}))[-1] == {
        "gm"
    }
    big = {**data, "estimated_amount": "5000000.01"}
    assert people(route(org, "initiation", "sales", data=big))[-1] == {"gm"}
    # A 技术服务部 supervisor's initiation goes to the TS manager first.
    assert people(route(org, "initiation", "ts_lead", data=data))[0] == {"ts_mgr"}


def test_presales_route(org, initiated):
    """§6: 部门经理 signs, 技术服务部 names the lead (fill step), 技术团队负责人 approves."""
    rows = route(org, "presales", "sales", initiated)
    assert [(kind, who) for _n, kind, _a, who in rows] == [
        ("single", {"mkt_mgr"}),
        ("fill", {"ts_mgr"}),
        ("single", {"tech_lead"}),
    ]
    chain = ChainTemplate.objects.get(kind="presales", is_active=True)
    assert chain.steps.get(order=2).fill_fields == ["presales_lead", "presales_team"]


def test_early_start_route(org, with_presales):
    """§9 §11: 售前负责人 confirms, 销售总监 fills the date and risk, 项目管理部 the arrangement,
    技术团队负责人, then 总经理."""
    rows = route(org, "early_start", "sales", with_presales)
    assert people(rows) == [
        {"presales"},
        {"sales_dir"},
        {"pmo", "pmo_mgr"},
        {"tech_lead"},
        {"gm"},
    ]
    fills = ChainStepTemplate.objects.filter(template__kind="early_start").order_by("order")
    assert [s.fill_fields for s in fills] == [
        [],
        ["expected_sign_date", "risk_owner"],
        ["arrangement"],
        [],
        [],
    ]


def test_quotation_route_and_the_discount_rule(org, initiated):
    """§13–§15: PMO and 综合管理部 fill in; the managers concerned countersign; 技术团队负责人;
    销售总监; 总经理 only below the director's 85% discount authority."""
    data = {"list_price": "1000000.00", "quote_amount": "900000.00"}
    rows = route(org, "quotation", "sales", initiated, data)
    assert [kind for _n, kind, _a, _w in rows] == [
        "fill",
        "fill",
        "all",
        "single",
        "single",
        "single",
    ]
    assert people(rows) == [
        {"pmo", "pmo_mgr"},
        {"admin_dept"},
        {"mkt_mgr", "ts_mgr", "pmo_mgr", "admin_dept"},
        {"tech_lead"},
        {"sales_dir"},
    ]
    low = route(org, "quotation", "sales", initiated, {**data, "quote_amount": "800000.00"})
    name, _kind, applies, who = low[-1]
    assert applies and who == {"gm"}
    assert "总经理" in name


def test_budget_route_countersigned_by_three_directors(org, quoted):
    """§17: 技术团队负责人、销售总监、成本总监 all sign, in any order; then 总经理."""
    rows = route(org, "budget", "pmo", quoted)
    assert rows[0][1] == "all"
    assert people(rows) == [{"tech_lead", "sales_dir", "cost_dir"}, {"gm"}]


def test_budget_change_route(org, quoted):
    """§18: 成本总监 starts, 总经理 approves (1 working day)."""
    rows = route(org, "budget_change", "cost_dir", quoted)
    assert people(rows) == [{"gm"}]
    assert ChainStepTemplate.objects.get(template__kind="budget_change").sla_days == 1


def test_contract_route(org, quoted):
    """§21: 销售部门 → 软件开发部 → 项目管理部 → 销售总监 → 技术团队负责人 → 总经理."""
    assert people(route(org, "contract", "sales", quoted)) == [
        {"mkt_mgr"},
        {"dev_mgr"},
        {"pmo_mgr"},
        {"sales_dir"},
        {"tech_lead"},
        {"gm"},
    ]


def test_commission_route_signed_by_the_trustees(org, d, initiated):
    """§22 §23: the 受托方 (project manager and department manager named in the form) sign, then
    技术团队负责人 approves within 2 working days."""
    data = d.commission_data()
    rows = route(org, "commission", "pmo", initiated, data)
    assert rows[0][1] == "all"
    assert people(rows) == [{"pm", "dev_mgr"}, {"tech_lead"}]
    assert ChainStepTemplate.objects.get(template__kind="commission", order=2).sla_days == 2


def test_closeout_routes(org, initiated):
    """§26–§28: evaluation to the PMO manager; final accounts to 成本总监 and 总经理; handover
    received by 项目管理部."""
    assert people(route(org, "evaluation", "pmo", initiated)) == [{"pmo_mgr"}]
    assert people(route(org, "final_accounts", "finance", initiated)) == [{"cost_dir"}, {"gm"}]
    assert people(route(org, "handover", "pm", initiated)) == [{"pmo", "pmo_mgr"}]


def test_a_new_chain_version_applies_to_new_forms(org, d, initiated):
    """§10: the pre-sales process follows company rules — admins change the chain as data, and
    new submissions use the new version while earlier ones keep theirs."""
    first = d.start(
        "presales", "sales", initiated, {"work_content": "a", "required_by": "2099-01-01"}
    )
    old = ChainTemplate.objects.get(kind="presales", is_active=True)
    old.is_active = False
    old.save()
    new = ChainTemplate.objects.create(kind="presales", version=2, name="售前支持审批 v2")
    ChainStepTemplate.objects.create(
        template=new,
        order=1,
        name="技术服务部拟定售前负责人",
        role_label="技术服务部经理",
        kind="fill",
        approvers="dept_manager:TS",
        fill_fields=["presales_lead"],
    )
    d.decide_step(first, "mkt_mgr")
    first.refresh_from_db()
    assert first.chain == old and first.current_step == 2
    d.decide_step(first, "ts_mgr", data={"presales_lead": org["presales"].pk})
    d.decide_step(first, "tech_lead")
    first.refresh_from_db()
    assert first.status == FormStatus.APPROVED

    second = d.start(
        "presales", "sales", initiated, {"work_content": "b", "required_by": "2099-01-01"}
    )
    assert second.chain == new
    d.decide_step(second, "ts_mgr", data={"presales_lead": org["ts_lead"].pk})
    second.refresh_from_db()
    assert second.status == FormStatus.APPROVED
