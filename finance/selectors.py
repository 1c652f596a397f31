"""Reads of the money side: collections status, budget vs actual, the final accounts [§27].

Every figure is a Decimal rounded to cents with ROUND_HALF_UP; percentages have two decimals.
"""

from decimal import Decimal

from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from sipm.values import to_decimal

from .budgets import SUM_FIELD, latest_budget_data, project_budget
from .models import CommissionRate, CostCategory, CostEntry, Payment, PaymentTerm
from .validation import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


_dec = to_decimal


def pct(part, whole) -> Decimal | None:
    """part / whole in %, two decimals; None when whole is missing or zero."""
    if part is None or not whole:
        return None
    return cents(part * HUNDRED / whole)


def latest_contract(project):
    from approvals.models import Form, FormStatus

    return (
        Form.objects.filter(project=project, kind="contract", status=FormStatus.APPROVED)
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
    all_collected = bool(
        contract is not None
        and terms
        and all(t["outstanding"] <= 0 for t in terms)
        and (contract_amount is None or collected >= contract_amount)
    )
    outstanding = cents(max((contract_amount or ZERO) - collected, ZERO))
    return {
        "contract_amount": cents(contract_amount) if contract_amount is not None else None,
        "collected": collected,
        "outstanding": outstanding,
        "all_collected": all_collected,
        "last_payment_date": agg["last"],
    }


def final_accounts_due(project):
    """The date the final accounts are due (5 working days after the last payment [§27]),
    or None while money is still owed."""
    from workcal.calendar import add_working_days

    status = payment_status(project)
    if not status["all_collected"] or status["last_payment_date"] is None:
        return None
    return add_working_days(status["last_payment_date"], 5)


def actual_costs(project) -> dict[str, Decimal]:
    rows = (
        CostEntry.objects.filter(project=project)
        .values("category")
        .annotate(total=Sum("amount", output_field=SUM_FIELD))
        .values_list("category", "total")
    )
    out = dict.fromkeys(CostCategory.values, ZERO)
    out.update({category: cents(total) for category, total in rows})
    return out


def budget_vs_actual(project) -> list[dict]:
    """One row per category (budget, actual, variance = actual − budget, variance_pct), then a
    row with category "total". budget and the variances are None where no budget was set."""
    budget = project_budget(project)
    actual = actual_costs(project)
    rows = []
    for category, label in CostCategory.choices:
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
    from org.models import Department

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
        return {"min_margin_pct": None, "rate": None, "amount": ZERO}
    return {
        "min_margin_pct": tier.min_margin_pct,
        "rate": tier.rate,
        "amount": cents(margin * tier.rate / HUNDRED),
    }


def final_accounts(project) -> dict:
    """The figures of the 项目决算表: contract, collections, costs against the latest budget,
    gross margin, each department's performance amount and the sales commission."""
    status = payment_status(project)
    contract_amount = status["contract_amount"]
    costs = budget_vs_actual(project)
    total = costs[-1]
    margin = cents((contract_amount or ZERO) - total["actual"])
    margin_pct = pct(margin, contract_amount)
    budget_data = latest_budget_data(project)
    return {
        "project": {"id": project.pk, "number": project.number, "name": project.name},
        **status,
        "costs": costs[:-1],
        "total_budget": total["budget"],
        "total_cost": total["actual"],
        "gross_margin": margin,
        "gross_margin_pct": margin_pct,
        "departments": performance_amounts(budget_data.get("performance_split"), contract_amount),
        "commission": commission_for(margin, margin_pct),
    }
