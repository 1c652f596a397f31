"""A project's money trail on one page: quote → budget → contract → payments → costs → 决算.

`money_trail(project)` returns sections of figures; each figure names the record it comes from
and links to it (the approved form, the payments page, the ledger filtered by category, the
final-accounts page). `money_trail_xlsx(trail)` is the same as a spreadsheet (openpyxl).
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.kinds import get_kind
from approvals.models import Form
from sipm.values import to_decimal

from .categories import categories

ZERO = Decimal("0.00")


@dataclass
class Figure:
    label: str
    amount: Decimal | None = None
    text: str = ""
    source: str = ""
    url: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    note: str = ""


_d = to_decimal


def _form_url(form) -> str:
    return reverse("form-detail", args=[form.pk])


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _approved(project, *kinds):
    return list(
        Form.objects.approved().of_kind(*kinds).filter(project=project).order_by("closed_at", "id")
    )


def _form_figures(form, names) -> list[Figure]:
    kind = get_kind(form.kind)
    source = f"{kind.title} {form.number}（{_('批准于')} {_day(form.closed_at)}）"
    out = []
    for name in names:
        spec = kind.field(name)
        value = _d((form.data or {}).get(name))
        if spec is None or value is None:
            continue
        out.append(Figure(str(spec.label), value, source=source, url=_form_url(form)))
    return out


def money_trail(project) -> list[Section]:
    from .selectors import (
        budget_vs_actual,
        contract_signed_on,
        final_accounts,
        payment_terms,
        project_payments,
    )

    sections = []
    quote = Section("quotation", _("报价"))
    for form in _approved(project, "quotation"):
        quote.figures += _form_figures(
            form, ("list_price", "quote_amount", "purchase_cost", "sales_expense")
        )
    sections.append(quote)

    budget = Section("budget", _("预算"))
    for form in _approved(project, "budget", "budget_change"):
        budget.figures += _form_figures(
            form, ("implementation_cost", "management_cost", "maintenance_cost")
        )
    sections.append(budget)

    contract = Section("contract", _("合同"))
    for form in _approved(project, "contract"):
        contract.figures += _form_figures(form, ("contract_amount",))
        signed = contract_signed_on(form)
        contract.figures.append(
            Figure(
                _("合同签订（按合同审批表批准日计）"),
                text=signed.isoformat() if signed else "",
                source=form.number,
                url=_form_url(form),
            )
        )
    sections.append(contract)

    payments_url = reverse("project-payments", args=[project.pk])
    pay = Section("payments", _("回款"))
    for term in payment_terms(project):
        pay.figures.append(
            Figure(
                _("付款节点 %(i)d：%(m)s") % {"i": term["position"], "m": term["milestone"]},
                term["amount"],
                text=_("已收 %(c)s，未收 %(o)s")
                % {"c": f"{term['collected']:,.2f}", "o": f"{term['outstanding']:,.2f}"},
                source=_("付款条款"),
                url=f"{payments_url}#term-{term['id']}",
            )
        )
    for payment in project_payments(project).order_by("date", "id"):
        pay.figures.append(
            Figure(
                _("回款 %(d)s") % {"d": payment.date.isoformat()},
                payment.amount,
                text=payment.note,
                source=_("回款记录 #%(id)d") % {"id": payment.pk},
                url=f"{payments_url}#payment-{payment.pk}",
            )
        )
    sections.append(pay)

    costs_url = reverse("project-costs", args=[project.pk])
    cost = Section("costs", _("成本"))
    for row in budget_vs_actual(project):
        if row["category"] == "total":
            cost.figures.append(
                Figure(str(row["label"]), row["actual"], source=_("成本台账"), url=costs_url)
            )
            continue
        if not row["actual"] and row["budget"] is None:
            continue
        budgeted = row["budget"]
        text = _("预算 %(b)s") % {"b": f"{budgeted:,.2f}"} if budgeted is not None else ""
        cost.figures.append(
            Figure(
                row["label"],
                row["actual"],
                text=text,
                source=_("成本台账"),
                url=f"{costs_url}?category={row['category']}",
            )
        )
    sections.append(cost)

    fa = final_accounts(project)
    fa_url = reverse("project-final-accounts", args=[project.pk])
    if fa["source"] == "final_accounts":
        source = _("已批准的项目决算表 %(n)s") % {"n": fa["form"]["number"]}
        url = reverse("form-detail", args=[fa["form"]["id"]])
    else:
        source, url = _("决算建议（尚无已批准的决算表）"), fa_url
    final = Section("final", _("决算"), note=source)
    for label, amount in (
        (_("合同金额"), fa["contract_amount"]),
        (_("已收款"), fa["collected"]),
        (_("成本合计"), fa["total_cost"]),
        (_("毛利"), fa["gross_margin"]),
        (_("销售提成"), fa["commission"]["amount"]),
    ):
        final.figures.append(Figure(label, amount, source=source, url=url))
    for dept in fa["departments"]:
        final.figures.append(
            Figure(
                _("部门业绩：%(d)s") % {"d": dept["department"]},
                dept["amount"],
                text=f"{dept['ratio']}%" if dept["ratio"] is not None else "",
                source=source,
                url=url,
            )
        )
    sections.append(final)
    return sections


def money_trail_xlsx(project, sections, base_url="") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = _("资金链")
    sheet.append([f"{project.number} {project.name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = [_("环节"), _("项目"), _("金额"), _("说明"), _("来源"), _("链接")]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for section in sections:
        for fig in section.figures:
            sheet.append(
                [
                    section.title,
                    fig.label,
                    fig.amount,
                    fig.text,
                    fig.source,
                    base_url + fig.url if fig.url else "",
                ]
            )
            row = sheet.max_row
            sheet.cell(row=row, column=3).number_format = "#,##0.00"
            if fig.url:
                link = sheet.cell(row=row, column=6)
                link.hyperlink = link.value
                link.style = "Hyperlink"
    for column, width in zip("ABCDEF", (10, 34, 16, 30, 40, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def category_filter(code):
    """The ledger page's ?category= filter: a known code or None."""
    return code if code in categories.values else None
