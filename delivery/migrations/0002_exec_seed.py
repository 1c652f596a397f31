"""Seed the 实施 data: the system-integration plan template with the seed's seven phases, the
day rates per position, the settings row, the approval chains of the three delivery kinds, and
the daily scan's beat schedule. Rows that exist are left alone (admins may have changed them);
`seed` uses `apps.get_model` only, so a flushed test database can call it again."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

PHASES = [
    # order, name, weight %, milestone, is_acceptance, is_maintenance
    (1, "需求调研", "10", "需求确认", False, False),
    (2, "方案设计", "15", "方案评审通过", False, False),
    (3, "开发集成", "40", "开发集成完成", False, False),
    (4, "测试", "15", "系统测试通过", False, False),
    (5, "部署上线", "10", "上线试运行", False, False),
    (6, "验收", "10", "最终验收", True, False),
    (7, "运维", "0", "", False, True),
]

# 员工, 主管, 经理, 总监, 总经理 (org.models.Position)
DAY_RATES = {10: "1200.00", 20: "1500.00", 30: "1800.00", 40: "2200.00", 50: "2800.00"}


def step(name, role_label, approvers, kind="single", condition=None, sla_days=2):
    return {
        "name": name,
        "role_label": role_label,
        "approvers": approvers,
        "kind": kind,
        "fill_fields": [],
        "condition": condition,
        "sla_days": sla_days,
    }


CHAINS = {
    "plan_baseline": (
        "项目计划基线审批",
        "项目经理编制 → 项目管理部经理审核 → 技术团队负责人批准",
        [
            step("项目管理部经理审核", "项目管理部经理", "dept_manager:PMO"),
            step("技术团队负责人批准", "技术团队负责人", "role:TECH_LEAD"),
        ],
    ),
    "change_request": (
        "需求变更审批",
        "项目经理提出 → 项目管理部经理审核 → 技术团队负责人批准 → 增加费用的报总经理",
        [
            step("项目管理部经理审核", "项目管理部经理", "dept_manager:PMO"),
            step("技术团队负责人批准", "技术团队负责人", "role:TECH_LEAD"),
            step(
                "总经理批准（增加费用）",
                "总经理",
                "role:GM",
                condition={"field": "cost_impact", "op": "gt", "value": "0"},
            ),
        ],
    ),
    "acceptance": (
        "验收确认",
        "项目经理上传客户签字的验收单 → 项目管理部确认",
        [step("项目管理部确认", "项目管理部", "dept:PMO", kind="any", sla_days=1)],
    ),
}

SCAN = "SIPM 实施日检"


def seed(apps, schema_editor=None):
    PlanTemplate = apps.get_model("delivery", "PlanTemplate")
    PlanTemplatePhase = apps.get_model("delivery", "PlanTemplatePhase")
    DayRate = apps.get_model("delivery", "DayRate")
    DeliverySettings = apps.get_model("delivery", "DeliverySettings")
    ChainTemplate = apps.get_model("approvals", "ChainTemplate")
    ChainStepTemplate = apps.get_model("approvals", "ChainStepTemplate")
    if not PlanTemplate.objects.filter(project_type="system_integration").exists():
        tpl = PlanTemplate.objects.create(project_type="system_integration", name="系统集成项目")
        for order, name, weight, milestone, acceptance, maintenance in PHASES:
            PlanTemplatePhase.objects.create(
                template=tpl,
                order=order,
                name=name,
                weight=Decimal(weight),
                milestone=milestone,
                is_acceptance=acceptance,
                is_maintenance=maintenance,
            )
    for position, rate in DAY_RATES.items():
        DayRate.objects.get_or_create(position=position, defaults={"rate": Decimal(rate)})
    DeliverySettings.objects.get_or_create(pk=1)
    for kind, (name, note, steps) in CHAINS.items():
        if ChainTemplate.objects.filter(kind=kind).exists():
            continue
        chain = ChainTemplate.objects.create(
            kind=kind, version=1, name=name, note=note, is_active=True
        )
        for order, spec in enumerate(steps, start=1):
            ChainStepTemplate.objects.create(template=chain, order=order, **spec)


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=SCAN).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=ZoneInfo("Asia/Shanghai"),
    )
    PeriodicTask.objects.create(
        name=SCAN,
        task="delivery.tasks.delivery_daily_scan",
        crontab=crontab,
        enabled=True,
        description="每天 08:30：风险复查到期提醒、里程碑延误预警、刷新实施项目的本周挣值快照。",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forward(apps, schema_editor):
    seed(apps, schema_editor)
    schedule(apps, schema_editor)


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCAN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_exec_initial"),
        ("approvals", "0004_seed_chains"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
