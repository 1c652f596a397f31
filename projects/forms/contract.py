"""合同审批表 [§20–§21] and 项目委托书 [§22–§25]."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register
from approvals.models import Form, FormStatus
from finance import prefill, proposals
from org.codes import Dept
from org.models import Department

from .. import gates
from ..services import project_set_team
from .common import Errors, as_date, check_split, dec, fmt_money, money, performance_split, text

CONTRACT_FIELDS = (
    text("contract_no", gettext_lazy("合同编号"), max_length=60),
    money("contract_amount", gettext_lazy("合同金额")),
    FieldSpec("sign_date", gettext_lazy("签订日期"), "date", required=True),
    FieldSpec(
        "payment_terms",
        gettext_lazy("付款条款"),
        "rows",
        required=True,
        columns=(
            FieldSpec("milestone", gettext_lazy("节点"), "text", required=True, max_length=200),
            FieldSpec(
                "amount", gettext_lazy("金额"), "money", required=True, min_value=Decimal("0.01")
            ),
            FieldSpec("due_date", gettext_lazy("预计日期"), "date"),
        ),
    ),
    FieldSpec("contract_file", gettext_lazy("合同文本"), "file", required=True),
)
CONTRACT_PREFILLED = tuple(f for f in CONTRACT_FIELDS if f.name == "contract_amount")
# System-filled: the approved 报价审批表 (its id) and the two side by side for the GM [§21].
CONTRACT_SYSTEM_FIELDS = (
    FieldSpec("quotation", gettext_lazy("报价审批表（表单 ID）"), "int"),
    FieldSpec(
        "quote_comparison",
        gettext_lazy("报价审批表与合同对照"),
        "rows",
        columns=(
            FieldSpec("item", gettext_lazy("项目"), "text"),
            FieldSpec("quotation", gettext_lazy("报价审批表"), "text"),
            FieldSpec("contract", gettext_lazy("合同审批表"), "text"),
        ),
    ),
)
CONTRACT_CHANGE_FIELDS = prefill.change_fields(CONTRACT_PREFILLED)


def validate_contract(data, form=None):
    errors = Errors(CONTRACT_FIELDS + CONTRACT_SYSTEM_FIELDS + CONTRACT_CHANGE_FIELDS)
    prefill.check_change_reasons(errors, data)
    amount = dec(data.get("contract_amount"))
    if amount is not None and amount <= 0:
        errors.add("contract_amount", _("必须大于 0。"))
    terms = data.get("payment_terms") or []
    if terms and amount is not None:
        total = sum((Decimal(t["amount"]) for t in terms), Decimal("0"))
        if total != amount:
            errors.add(
                "payment_terms",
                _("付款金额合计 %(sum)s 须等于合同金额 %(amount)s。")
                % {"sum": fmt_money(total), "amount": fmt_money(amount)},
            )
    sign_date = as_date(data.get("sign_date"))
    for i, term in enumerate(terms, start=1):
        due = as_date(term.get("due_date"))
        if sign_date and due and due < sign_date:
            errors.add("payment_terms", _("第 %(i)d 行：预计日期不能早于签订日期。") % {"i": i})
    number = data.get("contract_no")
    if number:
        taken = Form.objects.filter(
            kind="contract", status=FormStatus.APPROVED, data__contract_no=number
        )
        if form is not None:
            taken = taken.exclude(pk__in=[form.pk, form.previous_id])
        if taken.exists():
            errors.add("contract_no", _("合同编号“%(n)s”已被使用。") % {"n": number})
    return errors


register(
    FormKind(
        slug="contract",
        title=gettext_lazy("合同审批表"),
        prefix="HT",
        fields=CONTRACT_FIELDS
        + CONTRACT_CHANGE_FIELDS[:1]
        + CONTRACT_SYSTEM_FIELDS
        + CONTRACT_CHANGE_FIELDS[1:],
        submitter_fields=frozenset(f.name for f in CONTRACT_FIELDS + CONTRACT_CHANGE_FIELDS[:1]),
        copies=((Dept.PMO, "archive"),),
        may_start=gates.sales_may_start("contract"),
        gate=gates.gate_contract,
        validate=validate_contract,
        extra={
            "prefill": proposals.contract_proposal,
            "initial": prefill.initial_values,
            "complete": prefill.complete_form_data,
        },
        description=gettext_lazy(
            "销售人员填写，经销售部门、软件开发部、项目管理部、销售总监、技术团队负责人审核后，"
            "与《报价审批表》一起报总经理批准；批准后交项目管理部留存。"
        ),
    )
)


# --- 项目委托书 -------------------------------------------------------------------------------

COMMISSION_FIELDS = (
    FieldSpec("man_days", gettext_lazy("实施工日"), "decimal", required=True),
    FieldSpec("start_date", gettext_lazy("实施开始日期"), "date", required=True),
    FieldSpec("end_date", gettext_lazy("实施结束日期"), "date", required=True),
    money("implementation_fee", gettext_lazy("实施费用")),
    FieldSpec("project_manager", gettext_lazy("项目经理"), "user", required=True),
    FieldSpec("members", gettext_lazy("项目组成员"), "users", required=True),
    FieldSpec("dept_manager", gettext_lazy("受托部门经理"), "user", required=True),
    performance_split(
        label=gettext_lazy("部门业绩划分"),
        help=gettext_lazy("跨部门实施时明确各部门的比例（合计 100%）或金额（合计等于实施费用）"),
    ),
)


COMMISSION_PREFILLED = tuple(
    f
    for f in COMMISSION_FIELDS
    if f.name in ("man_days", "implementation_fee", "performance_split")
)
COMMISSION_CHANGE_FIELDS = prefill.change_fields(COMMISSION_PREFILLED)


def implementing_departments(data) -> dict[int, str]:
    """{department id: name} of the project manager and the members: each implementing
    department needs its share of the performance [§23, §25]."""
    from org.models import User  # the members' departments (lower layer)

    ids = set(data.get("members") or [])
    if data.get("project_manager"):
        ids.add(data["project_manager"])
    return dict(
        User.objects.filter(pk__in=ids, department__isnull=False).values_list(
            "department_id", "department__name"
        )
    )


def validate_commission(data, form=None):
    errors = Errors(COMMISSION_FIELDS + COMMISSION_CHANGE_FIELDS)
    prefill.check_change_reasons(errors, data)
    shared = {row.get("department") for row in data.get("performance_split") or []}
    missing = [name for pk, name in implementing_departments(data).items() if pk not in shared]
    if data.get("performance_split") and missing:
        errors.add(
            "performance_split",
            _("项目组涉及的实施部门须各有业绩划分，缺少：%(d)s。") % {"d": "、".join(missing)},
        )
    man_days = dec(data.get("man_days"))
    if man_days is not None and man_days <= 0:
        errors.add("man_days", _("必须大于 0。"))
    start, end = as_date(data.get("start_date")), as_date(data.get("end_date"))
    if start and end and end < start:
        errors.add("end_date", _("结束日期不能早于开始日期。"))
    manager = data.get("dept_manager")
    if manager and not Department.objects.filter(manager_id=manager).exists():
        errors.add("dept_manager", _("所选人员不是任何部门的经理。"))
    check_split(errors, data, dec(data.get("implementation_fee")), _("实施费用"))
    return errors


def commission_approved(*, form, acting_user, when):
    members = set(form.data.get("members") or [])
    project_set_team(
        acting_user=acting_user,
        project_id=form.project_id,
        manager_id=form.data["project_manager"],
        member_ids=sorted(members | {form.data["project_manager"]}),
        form=form,
    )


register(
    FormKind(
        slug="commission",
        title=gettext_lazy("项目委托书"),
        prefix="WT",
        fields=COMMISSION_FIELDS + COMMISSION_CHANGE_FIELDS,
        submitter_fields=frozenset(
            f.name for f in COMMISSION_FIELDS + COMMISSION_CHANGE_FIELDS[:1]
        ),
        copies=((Dept.DEV, "copy"), (Dept.FIN, "copy"), (Dept.PMO, "archive")),
        may_start=gates.department_may_start(
            "commission", Dept.PMO, gettext_lazy("项目管理部人员")
        ),
        gate=gates.gate_commission,
        validate=validate_commission,
        extra={
            "prefill": proposals.commission_proposal,
            "initial": prefill.initial_values,
            "complete": prefill.complete_form_data,
        },
        description=gettext_lazy(
            "合同签订后 3 个工作日内由项目管理部（委托方）办理，项目经理和部门经理作为受托方签字，"
            "技术团队负责人在 2 个工作日内批准。一式三份：软件开发部、财务部、项目管理部各一份。"
        ),
    )
)
