"""立项书 [§1–§5], 售前支持工作协调单 [§6–§8, §11(1)] and 提前开工审批单 [§9, §11(2)(3)]."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register
from approvals.models import Decision
from org.codes import Dept

from .. import gates
from ..services import (
    project_create_for_initiation,
    project_mark_early_start,
    project_set_presales_lead,
)
from .common import Errors, money, not_before_today, positive, rate, text, textarea

PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")

INITIATION_FIELDS = (
    text("project_name", gettext_lazy("项目名称"), max_length=200),
    text("client_name", gettext_lazy("客户单位名称"), max_length=200),
    text("client_address", gettext_lazy("单位地址"), max_length=300),
    text("client_contact", gettext_lazy("主要联系人"), max_length=50),
    text("client_phone", gettext_lazy("联系电话"), max_length=30),
    textarea("summary", gettext_lazy("项目功能简介")),
    money("estimated_amount", gettext_lazy("项目预计合同金额")),
    textarea("client_funding", gettext_lazy("客户项目资金情况"), max_length=1000),
    rate("success_rate", gettext_lazy("项目预计成功率"), help=gettext_lazy("0–100 的百分比")),
    FieldSpec("expected_sign_date", gettext_lazy("项目预计合同签订时间"), "date", required=True),
    textarea("feasibility", gettext_lazy("可行性说明")),
    money("presales_budget", gettext_lazy("预计售前费用")),
    FieldSpec(
        "is_special",
        gettext_lazy("特殊项目"),
        "bool",
        help=gettext_lazy("特殊项目或预计金额超过 500 万元的项目需总经理审批"),
    ),
)


def validate_initiation(data, form=None):
    errors = Errors(INITIATION_FIELDS)
    positive(errors, data, "estimated_amount")
    not_before_today(errors, data, "expected_sign_date")
    phone = data.get("client_phone")
    if phone and not PHONE.match(phone):
        errors.add("client_phone", _("请输入有效的电话号码（数字，可含区号和“-”）。"))
    return errors


def create_project(acting_user, data):
    return project_create_for_initiation(acting_user=acting_user, data=data)


register(
    FormKind(
        slug="initiation",
        title=gettext_lazy("系统集成类项目立项书"),
        prefix="LX",
        fields=INITIATION_FIELDS,
        submitter_fields=frozenset(f.name for f in INITIATION_FIELDS),
        copies=((Dept.BD, "original"), (Dept.FIN, "copy")),
        creates_project=True,
        needs_project=False,
        create_owner=create_project,
        may_start=gates.may_start_initiation,
        gate=gates.gate_initiation,
        validate=validate_initiation,
        description=gettext_lazy(
            "由负责项目的销售人员填报，经部门经理审核、成本总监审批售前费用、分管销售总监批准立项；"
            "特殊项目报总经理批准。批准后原件交商务拓展部存档，复印件抄送财务部。"
        ),
    )
)


# --- 售前支持工作协调单 --------------------------------------------------------------------------

PRESALES_FIELDS = (
    textarea("work_content", gettext_lazy("工作内容")),
    FieldSpec("required_by", gettext_lazy("时间要求"), "date", required=True),
    FieldSpec("presales_lead", gettext_lazy("售前负责人"), "user", required=True),
    FieldSpec("presales_team", gettext_lazy("售前团队"), "users"),
    textarea("work_record", gettext_lazy("工作记录"), required=False),
    textarea("evaluation", gettext_lazy("售前评估"), required=False),
)


def validate_presales(data, form=None):
    errors = Errors(PRESALES_FIELDS)
    not_before_today(errors, data, "required_by")
    return errors


def _who_filled(form, name, default):
    """The person who filled a field at a fill-in step of this round (the history names them,
    not the last approver)."""

    decisions = Decision.objects.filter(
        form=form, step__round=form.round, decision="approve"
    ).select_related("step", "decider")
    filled = [d for d in decisions if name in (d.step.fill_fields or [])]
    return filled[-1].decider if filled else default


def presales_approved(*, form, acting_user, when):
    project_set_presales_lead(
        acting_user=_who_filled(form, "presales_lead", acting_user),
        project_id=form.project_id,
        lead_id=form.data["presales_lead"],
        team_ids=form.data.get("presales_team") or [],
        form=form,
    )


register(
    FormKind(
        slug="presales",
        title=gettext_lazy("售前支持工作协调单"),
        prefix="SQ",
        fields=PRESALES_FIELDS,
        submitter_fields=frozenset({"work_content", "required_by"}),
        # The lead's own copy is the work record (PresalesRecord); 技术服务部 archives one [§7].
        copies=((Dept.TS, "archive"), (Dept.PMO, "copy")),
        may_start=gates.sales_may_start("presales"),
        gate=gates.gate_presales,
        validate=validate_presales,
        description=gettext_lazy(
            "销售人员填写，部门经理签字后交技术服务部；技术服务部拟定售前负责人或团队，"
            "报技术团队负责人批准。售前结束后由售前负责人填写工作记录，交项目管理部评估。"
        ),
        # Filled after approval through projects.services (PresalesRecord), never by a step.
        extra={"after_approval_fields": ("work_record", "evaluation")},
    )
)


# --- 提前开工审批单 ---------------------------------------------------------------------------

EARLY_START_FIELDS = (
    FieldSpec(
        "duration_days", gettext_lazy("提前实施工期(工作日)"), "int", required=True, min_value=1
    ),
    FieldSpec("man_days", gettext_lazy("工日"), "decimal", required=True),
    money("man_day_cost", gettext_lazy("工日成本")),
    FieldSpec("expected_sign_date", gettext_lazy("预计合同签订日期"), "date", required=True),
    textarea("risk_owner", gettext_lazy("风险责任"), max_length=1000),
    textarea("arrangement", gettext_lazy("实施安排")),
)


def validate_early_start(data, form=None):
    errors = Errors(EARLY_START_FIELDS)
    positive(errors, data, "man_days", "man_day_cost")
    not_before_today(errors, data, "expected_sign_date")
    return errors


def early_start_approved(*, form, acting_user, when):
    project_mark_early_start(acting_user=acting_user, project_id=form.project_id, form=form)


register(
    FormKind(
        slug="early_start",
        title=gettext_lazy("提前开工审批单"),
        prefix="TQ",
        fields=EARLY_START_FIELDS,
        submitter_fields=frozenset({"duration_days", "man_days", "man_day_cost"}),
        copies=((Dept.PMO, "archive"),),
        may_start=gates.may_start_early_start,
        gate=gates.gate_early_start,
        validate=validate_early_start,
        description=gettext_lazy(
            "未签合同需提前实施的项目：销售负责人与售前负责人明确工期与工日成本，销售总监预计"
            "合同签订日期并明确风险责任，项目管理部填写实施安排，技术团队负责人审批后报总经理批准。"
        ),
    )
)
