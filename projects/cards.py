"""What the company's approvers see on a queue card, per form kind (approvals.cards).

One prefetch per page reads the approved money forms of the page's projects (budget versions,
quotation, contract) and the discount limits; the figure functions only compute.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from approvals.cards import Figure, register_card, register_prefetch
from approvals.models import Form, FormStatus
from approvals.webforms import money_text
from org.codes import RoleCode
from org.selectors import user_has_role, users_with_role
from sipm.values import to_decimal

from .discounts import discount_rate
from .models import DiscountLimit
from .selectors import BUDGET_FIGURES

MONEY_KINDS = ("budget", "budget_change", "quotation", "contract")


_dec = to_decimal


def _budget_total(data):
    values = [_dec(data.get(n)) for n in BUDGET_FIGURES]
    return None if any(v is None for v in values) else sum(values, Decimal("0"))


def prefetch(forms, user):
    project_ids = {f.project_id for f in forms if f.project_id}
    ctx = {"is_gm": user_has_role(user, RoleCode.GM), "budget": {}, "quote": {}, "contract": {}}
    if any(f.kind == "quotation" for f in forms):
        own = DiscountLimit.objects.filter(user=user).values_list("min_rate", flat=True).first()
        if own is None:
            own = min(
                DiscountLimit.objects.filter(
                    user__in=users_with_role(RoleCode.SALES_DIR)
                ).values_list("min_rate", flat=True),
                default=None,
            )
        ctx["discount_limit"] = own
    if project_ids and any(f.kind in MONEY_KINDS for f in forms):
        rows = (
            Form.objects.filter(
                project_id__in=project_ids, kind__in=MONEY_KINDS, status=FormStatus.APPROVED
            )
            .order_by("closed_at", "id")
            .values_list("project_id", "kind", "data")
        )
        for project_id, kind, data in rows:  # later approvals overwrite earlier ones
            if kind in ("budget", "budget_change"):
                ctx["budget"][project_id] = _budget_total(data or {})
            elif kind == "quotation":
                ctx["quote"][project_id] = _dec((data or {}).get("quote_amount"))
            else:
                ctx["contract"][project_id] = _dec((data or {}).get("contract_amount"))
    return ctx


def _money(label, value, tone=""):
    return Figure(str(label), money_text(value), tone)


def _margin(amount, cost):
    """毛利 and 毛利率 for the GM: revenue minus the budget."""
    if amount is None or cost is None:
        return None
    margin = amount - cost
    rate = f"（{(margin / amount * 100).quantize(Decimal('0.1'))}%）" if amount else ""
    return Figure(_("毛利"), money_text(margin) + rate, "warn" if margin < 0 else "ok")


def _revenue(form, ctx):
    project = form.project
    pid = form.project_id
    return (
        ctx["contract"].get(pid)
        or ctx["quote"].get(pid)
        or (project.estimated_amount if project is not None else None)
    )


def initiation(form, ctx):
    d = form.data
    out = [
        _money(_("预计合同金额"), d.get("estimated_amount")),
        _money(_("售前费用"), d.get("presales_budget")),
    ]
    if d.get("success_rate"):
        out.append(Figure(_("成功率"), f"{d['success_rate']}%"))
    if d.get("is_special"):
        out.append(Figure(_("特殊项目"), _("是"), "warn"))
    return out


def presales(form, ctx):
    return [Figure(_("时间要求"), str(form.data.get("required_by") or ""))]


def early_start(form, ctx):
    d = form.data
    days, cost = _dec(d.get("man_days")), _dec(d.get("man_day_cost"))
    out = [Figure(_("提前工期"), _("%(n)s 个工作日") % {"n": d.get("duration_days")})]
    if days is not None and cost is not None:
        out.append(_money(_("工日成本合计"), days * cost))
    return out


def quotation(form, ctx):
    d = form.data
    out = [_money(_("对外报价"), d.get("quote_amount")), _money(_("估算价"), d.get("list_price"))]
    rate = discount_rate(d)
    if rate is not None:
        limit = ctx.get("discount_limit")
        if limit is None:
            out.append(Figure(_("折扣率"), f"{rate}%"))
        else:
            below = rate < limit
            text = _("%(rate)s%%（权限 ≥ %(limit)s%%）") % {"rate": rate, "limit": limit}
            out.append(Figure(_("折扣率"), text, "warn" if below else "ok"))
    if ctx["is_gm"]:
        out.append(_margin(_dec(d.get("quote_amount")), ctx["budget"].get(form.project_id)))
    return out


def budget(form, ctx):
    total = _budget_total(form.data)
    out = [_money(_("预算合计"), total)]
    if form.kind == "budget_change":
        before = ctx["budget"].get(form.project_id)
        if before is not None and total is not None:
            out.append(_money(_("变更前"), before))
    if ctx["is_gm"]:
        out.append(_margin(_revenue(form, ctx), total))
    return out


def contract(form, ctx):
    amount = _dec(form.data.get("contract_amount"))
    out = [_money(_("合同金额"), amount)]
    if ctx["is_gm"]:
        out.append(_margin(amount, ctx["budget"].get(form.project_id)))
    return out


def commission(form, ctx):
    d = form.data
    return [
        _money(_("实施费用"), d.get("implementation_fee")),
        Figure(_("实施工日"), str(d.get("man_days") or "")),
    ]


def final_accounts(form, ctx):
    d = form.data
    return [
        _money(_("合同金额"), d.get("contract_amount")),
        _money(_("毛利"), d.get("gross_profit")),
    ]


register_prefetch(prefetch)
for slug, fn in {
    "initiation": initiation,
    "presales": presales,
    "early_start": early_start,
    "quotation": quotation,
    "budget": budget,
    "budget_change": budget,
    "contract": contract,
    "commission": commission,
    "final_accounts": final_accounts,
}.items():
    register_card(slug, fn)
