"""A form kind with every field type, its chain, and forms taken through the real engine."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services
from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register, unregister
from approvals.models import ChainStepTemplate, ChainTemplate, StepKind
from core.models import Attachment
from org.models import Delegation

DOC_KIND = "test_doc"

PAYMENT_COLUMNS = (
    FieldSpec("milestone", "节点", "text", required=True),
    FieldSpec("amount", "金额", "money", required=True),
    FieldSpec("due_date", "预计日期", "date"),
)


@pytest.fixture
def doc_kind():
    kind = register(
        FormKind(
            slug=DOC_KIND,
            title="测试项目审批表",
            prefix="TDOC",
            fields=(
                FieldSpec("project_name", "项目名称", "text", required=True),
                FieldSpec("client_name", "客户单位名称", "text"),
                FieldSpec("summary", "项目功能简介", "textarea", max_length=5000),
                FieldSpec("estimated_amount", "项目预计合同金额", "money"),
                FieldSpec("success_rate", "项目预计成功率", "rate"),
                FieldSpec("expected_sign_date", "项目预计合同签订时间", "date"),
                FieldSpec("is_special", "特殊项目", "bool"),
                FieldSpec("level", "项目级别", "choice", choices=(("a", "重点"), ("b", "一般"))),
                FieldSpec("man_days", "工日", "int"),
                FieldSpec("presales_lead", "售前负责人", "user"),
                FieldSpec("presales_team", "售前团队", "users"),
                FieldSpec("owner_dept", "负责部门", "department"),
                FieldSpec("report", "项目估算报告", "file"),
                FieldSpec("payment_terms", "付款条款", "rows", columns=PAYMENT_COLUMNS),
                FieldSpec("cost_note", "成本意见", "text"),
            ),
            submitter_fields=frozenset(
                {
                    "project_name",
                    "client_name",
                    "summary",
                    "estimated_amount",
                    "success_rate",
                    "expected_sign_date",
                    "is_special",
                    "level",
                    "man_days",
                    "presales_lead",
                    "presales_team",
                    "owner_dept",
                    "report",
                    "payment_terms",
                }
            ),
            copies=(("BD", "original"), ("FIN", "copy")),
            needs_project=False,
        )
    )
    yield kind
    unregister(DOC_KIND)


@pytest.fixture
def doc_chain(doc_kind, org):
    chain = ChainTemplate.objects.create(kind=DOC_KIND, version=1, name="测试审批流程")
    steps = [
        dict(name="部门经理审核", role_label="部门经理", approvers="dept_manager:submitter"),
        dict(
            name="成本总监审批售前费用",
            role_label="成本总监",
            kind=StepKind.FILL,
            approvers="role:COST_DIR",
            fill_fields=["cost_note"],
        ),
        dict(
            name="会签",
            role_label="销售总监/技术负责人",
            kind=StepKind.ALL,
            approvers="role:SALES_DIR,role:TECH_LEAD",
        ),
        dict(
            name="总经理批准",
            role_label="总经理",
            approvers="role:GM",
            condition={"field": "is_special", "op": "eq", "value": True},
        ),
    ]
    for i, step in enumerate(steps, start=1):
        ChainStepTemplate.objects.create(template=chain, order=i, **step)
    return chain


def make_attachment(user, name="估算报告.pdf", size=52_000):
    return Attachment.objects.create(
        file="attachments/test/report.pdf",
        original_name=name,
        size=size,
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=user,
    )


def sample_data(org, **overrides):
    data = {
        "project_name": "某市政务云平台建设项目",
        "client_name": "某市大数据管理局",
        "summary": "建设统一的政务云平台，包括计算、存储、网络与安全。\n分两期实施。",
        "estimated_amount": "1234567.5",
        "success_rate": "80",
        "expected_sign_date": "2025-06-30",
        "is_special": False,
        "level": "a",
        "man_days": 120,
        "presales_lead": org["presales"].pk,
        "presales_team": [org["presales"].pk, org["ts_lead"].pk],
        "owner_dept": org["sales"].department_id,
        "report": make_attachment(org["sales"]).pk,
        "payment_terms": [
            {"milestone": "合同签订", "amount": "370370.25", "due_date": "2025-07-15"},
            {"milestone": "初验", "amount": "617283.75", "due_date": "2025-12-01"},
            {"milestone": "终验", "amount": "246913.50"},
        ],
    }
    data.update(overrides)
    return data


def submit(org, data=None, user="sales"):
    form = services.form_create(acting_user=org[user], kind=DOC_KIND, data=data or sample_data(org))
    return services.form_submit(acting_user=org[user], form_id=form.pk)


def decide(org, who, form, decision="approve", **kw):
    return services.form_decide(acting_user=org[who], form_id=form.pk, decision=decision, **kw)


def delegate(org, principal, to):
    today = timezone.localdate()
    return Delegation.objects.create(
        principal=org[principal],
        delegate=org[to],
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=5),
    )


def approve_all(org, form, *, delegated=True):
    """Run the whole chain: the cost director's seat is filled by 韩财务 as a delegate."""
    decide(org, "mkt_mgr", form, comment="同意立项。")
    if delegated:
        delegate(org, "cost_dir", "finance")
        decide(org, "finance", form, comment="售前费用合理。", data={"cost_note": "控制在预算内"})
    else:
        decide(org, "cost_dir", form, comment="售前费用合理。", data={"cost_note": "控制在预算内"})
    decide(org, "sales_dir", form, comment="同意。")
    return decide(org, "tech_lead", form, comment="技术方案可行。")


@pytest.fixture
def in_review_form(doc_chain, org):
    form = submit(org)
    decide(org, "mkt_mgr", form, comment="同意立项。")
    return form


@pytest.fixture
def approved_form(doc_chain, org):
    form = submit(org)
    return approve_all(org, form)
