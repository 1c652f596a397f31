"""What each money form proposes from the records before it (see finance.prefill).

- 合同审批表 [§21]: the approved 报价审批表 (referenced by id), its 对外报价金额 as 合同金额, and
  a side-by-side table of the quotation and the contract for the GM.
- 项目委托书 [§22–§25]: 实施费用 from the budget's 项目实施成本, 实施工日 from the quotation, the
  budget's department split, the project manager and his department's manager.
- 项目决算表 [§27]: the contract, the collections, the ledger's costs by category, the margin,
  the 项目委托书's split, the commission of the admins' tier, and the 项目评估's state.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from approvals.kinds import get_kind
from approvals.models import Form
from projects.selectors import latest_approved
from sipm.values import money_text, to_decimal

from .categories import categories
from .prefill import Proposal
from .validation import cents

ZERO = Decimal("0.00")


def _latest(project, kind):
    return latest_approved(project, kind)


def _money_text(value) -> str:
    return money_text(value) if value not in (None, "") else "—"


def _src(form, label) -> str:
    return _("《%(t)s》%(n)s · %(f)s") % {
        "t": get_kind(form.kind).title,
        "n": form.number,
        "f": label,
    }


# --- 合同审批表 ---------------------------------------------------------------------------------


def contract_proposal(project) -> Proposal:
    proposal = Proposal()
    quotation = _latest(project, "quotation")
    if quotation is None:
        return proposal
    proposal.put(
        "contract_amount", quotation.data.get("quote_amount"), _src(quotation, _("对外报价金额"))
    )
    proposal.system["quotation"] = quotation.pk
    proposal.finish = lambda data: {"quote_comparison": quote_comparison(quotation, data)}
    return proposal


_d = to_decimal


def quote_comparison(quotation, data) -> list[dict]:
    """The approved quotation beside the contract, row by row, for the GM [§21]."""
    q = quotation.data or {}
    quote, amount, list_price = (
        _d(q.get("quote_amount")),
        _d(data.get("contract_amount")),
        _d(q.get("list_price")),
    )

    def rate(value):
        if value is None or not list_price:
            return "—"
        return f"{cents(value * 100 / list_price)}%"

    from django.utils import timezone

    rows = [
        (_("表单"), quotation.number, _("本表")),
        (
            _("批准时间"),
            timezone.localtime(quotation.closed_at).strftime("%Y-%m-%d")
            if quotation.closed_at
            else "",
            "",
        ),
        (_("金额（对外报价 / 合同金额）"), _money_text(quote), _money_text(amount)),
        (
            _("合同金额 − 对外报价"),
            "",
            _money_text(amount - quote) if amount is not None and quote is not None else "—",
        ),
        (_("估算价"), _money_text(list_price), ""),
        (_("折扣率"), rate(quote), rate(amount)),
        (_("外购成本"), _money_text(q.get("purchase_cost")), ""),
        (_("预计销售费用"), _money_text(q.get("sales_expense")), ""),
        (_("预计实施工日"), str(q.get("implementation_man_days") or ""), ""),
        (_("维护工日"), str(q.get("maintenance_man_days") or ""), ""),
    ]
    return [{"item": a, "quotation": b, "contract": c} for a, b, c in rows]


# --- 项目委托书 ---------------------------------------------------------------------------------


def commission_proposal(project) -> Proposal:
    from .budgets import latest_budget_data
    from .selectors import split_as_ratios

    proposal = Proposal()
    budget_form = _latest(project, "budget_change") or _latest(project, "budget")
    budget = latest_budget_data(project)
    quotation = _latest(project, "quotation")
    if budget_form is not None:
        proposal.put(
            "implementation_fee",
            budget.get("implementation_cost"),
            _src(budget_form, _("项目实施成本")),
        )
        proposal.put(
            "performance_split",
            split_as_ratios(budget.get("performance_split")) or None,
            _src(budget_form, _("部门业绩分配")),
        )
    if quotation is not None:
        proposal.put(
            "man_days",
            quotation.data.get("implementation_man_days"),
            _src(quotation, _("预计实施工日")),
        )
    contract = _latest(project, "contract")
    if contract is not None:
        from .selectors import contract_signed_on

        signed = contract_signed_on(contract)
        if signed is not None:
            proposal.defaults["start_date"] = signed.isoformat()
    manager = project.project_manager
    if manager is not None:
        proposal.defaults["project_manager"] = manager.pk
        dept = manager.department
        if dept is not None and dept.manager_id:
            proposal.defaults["dept_manager"] = dept.manager_id
    return proposal


# --- 项目决算表 ---------------------------------------------------------------------------------


def evaluation_state(project) -> str:
    form = Form.objects.filter(project=project, kind="evaluation").order_by("-id").first()
    if form is None:
        return _("项目评估尚未发起")
    return _("项目评估 %(n)s：%(s)s") % {"n": form.number, "s": form.get_status_display()}


def final_accounts_proposal(project) -> Proposal:
    from .selectors import proposed_final_accounts

    fa = proposed_final_accounts(project)
    proposal = Proposal()
    contract = _latest(project, "contract")
    commission = _latest(project, "commission")
    ledger = _("成本台账（%(n)d 笔）") % {"n": project.cost_entries.count()}
    if fa["contract_amount"] is not None:
        proposal.put("contract_amount", str(fa["contract_amount"]), _src(contract, _("合同金额")))
    proposal.put(
        "received_amount",
        str(fa["collected"]),
        _("回款记录（%(n)d 笔）") % {"n": project.payments.count()},
    )
    rows = [
        {"category": row["label"], "amount": str(row["ledger"])}
        for row in fa["costs"]
        if row["ledger"] > 0
    ]
    proposal.put("costs", rows, ledger)
    proposal.put("gross_profit", str(fa["gross_margin"]), _("合同金额 − 台账成本合计"))
    split = [
        {"department": d["department_id"], "ratio": str(d["ratio"])}
        for d in fa["departments"]
        if d["ratio"] is not None
    ]
    split_source = (
        _src(commission, _("部门业绩划分")) if commission else _("项目预算表 · 部门业绩分配")
    )
    proposal.put("performance_split", split or None, split_source)
    tier = fa["commission"]
    proposal.put(
        "sales_commission",
        str(tier["amount"]),
        tier["label"] or _("销售提成比例表：没有适用的档位"),
    )
    proposal.system.update(
        {
            "commission_tier": tier["label"] or _("没有适用的提成档位"),
            "commission_tier_id": tier["tier"],
            "evaluation_state": evaluation_state(project),
        }
    )
    proposal.finish = lambda data: {"reconciliation": reconciliation(project, data)}
    return proposal


def ledger_by_category(project) -> dict[str, Decimal]:
    from .selectors import actual_costs

    return {code: amount for code, amount in actual_costs(project).items() if amount > 0}


def reconciliation(project, data) -> list[dict]:
    """Each category of the ledger or the 决算表: ledger, form, difference and the note that
    explains it (empty when they agree to the cent)."""
    ledger = ledger_by_category(project)
    form_rows = {}
    for row in data.get("costs") or []:
        code = categories.code_for(row.get("category")) or str(row.get("category"))
        amount = _d(row.get("amount")) or ZERO
        prev = form_rows.get(code, (ZERO, ""))
        form_rows[code] = (prev[0] + amount, row.get("note") or prev[1])
    out = []
    for code in list(dict.fromkeys([*ledger, *form_rows])):
        in_ledger = ledger.get(code, ZERO)
        in_form, note = form_rows.get(code, (ZERO, ""))
        row = {
            "category": categories.label(code),
            "ledger": str(cents(in_ledger)),
            "form": str(cents(in_form)),
            "difference": str(cents(in_form - in_ledger)),
        }
        if note:
            row["note"] = note
        out.append(row)
    return out
