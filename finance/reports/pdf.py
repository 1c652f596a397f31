"""The monthly report as a PDF (WeasyPrint, Noto Sans CJK SC): the category and department
totals, then the projects with the largest spend of the month (at most PDF_TOP_PROJECTS rows;
the spreadsheet has every project)."""

from django.template.loader import render_to_string
from django.utils import timezone

from ..categories import categories
from .data import Accumulator, Month

PDF_TOP_PROJECTS = 100


def render_pdf(month: Month, acc: Accumulator, *, generated_at=None) -> bytes:
    from weasyprint import HTML

    top = acc.top_rows()
    html = render_to_string(
        "finance/monthly_report.html",
        {
            "month": month,
            "categories": [str(label) for _c, label in categories.choices],
            "grand": acc.grand,
            "departments": list(acc.departments.values()),
            "top": top,
            "active_projects": acc.active_projects,
            "omitted": max(acc.active_projects - len(top), 0),
            "generated_at": timezone.localtime(generated_at or timezone.now()),
        },
    )
    return HTML(string=html).write_pdf()
