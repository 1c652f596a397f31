"""The three form kinds of 实施, registered with the approval engine like the company's eleven;
their chains are data (migration delivery 0002), their PDFs come from documents/ for free.

- 项目计划基线 `plan_baseline`: the frozen WBS, submitted by delivery.services.baseline_submit.
- 需求变更申请 `change_request`: scope, man-day, schedule and cost impact; an approved change that
  moves cost calls for a new 项目预算表 version (预算变更 [§18]).
- 验收单 `acceptance`: the customer's acceptance of a 验收 milestone with the signed scan.
"""

import contextvars
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register
from core.events import emit
from org.codes import Dept
from projects.forms.common import Errors, textarea
from projects.gates import _closed, _duplicate, _first
from projects.models import Stage
from sipm.values import to_decimal
from workcal.calendar import today

from .models import Milestone


def _implementing(project):
    if project.stage != Stage.IMPLEMENTING:
        return _("项目处于实施阶段时才能发起此表单（当前：%(s)s）。") % {
            "s": project.get_stage_display()
        }
    return None


def _pm_may_start(kind_title):
    def check(user, project):
        if project is not None and project.project_manager_id == user.pk:
            return None
        return _("只有本项目的项目经理可以发起《%(t)s》。") % {"t": kind_title}

    return check


# --- 项目计划基线 ------------------------------------------------------------------------------

BASELINE_FIELDS = (
    FieldSpec("version", gettext_lazy("基线版本"), "int", required=True, min_value=1),
    textarea("reason", gettext_lazy("调整原因"), required=False, max_length=2000),
    FieldSpec("planned_man_days", gettext_lazy("计划工日"), "decimal", required=True),
    FieldSpec("planned_cost", gettext_lazy("计划人工成本"), "money", required=True),
    FieldSpec("start_date", gettext_lazy("计划开始"), "date", required=True),
    FieldSpec("finish_date", gettext_lazy("计划完成"), "date", required=True),
    FieldSpec(
        "tasks",
        gettext_lazy("工作分解结构（WBS）"),
        "rows",
        required=True,
        columns=(
            FieldSpec("phase", gettext_lazy("阶段"), "text", required=True, max_length=100),
            FieldSpec("name", gettext_lazy("任务"), "text", required=True, max_length=200),
            FieldSpec("owner", gettext_lazy("负责人"), "user", required=True),
            FieldSpec("start", gettext_lazy("计划开始"), "date", required=True),
            FieldSpec("finish", gettext_lazy("计划完成"), "date", required=True),
            FieldSpec("man_days", gettext_lazy("计划工日"), "decimal", required=True),
        ),
    ),
    FieldSpec(
        "milestones",
        gettext_lazy("里程碑"),
        "rows",
        columns=(
            FieldSpec("name", gettext_lazy("里程碑"), "text", required=True, max_length=200),
            FieldSpec("due", gettext_lazy("计划日期"), "date", required=True),
        ),
    ),
)


# Set by delivery.services.baseline_submit: the baseline is frozen from the plan page, never
# started as a blank form.
FROM_PLAN = contextvars.ContextVar("delivery_baseline_from_plan", default=False)


def may_start_baseline(user, project):
    refusal = _pm_may_start(_("项目计划基线"))(user, project)
    if refusal or FROM_PLAN.get():
        return refusal
    return _("计划基线请在项目的“实施计划”页面编制并提交。")


def validate_baseline(data, form=None):
    errors = Errors(BASELINE_FIELDS)
    from .models import Baseline

    if form is None or not Baseline.objects.filter(form=form).exists():
        errors.add("version", _("计划基线须从项目的实施计划页面提交。"))
    return errors


def gate_baseline(project, data, form=None):
    return _first(lambda: _closed(project), lambda: _implementing(project))


register(
    FormKind(
        slug="plan_baseline",
        title=gettext_lazy("项目计划基线"),
        prefix="JH",
        fields=BASELINE_FIELDS,
        submitter_fields=frozenset(f.name for f in BASELINE_FIELDS),
        copies=((Dept.PMO, "archive"),),
        may_start=may_start_baseline,
        gate=gate_baseline,
        validate=validate_baseline,
        description=gettext_lazy(
            "项目经理按委托书的实施工日、实施工期和实施费用编制工作分解结构与里程碑，报项目管理部"
            "审核、技术团队负责人批准；重新制定计划须说明原因，形成新的基线版本。"
        ),
    )
)


# --- 需求变更申请 ------------------------------------------------------------------------------

NEGATIVE = Decimal("-999999999.99")
CHANGE_FIELDS = (
    textarea("scope", gettext_lazy("变更内容"), max_length=4000),
    textarea("reason", gettext_lazy("变更原因"), max_length=2000),
    FieldSpec(
        "man_days_impact", gettext_lazy("工日影响"), "decimal", required=True, min_value=NEGATIVE
    ),
    FieldSpec(
        "schedule_impact_days",
        gettext_lazy("工期影响(工作日)"),
        "int",
        required=True,
        min_value=-1000,
        max_value=1000,
    ),
    FieldSpec("cost_impact", gettext_lazy("费用影响"), "money", required=True, min_value=NEGATIVE),
    FieldSpec("customer_confirmed", gettext_lazy("客户已确认"), "bool"),
)


def gate_change(project, data, form=None):
    def planned():
        from .selectors import current_baseline, plan_for

        if current_baseline(plan_for(project)) is None:
            return _("计划基线批准后才能提出需求变更。")
        return None

    return _first(
        lambda: _closed(project),
        lambda: _implementing(project),
        planned,
        lambda: _duplicate(project, "change_request", form),
    )


def change_approved(*, form, acting_user, when):
    cost = to_decimal(form.data.get("cost_impact")) or Decimal("0")
    emit(
        "change.approved",
        actor=acting_user,
        project=form.project_id,
        form=form,
        payload={
            "cost_impact": str(cost),
            "man_days_impact": str(form.data.get("man_days_impact")),
            "budget_change_required": cost != 0,
        },
    )


register(
    FormKind(
        slug="change_request",
        title=gettext_lazy("需求变更申请"),
        prefix="XB",
        fields=CHANGE_FIELDS,
        submitter_fields=frozenset(f.name for f in CHANGE_FIELDS),
        copies=((Dept.PMO, "archive"),),
        may_start=_pm_may_start(gettext_lazy("需求变更申请")),
        gate=gate_change,
        description=gettext_lazy(
            "需求变更须经客户确认，由项目经理提出变更内容及其工日、工期和费用影响，项目管理部审核、"
            "技术团队负责人批准（增加费用的报总经理）；涉及费用的变更批准后由成本总监发起预算变更。"
        ),
    )
)


# --- 验收单 ------------------------------------------------------------------------------------

ACCEPTANCE_FIELDS = (
    FieldSpec("milestone", gettext_lazy("验收里程碑"), "int", required=True, min_value=1),
    FieldSpec("accepted_on", gettext_lazy("验收日期"), "date", required=True),
    FieldSpec("signatory", gettext_lazy("客户签字人"), "text", required=True, max_length=100),
    FieldSpec("signed_scan", gettext_lazy("签字验收单扫描件"), "file", required=True),
    textarea("conclusion", gettext_lazy("验收结论"), max_length=2000),
)


def _open_acceptance_milestones(project):
    return Milestone.objects.filter(
        plan__project=project, is_acceptance=True, acceptance__isnull=True
    ).order_by("due")


def acceptance_options(project, name):
    if name != "milestone":
        return None
    return [
        (m.pk, f"{m.name}（{m.due:%Y-%m-%d}）{_('最终验收') if m.is_final else ''}")
        for m in _open_acceptance_milestones(project)
    ]


def validate_acceptance(data, form=None):
    errors = Errors(ACCEPTANCE_FIELDS)
    project = form.project if form is not None else None
    if project is None:
        return errors
    if not _open_acceptance_milestones(project).filter(pk=data.get("milestone")).exists():
        errors.add("milestone", _("须选择本项目尚未验收的验收里程碑。"))
    if data.get("accepted_on") and data["accepted_on"] > today().isoformat():
        errors.add("accepted_on", _("验收日期不能晚于今天。"))
    return errors


def gate_acceptance(project, data, form=None):
    def has_open():
        if not _open_acceptance_milestones(project).exists():
            return _("本项目没有待验收的验收里程碑。")
        return None

    return _first(lambda: _closed(project), lambda: _implementing(project), has_open)


register(
    FormKind(
        slug="acceptance",
        title=gettext_lazy("验收单"),
        prefix="YSD",
        fields=ACCEPTANCE_FIELDS,
        submitter_fields=frozenset(f.name for f in ACCEPTANCE_FIELDS),
        copies=((Dept.PMO, "archive"), (Dept.FIN, "copy")),
        may_start=_pm_may_start(gettext_lazy("验收单")),
        gate=gate_acceptance,
        validate=validate_acceptance,
        field_options=acceptance_options,
        description=gettext_lazy(
            "系统测试完成后，客户对验收里程碑签字确认；项目经理上传签字验收单扫描件，项目管理部确认。"
            "最终验收后方可进行项目评估 [§26]。"
        ),
    )
)
