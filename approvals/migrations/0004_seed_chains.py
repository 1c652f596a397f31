"""Seed version 1 of the approval chain of each of the eleven form kinds, as the policy says.

The chains are data: admins edit them (a new version) in the admin. The data is frozen here on
purpose; `seed` only uses `apps.get_model`, so tests on a flushed database can call it with the
live registry. A kind that already has a chain is left alone.

Approver specs: see approvals.routing. sla_days are working days.
"""

from django.db import migrations

GM_CONDITION = {
    "any": [
        {"field": "is_special", "op": "eq", "value": True},
        {"field": "estimated_amount", "op": "gt", "value": "5000000"},
    ]
}


def step(name, role_label, approvers, kind="single", fill_fields=(), condition=None, sla_days=2):
    return {
        "name": name,
        "role_label": role_label,
        "approvers": approvers,
        "kind": kind,
        "fill_fields": list(fill_fields),
        "condition": condition,
        "sla_days": sla_days,
    }


# kind → (chain name, note, steps)
CHAINS = {
    "initiation": (
        "立项审批",
        "§1：部门经理审核 → 成本总监审批售前费用 → 分管销售总监批准立项 → 特殊项目报总经理",
        [
            step("部门经理审核", "部门经理", "dept_manager:submitter"),
            step("成本总监审批售前销售费用", "成本总监", "role:COST_DIR"),
            step("分管销售总监批准立项", "分管销售总监", "role:SALES_DIR"),
            step("总经理审批（特殊项目）", "总经理", "role:GM", condition=GM_CONDITION),
        ],
    ),
    "presales": (
        "售前支持审批",
        "§6：部门经理签字 → 技术服务部拟定售前负责人/团队 → 技术团队负责人批准",
        [
            step("部门经理签字", "部门经理", "dept_manager:submitter", sla_days=1),
            step(
                "技术服务部拟定售前负责人",
                "技术服务部经理",
                "dept_manager:TS",
                kind="fill",
                fill_fields=("presales_lead", "presales_team"),
            ),
            step("技术团队负责人批准", "技术团队负责人", "role:TECH_LEAD"),
        ],
    ),
    "early_start": (
        "提前开工审批",
        "§9、§11：售前负责人确认 → 分管销售总监审核 → 项目管理部填写实施安排 → "
        "技术团队负责人审批 → 总经理批准",
        [
            step("售前负责人确认工期与工日成本", "售前负责人", "project:presales_lead", sla_days=1),
            step(
                "分管销售总监审核",
                "分管销售总监",
                "role:SALES_DIR",
                kind="fill",
                fill_fields=("expected_sign_date", "risk_owner"),
            ),
            step(
                "项目管理部填写实施安排",
                "项目管理部",
                "dept:PMO",
                kind="fill",
                fill_fields=("arrangement",),
            ),
            step("技术团队负责人审批", "技术团队负责人", "role:TECH_LEAD"),
            step("总经理批准", "总经理", "role:GM"),
        ],
    ),
    "quotation": (
        "报价审批",
        "§13–§15：项目管理部填工日 → 综合管理部填外购成本 → 相关部门经理核定 → "
        "技术团队负责人审核 → 销售总监决定报价 → 低于折扣权限报总经理",
        [
            step(
                "项目管理部填写实施/维护工日",
                "项目管理部",
                "dept:PMO",
                kind="fill",
                fill_fields=("implementation_man_days", "maintenance_man_days"),
            ),
            step(
                "综合管理部提供外购成本",
                "综合管理部",
                "dept:ADMIN",
                kind="fill",
                fill_fields=("purchase_cost",),
            ),
            step(
                "相关部门经理核定",
                "相关部门经理",
                "dept_manager:submitter,dept_manager:TS,dept_manager:PMO,dept_manager:ADMIN",
                kind="all",
            ),
            step("技术团队负责人审核", "技术团队负责人", "role:TECH_LEAD"),
            step("销售总监决定对外报价", "销售总监", "role:SALES_DIR"),
            step(
                "总经理审批（低于折扣权限）",
                "总经理",
                "role:GM",
                condition={"op": "discount_below_limit", "role": "SALES_DIR"},
            ),
        ],
    ),
    "budget": (
        "项目预算审批",
        "§17：技术团队负责人、销售总监、成本总监共同发布 → 总经理批准",
        [
            step(
                "共同发布（技术团队负责人、销售总监、成本总监）",
                "预算发布人",
                "role:TECH_LEAD,role:SALES_DIR,role:COST_DIR",
                kind="all",
            ),
            step("总经理批准", "总经理", "role:GM"),
        ],
    ),
    "budget_change": (
        "预算变更审批",
        "§18：成本总监发起 → 总经理批准；批准后 1 个工作日内告知相关人员",
        [step("总经理批准", "总经理", "role:GM", sla_days=1)],
    ),
    "contract": (
        "合同审批",
        "§21：销售部门 → 软件开发部 → 项目管理部 → 销售总监 → 技术团队负责人 → 总经理",
        [
            step("销售部门经理审核", "销售部门经理", "dept_manager:submitter"),
            step("软件开发部审核", "软件开发部经理", "dept_manager:DEV"),
            step("项目管理部审核", "项目管理部经理", "dept_manager:PMO"),
            step("销售总监审核", "销售总监", "role:SALES_DIR"),
            step("技术团队负责人审核", "技术团队负责人", "role:TECH_LEAD"),
            step("总经理批准（附报价审批表）", "总经理", "role:GM"),
        ],
    ),
    "commission": (
        "项目委托审批",
        "§22–§25：项目管理部（委托方）发起 → 项目经理、部门经理（受托方）签字 → "
        "技术团队负责人 2 个工作日内批准",
        [
            step(
                "受托方签字（项目经理、部门经理）",
                "受托方",
                "field:project_manager,field:dept_manager",
                kind="all",
                sla_days=1,
            ),
            step("技术团队负责人批准", "技术团队负责人", "role:TECH_LEAD", sla_days=2),
        ],
    ),
    "evaluation": (
        "项目评估审批",
        "§26：项目管理部组织评估 → 项目管理部经理审核",
        [step("项目管理部经理审核", "项目管理部经理", "dept_manager:PMO")],
    ),
    "final_accounts": (
        "项目决算审批",
        "§27：财务部 5 个工作日内决算 → 成本总监审核 → 总经理批准",
        [
            step("成本总监审核", "成本总监", "role:COST_DIR"),
            step("总经理批准", "总经理", "role:GM"),
        ],
    ),
    "handover": (
        "资料移交",
        "§28：项目经理填写 → 项目管理部接收存档",
        [step("项目管理部接收存档", "项目管理部", "dept:PMO", kind="any")],
    ),
}


def seed(apps, schema_editor=None):
    ChainTemplate = apps.get_model("approvals", "ChainTemplate")
    ChainStepTemplate = apps.get_model("approvals", "ChainStepTemplate")
    for kind, (name, note, steps) in CHAINS.items():
        if ChainTemplate.objects.filter(kind=kind).exists():
            continue
        chain = ChainTemplate.objects.create(
            kind=kind, version=1, name=name, note=note, is_active=True
        )
        for order, spec in enumerate(steps, start=1):
            ChainStepTemplate.objects.create(template=chain, order=order, **spec)


def unseed(apps, schema_editor):
    ChainTemplate = apps.get_model("approvals", "ChainTemplate")
    Form = apps.get_model("approvals", "Form")
    for chain in ChainTemplate.objects.filter(kind__in=list(CHAINS), version=1):
        if not Form.objects.filter(chain=chain).exists():
            chain.steps.all().delete()
            chain.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_audit_append_only"),
        ("org", "0002_seed_organisation"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
