"""项目评估 [§26], 项目决算表 [§27] and 资料移交表 [§28]."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register
from finance import prefill, proposals
from finance.proposals import reconciliation
from org.codes import Dept

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
    # Pre-filled from 实施 (delivery.selectors.plan_vs_actual): plan vs actual.
    FieldSpec("planned_man_days", gettext_lazy("计划工日"), "decimal"),
    FieldSpec("actual_man_days", gettext_lazy("实际工日"), "decimal"),
    money("planned_cost", gettext_lazy("计划人工成本"), required=False),
    money("actual_cost", gettext_lazy("实际人工成本"), required=False),
    FieldSpec("spi", "SPI", "decimal"),
    FieldSpec("cpi", "CPI", "decimal"),
)


def gate_evaluation(project, data, form=None):
    """§26 "项目实施完毕后": the commission approved and the customer's final acceptance."""
    from delivery.selectors import final_acceptance  # delivery is built on projects

    message = gates.gate_evaluation(project, data, form)
    if message is None and final_acceptance(project) is None:
        message = _("客户最终验收（验收单批准）后才能进行项目评估。")
    return message


def evaluation_prefill(project) -> dict:
    from delivery.selectors import plan_vs_actual  # delivery is built on projects

    figures = plan_vs_actual(project)
    names = ("planned_man_days", "actual_man_days", "planned_cost", "actual_cost", "spi", "cpi")
    return {n: str(figures[n]) for n in names if figures.get(n) is not None}


register(
    FormKind(
        slug="evaluation",
        title=gettext_lazy("项目评估"),
        prefix="PG",
        fields=EVALUATION_FIELDS,
        submitter_fields=frozenset(f.name for f in EVALUATION_FIELDS),
        copies=((Dept.PMO, "archive"),),
        may_start=gates.department_may_start(
            "evaluation", Dept.PMO, gettext_lazy("项目管理部人员")
        ),
        gate=gate_evaluation,
        extra={"initial": lambda _spec, project: evaluation_prefill(project)},
        description=gettext_lazy("项目实施完毕后，由项目管理部组织对项目实施情况进行评估。"),
    )
)


# --- 项目决算表 -------------------------------------------------------------------------------

FINAL_ACCOUNTS_FIELDS = (
    FieldSpec(
        "evaluation_state",
        gettext_lazy("项目评估状态"),
        "text",
        help=gettext_lazy("决算不必等待项目评估；此处显示评估进展"),
    ),
    money("contract_amount", gettext_lazy("合同金额")),
    money("received_amount", gettext_lazy("已收款")),
    FieldSpec(
        "costs",
        gettext_lazy("成本明细"),
        "rows",
        columns=(
            FieldSpec("category", gettext_lazy("成本类别"), "text", required=True, max_length=50),
            FieldSpec("amount", gettext_lazy("金额"), "money", required=True),
            FieldSpec("note", gettext_lazy("与台账差异说明"), "text", max_length=300),
        ),
        help=gettext_lazy("按成本台账预填；金额与台账不一致时须说明差异"),
    ),
    money("gross_profit", gettext_lazy("毛利"), min_value=Decimal("-999999999999.99")),
    performance_split(
        label=gettext_lazy("各部门业绩"),
        help=gettext_lazy("按比例（合计 100%）或按金额（合计等于合同金额）"),
    ),
    money("sales_commission", gettext_lazy("销售提成")),
    FieldSpec("commission_tier", gettext_lazy("适用的提成档位"), "text"),
    FieldSpec("commission_tier_id", gettext_lazy("提成档位编号"), "int"),
    textarea("notes", gettext_lazy("说明"), required=False),
)
FINAL_ACCOUNTS_SYSTEM = frozenset({"evaluation_state", "commission_tier", "commission_tier_id"})
FINAL_ACCOUNTS_PREFILLED = tuple(
    f
    for f in FINAL_ACCOUNTS_FIELDS
    if f.name
    in (
        "contract_amount",
        "received_amount",
        "costs",
        "gross_profit",
        "performance_split",
        "sales_commission",
    )
)
FINAL_ACCOUNTS_CHANGE_FIELDS = prefill.change_fields(FINAL_ACCOUNTS_PREFILLED)
RECONCILIATION_FIELD = FieldSpec(
    "reconciliation",
    gettext_lazy("与成本台账核对"),
    "rows",
    columns=(
        FieldSpec("category", gettext_lazy("成本类别"), "text"),
        FieldSpec("ledger", gettext_lazy("台账金额"), "money"),
        FieldSpec("form", gettext_lazy("决算表金额"), "money"),
        FieldSpec("difference", gettext_lazy("差额"), "money"),
        FieldSpec("note", gettext_lazy("说明"), "text"),
    ),
)
ALL_FINAL_ACCOUNTS_FIELDS = (
    FINAL_ACCOUNTS_FIELDS + FINAL_ACCOUNTS_CHANGE_FIELDS + (RECONCILIATION_FIELD,)
)


def _check_costs(errors, data, project):
    # finance's categories and ledger (same layer; imported where used, as the kinds load early)
    from finance.categories import categories

    seen = set()
    for i, row in enumerate(data.get("costs") or [], start=1):
        code = categories.code_for(row.get("category"))
        if code is None:
            names = "、".join(name for _c, name in categories.choices)
            errors.add(
                "costs",
                _("第 %(i)d 行：“%(c)s”不是费用类别，可选：%(n)s。")
                % {"i": i, "c": row.get("category"), "n": names},
            )
            return
        if code in seen:
            errors.add("costs", _("第 %(i)d 行：费用类别重复。") % {"i": i})
            return
        seen.add(code)
    if project is None or data.get("costs") is None:
        return
    unexplained = [
        _("%(c)s（台账 %(l)s，决算表 %(f)s）")
        % {
            "c": r["category"],
            "l": fmt_money(Decimal(r["ledger"])),
            "f": fmt_money(Decimal(r["form"])),
        }
        for r in reconciliation(project, data)
        if Decimal(r["difference"]) != 0 and not r.get("note")
    ]
    if unexplained:
        errors.add(
            "costs",
            _(
                "以下类别与成本台账不一致，须在“与台账差异说明”中说明（未列出的类别请补一行）：%(l)s。"
            )
            % {"l": "；".join(unexplained)},
        )


def validate_final_accounts(data, form=None):
    errors = Errors(ALL_FINAL_ACCOUNTS_FIELDS)
    prefill.check_change_reasons(errors, data)
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
            _("项目款项须全部收回后才能决算：已收 %(r)s，合同金额 %(a)s。")
            % {"r": fmt_money(received), "a": fmt_money(amount)},
        )
    _check_costs(errors, data, project)
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


def final_accounts_approved(*, form, acting_user, when):
    from core.events import emit  # the event stream (lower layer), at approval time

    emit(
        "final_accounts.approved",
        actor=acting_user,
        form=form,
        project=form.project_id,
        payload={
            "contract_amount": form.data.get("contract_amount"),
            "gross_profit": form.data.get("gross_profit"),
            "sales_commission": form.data.get("sales_commission"),
            "commission_tier": form.data.get("commission_tier_id"),
            "performance_split": form.data.get("performance_split"),
        },
        when=when,
    )


register(
    FormKind(
        slug="final_accounts",
        title=gettext_lazy("项目决算表"),
        prefix="JS",
        fields=ALL_FINAL_ACCOUNTS_FIELDS,
        submitter_fields=frozenset(
            f.name
            for f in FINAL_ACCOUNTS_FIELDS + FINAL_ACCOUNTS_CHANGE_FIELDS[:1]
            if f.name not in FINAL_ACCOUNTS_SYSTEM
        ),
        copies=((Dept.FIN, "archive"),),
        may_start=gates.department_may_start(
            "final_accounts", Dept.FIN, gettext_lazy("财务部人员")
        ),
        gate=gates.gate_final_accounts,
        validate=validate_final_accounts,
        extra={
            "prefill": proposals.final_accounts_proposal,
            "initial": prefill.initial_values,
            "complete": prefill.complete_form_data,
        },
        description=gettext_lazy(
            "项目全部款项收回后，财务部在 5 个工作日内组织项目决算（不必等待项目评估完成）；"
            "按成本台账、回款和项目委托书的业绩划分预填。决算表是部门业绩划分及销售提成的依据。"
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


def validate_handover(data, form=None):
    errors = Errors(HANDOVER_FIELDS)
    items = [r for r in data.get("items") or [] if isinstance(r, dict) and r.get("name")]
    if not items:
        errors.add("items", _("须列出移交的资料（至少一项）。"))
    return errors


def handover_approved(*, form, acting_user, when):
    """归档 is the approval of the 资料移交表: check again what may have changed since it was
    submitted (the approval is undone with the message)."""
    from sipm.errors import Conflict  # undo the approval, as other on_approved hooks do

    refusal = gates.archive_refusal(form.project) if form.project_id else None
    if refusal:
        raise Conflict(refusal, code="precondition")


register(
    FormKind(
        slug="handover",
        title=gettext_lazy("资料移交表"),
        prefix="YJ",
        fields=HANDOVER_FIELDS,
        submitter_fields=frozenset(f.name for f in HANDOVER_FIELDS),
        copies=((Dept.PMO, "archive"),),
        may_start=gates.may_start_handover,
        gate=gates.gate_handover,
        validate=validate_handover,
        description=gettext_lazy(
            "项目全部完成后，项目经理填写资料移交表，所有电子资料刻盘，与相关文档一起移交项目管理部存档。"
        ),
    )
)
