"""Reads of the money side: collections status, budget vs actual, the final accounts [§27].

Every figure is a Decimal rounded to cents with ROUND_HALF_UP; percentages have two decimals.
"""

from decimal import Decimal

from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from approvals.models import Form
from org.models import Department
from projects.models import DeadlineCode
from projects.policy import deadline_days
from sipm.values import to_decimal
from workcal.calendar import Workdays

from .budgets import SUM_FIELD, latest_budget_data, project_budget
from .categories import categories
from .models import CommissionRate, CostEntry, Payment, PaymentTerm
from .validation import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


_dec = to_decimal


def pct(part, whole) -> Decimal | None:
    """part / whole in %, two decimals; None when whole is missing or zero."""
    if part is None or not whole:
        return None
    return cents(part * HUNDRED / whole)


def contract_signed_on(contract):
    """The day the contract counts as signed for §22 (合同签订后): the local (Asia/Shanghai) date
    of the 合同审批表's approval, not the typed 签订日期.

    The commission's 3 working days cannot start before SIPM knows the contract is signed: the
    项目委托书 is refused until the contract is approved, and a typed sign_date may lie before
    the approval (the deadline would be overdue before it could be met) or after it. The deadline
    code (notifications.deadlines) and the selectors (projects.selectors.commission_issue_due)
    both call this function. None for a contract that is not approved.
    """
    from django.utils import timezone

    if contract is None or contract.closed_at is None:
        return None
    return timezone.localdate(contract.closed_at)


def latest_contract(project):

    return (
        Form.objects.approved()
        .of_kind("contract")
        .filter(project=project)
        .order_by("-closed_at", "-id")
        .first()
    )


def project_costs(project):
    """The project's ledger lines, newest first."""
    return CostEntry.objects.filter(project=project).select_related("entered_by")


def project_payments(project):
    return Payment.objects.filter(project=project).select_related("term", "entered_by")


def payment_terms(project) -> list[dict]:
    """The terms with what was collected on each and what is still owed."""
    terms = PaymentTerm.objects.filter(project=project).annotate(
        paid=Coalesce(Sum("payments__amount"), ZERO, output_field=SUM_FIELD)
    )
    return [
        {
            "id": t.pk,
            "position": t.position,
            "milestone": t.milestone,
            "amount": t.amount,
            "due_date": t.due_date,
            "collected": cents(t.paid),
            "outstanding": cents(t.amount - t.paid),
        }
        for t in terms.order_by("position")
    ]


def _all_collected(contract, contract_amount, collected, outstanding) -> bool:
    """The contract has terms, each term is fully collected, and the collections reach the
    contract amount (`outstanding`: what each term still owes)."""
    return bool(
        contract is not None
        and outstanding
        and all(o <= 0 for o in outstanding)
        and (contract_amount is None or collected >= contract_amount)
    )


def payment_status(project) -> dict:
    """{contract_amount, collected, outstanding, all_collected, last_payment_date}.

    contract_amount is None while the project has no approved contract. all_collected is True
    only when the contract has terms, each term is fully collected, and the collections reach the
    contract amount.
    """
    contract = latest_contract(project)
    contract_amount = _dec((contract.data or {}).get("contract_amount")) if contract else None
    agg = Payment.objects.filter(project=project).aggregate(
        collected=Coalesce(Sum("amount"), ZERO, output_field=SUM_FIELD), last=Max("date")
    )
    collected = cents(agg["collected"])
    terms = payment_terms(project)
    all_collected = _all_collected(
        contract, contract_amount, collected, [t["outstanding"] for t in terms]
    )
    outstanding = cents(max((contract_amount or ZERO) - collected, ZERO))
    return {
        "contract_amount": cents(contract_amount) if contract_amount is not None else None,
        "collected": collected,
        "outstanding": outstanding,
        "all_collected": all_collected,
        "last_payment_date": agg["last"],
    }


def _collections(contracts: dict) -> dict:
    """{project_id: (all_collected, last_payment_date)} for many projects in two queries;
    `contracts` maps each project id to its latest approved contract (or None)."""
    ids = list(contracts)
    paid = {
        row["project_id"]: row
        for row in Payment.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(collected=Coalesce(Sum("amount"), ZERO, output_field=SUM_FIELD), last=Max("date"))
        .order_by()
    }
    owed: dict[int, list] = {pid: [] for pid in ids}
    terms = (
        PaymentTerm.objects.filter(project_id__in=ids)
        .annotate(paid=Coalesce(Sum("payments__amount"), ZERO, output_field=SUM_FIELD))
        .values_list("project_id", "amount", "paid")
        .order_by()
    )
    for pid, amount, term_paid in terms:
        owed[pid].append(cents(amount - term_paid))
    out = {}
    for pid, contract in contracts.items():
        row = paid.get(pid) or {"collected": ZERO, "last": None}
        amount = _dec((contract.data or {}).get("contract_amount")) if contract else None
        done = _all_collected(contract, amount, cents(row["collected"]), owed[pid])
        out[pid] = (done, row["last"])
    return out


def final_accounts_days() -> int:
    """The working days 财务部 has for the final accounts after the last payment [§27]."""
    return deadline_days(DeadlineCode.FINAL_ACCOUNTS)


def final_accounts_due(project):
    """The date the final accounts are due (5 working days after the last payment [§27]; the
    number is projects.PolicyDeadline "final_accounts"), or None while money is still owed."""
    return final_accounts_due_many({project.pk: latest_contract(project)})[project.pk]


def final_accounts_due_many(contracts: dict, days: Workdays | None = None) -> dict:
    """final_accounts_due for many projects in a fixed number of queries: {project_id: date or
    None}; `contracts` maps each project id to its latest approved contract (or None), `days`
    a working-day span the caller already has."""
    states = _collections(contracts)
    lasts = [last for done, last in states.values() if done and last is not None]
    if not lasts:
        return dict.fromkeys(contracts)
    days = days or Workdays.around(lasts)
    n = final_accounts_days()
    return {
        pid: days.add(last, n) if done and last is not None else None
        for pid, (done, last) in states.items()
    }


def actual_costs(project) -> dict[str, Decimal]:
    rows = (
        CostEntry.objects.filter(project=project)
        .values("category")
        .annotate(total=Sum("amount", output_field=SUM_FIELD))
        .values_list("category", "total")
    )
    out = dict.fromkeys(categories.values, ZERO)
    out.update({category: cents(total) for category, total in rows})
    return out


def budget_vs_actual(project) -> list[dict]:
    """One row per category (budget, actual, variance = actual − budget, variance_pct), then a
    row with category "total". budget and the variances are None where no budget was set."""
    budget = project_budget(project)
    actual = actual_costs(project)
    rows = []
    for category, label in categories.choices:
        b = cents(budget[category]) if budget[category] is not None else None
        a = actual[category]
        variance = a - b if b is not None else None
        rows.append(
            {
                "category": category,
                "label": str(label),
                "budget": b,
                "actual": a,
                "variance": variance,
                "variance_pct": pct(variance, b),
            }
        )
    budgets = [r["budget"] for r in rows if r["budget"] is not None]
    total_budget = cents(sum(budgets, ZERO)) if budgets else None
    total_actual = cents(sum((r["actual"] for r in rows), ZERO))
    total_variance = total_actual - total_budget if total_budget is not None else None
    rows.append(
        {
            "category": "total",
            "label": gettext("合计"),
            "budget": total_budget,
            "actual": total_actual,
            "variance": total_variance,
            "variance_pct": pct(total_variance, total_budget),
        }
    )
    return rows


def performance_amounts(split_rows, contract_amount) -> list[dict]:
    """Each department's performance amount: ratio (%) × contract amount, or a fixed amount.

    When the ratios alone add up to exactly 100 %, the last ratio row takes the rounding
    remainder so the shares add up to the contract amount to the cent.
    """

    rows = [r for r in (split_rows or []) if isinstance(r, dict)]
    names = dict(
        Department.objects.filter(pk__in=[r.get("department") for r in rows]).values_list(
            "pk", "name"
        )
    )
    out = []
    for row in rows:
        ratio = _dec(row.get("ratio"))
        amount = _dec(row.get("amount"))
        if ratio is not None:
            amount = cents((contract_amount or ZERO) * ratio / HUNDRED)
        out.append(
            {
                "department_id": row.get("department"),
                "department": names.get(row.get("department"), ""),
                "ratio": ratio,
                "amount": cents(amount) if amount is not None else ZERO,
            }
        )
    ratio_rows = [r for r in out if r["ratio"] is not None]
    if (
        contract_amount is not None
        and ratio_rows
        and len(ratio_rows) == len(out)
        and sum(r["ratio"] for r in ratio_rows) == HUNDRED
    ):
        ratio_rows[-1]["amount"] += contract_amount - sum(r["amount"] for r in out)
    return out


def commission_for(margin: Decimal, margin_pct: Decimal | None) -> dict:
    """The sales commission from the admins' tier table (see CommissionRate)."""
    tier = None
    if margin_pct is not None and margin > 0:
        tier = (
            CommissionRate.objects.filter(active=True, min_margin_pct__lte=margin_pct)
            .order_by("-min_margin_pct")
            .first()
        )
    if tier is None:
        return {"min_margin_pct": None, "rate": None, "amount": ZERO, "tier": None, "label": ""}
    return {
        "min_margin_pct": tier.min_margin_pct,
        "rate": tier.rate,
        "amount": cents(margin * tier.rate / HUNDRED),
        "tier": tier.pk,
        "label": tier_label(tier),
    }


def tier_label(tier) -> str:
    return gettext("毛利率 ≥ %(m)s%% 档，提成比例 %(r)s%%（提成档位 #%(id)s）") % {
        "m": tier.min_margin_pct,
        "r": tier.rate,
        "id": tier.pk,
    }


def commission_split(project) -> list[dict]:
    """The department shares fixed by the approved 项目委托书 [§23, §25] as ratio rows; a split
    by amounts becomes the amounts' proportions (the last row takes the remainder to 100 %).
    Falls back to the latest budget's split while no commission is approved."""
    from projects.selectors import latest_approved  # same layer; projects imports finance lazily

    commission = latest_approved(project, "commission")
    rows = (commission.data if commission else latest_budget_data(project)).get(
        "performance_split"
    ) or []
    return split_as_ratios(rows)


def split_as_ratios(rows) -> list[dict]:
    rows = [r for r in rows or [] if isinstance(r, dict) and r.get("department")]
    if not rows or all(r.get("ratio") not in (None, "") for r in rows):
        return [{"department": r["department"], "ratio": r.get("ratio")} for r in rows]
    amounts = [_dec(r.get("amount")) or ZERO for r in rows]
    total = sum(amounts, ZERO)
    if not total:
        return []
    out = [
        {"department": r["department"], "ratio": str(cents(a * HUNDRED / total))}
        for r, a in zip(rows, amounts, strict=True)
    ]
    out[-1]["ratio"] = str(HUNDRED - sum(Decimal(r["ratio"]) for r in out[:-1]))
    return out


def approved_final_accounts(project):
    from projects.selectors import latest_approved  # same layer; projects imports finance lazily

    return latest_approved(project, "final_accounts")


def proposed_final_accounts(project) -> dict:
    """What the 项目决算表 starts from: the contract, the collections, the ledger's costs by
    category against the latest budget, the margin, the 项目委托书's department shares and the
    commission of the admins' tier table."""
    status = payment_status(project)
    contract_amount = status["contract_amount"]
    costs = budget_vs_actual(project)
    total = costs[-1]
    margin = cents((contract_amount or ZERO) - total["actual"])
    margin_pct = pct(margin, contract_amount)
    return {
        "project": {"id": project.pk, "number": project.number, "name": project.name},
        "source": "proposal",
        "form": None,
        **status,
        "costs": [{**row, "ledger": row["actual"], "note": ""} for row in costs[:-1]],
        "total_budget": total["budget"],
        "total_cost": total["actual"],
        "total_ledger": total["actual"],
        "gross_margin": margin,
        "gross_margin_pct": margin_pct,
        "departments": performance_amounts(commission_split(project), contract_amount),
        "commission": commission_for(margin, margin_pct),
    }


def final_accounts(project) -> dict:
    """The figures of the 项目决算表. Once a 决算表 is approved they are read from it (it is the
    basis of the department performance and the sales commission [§27]); before that, the
    proposal (proposed_final_accounts). `source` says which: "final_accounts" or "proposal"."""
    proposal = proposed_final_accounts(project)
    form = approved_final_accounts(project)
    if form is None:
        return proposal
    data = form.data or {}
    contract_amount = _dec(data.get("contract_amount"))
    budget = {r["category"]: r["budget"] for r in proposal["costs"]}
    ledger = {r["category"]: r["ledger"] for r in proposal["costs"]}
    rows = []
    for row in data.get("costs") or []:
        code = categories.code_for(row.get("category")) or row.get("category")
        amount = cents(_dec(row.get("amount")) or ZERO)
        b = budget.get(code)
        variance = amount - b if b is not None else None
        rows.append(
            {
                "category": code,
                "label": categories.label(code),
                "budget": b,
                "actual": amount,
                "ledger": ledger.get(code, ZERO),
                "variance": variance,
                "variance_pct": pct(variance, b),
                "note": row.get("note") or "",
            }
        )
    total_cost = cents(sum((r["actual"] for r in rows), ZERO))
    margin = _dec(data.get("gross_profit"))
    margin = cents(margin) if margin is not None else cents((contract_amount or ZERO) - total_cost)
    tier = data.get("commission_tier_id")
    rate = CommissionRate.objects.filter(pk=tier).first() if tier else None
    return {
        **proposal,
        "source": "final_accounts",
        "form": {
            "id": form.pk,
            "number": form.number,
            "approved_at": form.closed_at,
        },
        "contract_amount": cents(contract_amount) if contract_amount is not None else None,
        "collected": cents(_dec(data.get("received_amount")) or ZERO),
        "costs": rows,
        "total_cost": total_cost,
        "gross_margin": margin,
        "gross_margin_pct": pct(margin, contract_amount),
        "departments": performance_amounts(data.get("performance_split"), contract_amount),
        "commission": {
            "min_margin_pct": rate.min_margin_pct if rate else None,
            "rate": rate.rate if rate else None,
            "amount": cents(_dec(data.get("sales_commission")) or ZERO),
            "tier": tier,
            "label": data.get("commission_tier") or "",
        },
    }
