"""项目评估 [§26], 项目决算表 [§27] and 资料移交表 [§28]."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register

from .. import gates
from ..selectors import latest_approved
from .common import Errors, check_split, dec, fmt_money, money, performance_split, textarea

CONCLUSIONS = (
    ("excellent", gettext_lazy("优秀")),
    ("good", gettext_lazy("良好")),
    ("pass", gettext_lazy("合格")),
    ("fail", gettext_lazy("不合格")),
)

EVALUATION_FIELDS = (
    FieldSpec("conclusion", gettext_lazy("评估结论"), "choice", required=True, choices=CONCLUSIONS),
    FieldSpec("score", gettext_lazy("评分"), "decimal", required=True, min_value=0, max_value=100),
    textarea("opinion", gettext_lazy("意见")),
)


register(
    FormKind(
        slug="evaluation",
        title=gettext_lazy("项目评估"),
        prefix="PG",
        fields=EVALUATION_FIELDS,
        submitter_fields=frozenset(f.name for f in EVALUATION_FIELDS),
        copies=(("PMO", "archive"),),
        may_start=gates.department_may_start("evaluation", "PMO", gettext_lazy("项目管理部人员")),
        gate=gates.gate_evaluation,
        description=gettext_lazy("项目实施完毕后，由项目管理部组织对项目实施情况进行评估。"),
    )
)


# --- 项目决算表 -------------------------------------------------------------------------------

FINAL_ACCOUNTS_FIELDS = (
    money("contract_amount", gettext_lazy("合同金额")),
    money("received_amount", gettext_lazy("已收款")),
    FieldSpec(
        "costs",
        gettext_lazy("成本明细"),
        "rows",
        required=True,
        columns=(
            FieldSpec("category", gettext_lazy("成本类别"), "text", required=True, max_length=50),
            FieldSpec("amount", gettext_lazy("金额"), "money", required=True),
        ),
    ),
    money("gross_profit", gettext_lazy("毛利"), min_value=Decimal("-999999999999.99")),
    performance_split(
        label=gettext_lazy("各部门业绩"),
        help=gettext_lazy("按比例（合计 100%）或按金额（合计等于合同金额）"),
    ),
    money("sales_commission", gettext_lazy("销售提成")),
    textarea("notes", gettext_lazy("说明"), required=False),
)


def validate_final_accounts(data, form=None):
    errors = Errors(FINAL_ACCOUNTS_FIELDS)
    amount = dec(data.get("contract_amount"))
    project = form.project if form is not None else None
    contract = latest_approved(project, "contract") if project is not None else None
    if contract is not None and amount is not None:
        signed = Decimal(contract.data["contract_amount"])
        if amount != signed:
            errors.add(
                "contract_amount",
                _("须与已批准合同的金额 %(a)s 一致。") % {"a": fmt_money(signed)},
            )
    received = dec(data.get("received_amount"))
    if received is not None and amount is not None and received != amount:
        errors.add(
            "received_amount",
            _("项目款项须全部收回后才能决算：已收 %(r)s，合同金额 %(a)s [§27]。")
            % {"r": fmt_money(received), "a": fmt_money(amount)},
        )
    costs = data.get("costs")
    profit = dec(data.get("gross_profit"))
    if costs is not None and amount is not None and profit is not None:
        expected = amount - sum((Decimal(c["amount"]) for c in costs), Decimal("0"))
        if profit != expected:
            errors.add(
                "gross_profit",
                _("毛利应为合同金额减成本合计：%(e)s。") % {"e": fmt_money(expected)},
            )
    commission = dec(data.get("sales_commission"))
    if commission is not None and profit is not None and commission > max(profit, Decimal("0")):
        errors.add("sales_commission", _("销售提成不能超过毛利。"))
    check_split(errors, data, amount, _("合同金额"))
    return errors


register(
    FormKind(
        slug="final_accounts",
        title=gettext_lazy("项目决算表"),
        prefix="JS",
        fields=FINAL_ACCOUNTS_FIELDS,
        submitter_fields=frozenset(f.name for f in FINAL_ACCOUNTS_FIELDS),
        copies=(("FIN", "archive"),),
        may_start=gates.department_may_start("final_accounts", "FIN", gettext_lazy("财务部人员")),
        gate=gates.gate_final_accounts,
        validate=validate_final_accounts,
        description=gettext_lazy(
            "项目全部款项收回后，财务部在 5 个工作日内组织项目决算；决算表是部门业绩划分"
            "及销售提成的依据。"
        ),
    )
)


# --- 资料移交表 -------------------------------------------------------------------------------

HANDOVER_FIELDS = (
    FieldSpec(
        "items",
        gettext_lazy("移交清单"),
        "rows",
        required=True,
        columns=(
            FieldSpec("name", gettext_lazy("名称"), "text", required=True, max_length=200),
            FieldSpec("type", gettext_lazy("类型"), "text", max_length=50),
            FieldSpec("count", gettext_lazy("数量"), "int", required=True, min_value=1),
            FieldSpec("note", gettext_lazy("备注"), "text", max_length=200),
        ),
    ),
    FieldSpec("archive", gettext_lazy("电子资料"), "file", required=True),
)


register(
    FormKind(
        slug="handover",
        title=gettext_lazy("资料移交表"),
        prefix="YJ",
        fields=HANDOVER_FIELDS,
        submitter_fields=frozenset(f.name for f in HANDOVER_FIELDS),
        copies=(("PMO", "archive"),),
        may_start=gates.may_start_handover,
        gate=gates.gate_handover,
        description=gettext_lazy(
            "项目全部完成后，项目经理填写资料移交表，所有电子资料刻盘，与相关文档一起移交项目管理部存档。"
        ),
    )
)
