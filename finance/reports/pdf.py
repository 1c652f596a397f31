"""The monthly report as a PDF (WeasyPrint, Noto Sans CJK SC): the category and department
totals, then the projects with the largest spend of the month (at most PDF_TOP_PROJECTS rows;
the spreadsheet has every project). The figures come aggregated from the database
(data.summarize): the PDF never reads the projects one by one."""

from django.template.loader import render_to_string
from django.utils import timezone

from ..categories import categories
from .data import Accumulator, Month

PDF_TOP_PROJECTS = 100

# Fixed table layout: WeasyPrint then takes the column widths from the header row instead of
# measuring every cell's text twice (automatic layout was more than half of the render at 100
# rows), and a department's name no longer shrinks to one character per line to make room for
# the figures. The text columns get their widths here, the figure columns share the rest; the
# department table's figures (totals over every project) are set smaller so they fit.
LAYOUT_CSS = """
  table { table-layout: fixed; }
  td { overflow-wrap: anywhere; }
  table:nth-of-type(1) th, table:nth-of-type(1) td { font-size: 6.3pt; padding: 1mm 0.6mm; }
  table:nth-of-type(1) th:nth-child(1) { width: 14mm; }
  table:nth-of-type(1) th:nth-child(2) { width: 9mm; }
  table:nth-of-type(2) th:nth-child(1) { width: 24mm; }
  table:nth-of-type(2) th:nth-child(2) { width: 34mm; }
  table:nth-of-type(2) th:nth-child(3) { width: 18mm; }
"""


def render_pdf(month: Month, acc: Accumulator, *, generated_at=None) -> bytes:
    from weasyprint import CSS, HTML

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
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=LAYOUT_CSS)])
