"""报价审批表 [§12–§16, §19], 项目预算表 [§17] and 项目预算变更 [§18]."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register
from org.codes import Dept

from .. import gates
from ..discounts import discount_rate
from ..selectors import approved_forms, budget_figures, current_budget, signed_estimate_reports
from ..services import budget_change_announce
from .common import Errors, check_split, dec, money, performance_split, positive, textarea

QUOTATION_FIELDS = (
    FieldSpec("estimate_report", gettext_lazy("项目估算报告"), "file", required=True),
    money("list_price", gettext_lazy("估算价")),
    FieldSpec("implementation_man_days", gettext_lazy("预计实施工日"), "decimal", required=True),
    FieldSpec("maintenance_man_days", gettext_lazy("维护工日"), "decimal", required=True),
    money("purchase_cost", gettext_lazy("外购成本")),
    money("sales_expense", gettext_lazy("预计销售费用")),
    money("quote_amount", gettext_lazy("对外报价金额")),
    textarea("reestimate_reason", gettext_lazy("重新估算原因"), required=False, max_length=2000),
)


def validate_quotation(data, form=None):
    errors = Errors(QUOTATION_FIELDS)
    positive(errors, data, "list_price", "quote_amount")
    project = form.project if form is not None else None
    if project is None:
        return errors
    report = data.get("estimate_report")
    if report and not signed_estimate_reports(project).filter(attachment_id=report).exists():
        errors.add(
            "estimate_report",
            _("须选择本项目经售前负责人签字的项目估算报告。"),
        )
    exclude = (form.pk, form.previous_id)
    if approved_forms(project, "quotation", exclude=exclude).exists() and not data.get(
        "reestimate_reason"
    ):
        errors.add(
            "reestimate_reason",
            _("本项目的报价已批准，再次估算须说明原因，并经销售总监批准。"),
        )
    return errors


def derive_quotation(data):
    rate = discount_rate(data)
    return {"discount_rate": str(rate)} if rate is not None else {}


def quotation_field_options(project, name):
    """The estimate report is picked among the project's reports signed by the pre-sales lead."""
    if name != "estimate_report":
        return None
    return [
        (
            r.attachment_id,
            f"{r.attachment.original_name}（{r.signed_by} {timezone.localtime(r.signed_at):%Y-%m-%d}）",
        )
        for r in signed_estimate_reports(project).order_by("-signed_at")
    ]


register(
    FormKind(
        slug="quotation",
        field_options=quotation_field_options,
        title=gettext_lazy("报价审批表"),
        prefix="BJ",
        fields=QUOTATION_FIELDS,
        submitter_fields=frozenset(
            {"estimate_report", "list_price", "sales_expense", "quote_amount", "reestimate_reason"}
        ),
        copies=((Dept.PMO, "archive"),),
        may_start=gates.sales_may_start("quotation"),
        gate=gates.gate_quotation,
        validate=validate_quotation,
        derive=derive_quotation,
        description=gettext_lazy(
            "技术服务部提交经售前负责人签字的估算报告后由销售发起；项目管理部填写实施与维护工日，"
            "综合管理部提供外购成本，相关部门经理核定，技术团队负责人审核，销售总监决定对外报价；"
            "低于销售总监折扣权限的报价须总经理审批。批准前不得向客户报价。"
        ),
    )
)


# --- 项目预算表 / 项目预算变更 -----------------------------------------------------------------

BUDGET_FIELDS = (
    money("implementation_cost", gettext_lazy("项目实施成本")),
    money("management_cost", gettext_lazy("项目过程管理成本")),
    money("maintenance_cost", gettext_lazy("项目维护成本")),
    performance_split(help=gettext_lazy("按比例（合计 100%）或按金额（合计等于三项成本之和）")),
)
BUDGET_NAMES = frozenset(f.name for f in BUDGET_FIELDS)


def budget_total(data) -> Decimal | None:
    values = [
        dec(data.get(n)) for n in ("implementation_cost", "management_cost", "maintenance_cost")
    ]
    if any(v is None for v in values):
        return None
    return sum(values, Decimal("0"))


def _check_budget(errors, data):
    total = budget_total(data)
    if total is not None and total <= 0:
        errors.add("implementation_cost", _("三项成本合计必须大于 0。"))
    check_split(errors, data, total, _("预算合计"))


def validate_budget(data, form=None):
    errors = Errors(BUDGET_FIELDS)
    _check_budget(errors, data)
    return errors


def derive_budget(data):
    total = budget_total(data)
    return {"budget_total": str(total)} if total is not None else {}


register(
    FormKind(
        slug="budget",
        title=gettext_lazy("项目预算表"),
        prefix="YS",
        fields=BUDGET_FIELDS,
        submitter_fields=BUDGET_NAMES,
        copies=((Dept.FIN, "archive"),),
        may_start=gates.department_may_start("budget", Dept.PMO, gettext_lazy("项目管理部人员")),
        gate=gates.gate_budget,
        validate=validate_budget,
        derive=derive_budget,
        description=gettext_lazy(
            "报价审批通过后、合同审批之前由项目管理部发起，技术团队负责人、销售总监、成本总监"
            "共同发布，总经理批准后交财务部留存。"
        ),
    )
)


BUDGET_CHANGE_FIELDS = (
    *BUDGET_FIELDS,
    textarea("reason", gettext_lazy("变更原因"), max_length=2000),
)


def validate_budget_change(data, form=None):
    errors = Errors(BUDGET_CHANGE_FIELDS)
    _check_budget(errors, data)
    current = current_budget(form.project) if form is not None and form.project_id else None
    if current is not None and not errors:
        new = budget_figures(data)
        if all(new[k] == current["figures"][k] for k in new):
            errors.add(
                "implementation_cost",
                _("变更后的预算与当前版本（第 %(v)d 版）相同。") % {"v": current["version"]},
            )
    return errors


def budget_change_approved(*, form, acting_user, when):
    # Everyone concerned is told within 1 working day [§18]: budget_change_announce emits
    # budget.changed and the notifications app tells them in the same transaction.
    budget_change_announce(acting_user=acting_user, form=form, when=when)


register(
    FormKind(
        slug="budget_change",
        title=gettext_lazy("项目预算变更"),
        prefix="YB",
        fields=BUDGET_CHANGE_FIELDS,
        submitter_fields=frozenset(f.name for f in BUDGET_CHANGE_FIELDS),
        copies=((Dept.FIN, "archive"),),
        may_start=gates.may_start_budget_change,
        gate=gates.gate_budget_change,
        validate=validate_budget_change,
        derive=derive_budget,
        description=gettext_lazy(
            "项目预算批准后需变更的，由成本总监发起，报总经理批准；批准后 1 个工作日内告知相关人员。"
        ),
    )
)
