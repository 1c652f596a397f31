"""The monthly report's .xlsx (openpyxl, write-only mode): the detail rows read back equal the
figures, text is kept exactly, and the header row is frozen."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from finance.models import CostEntry
from finance.reports import data
from finance.reports.services import build_files

D = Decimal


def test_report_detail_rows_equal_the_figures(org, make_project, approved_form):
    # given projects with and without budgets and lines in March
    user = org["finance"]
    projects = [make_project(name=f"项目 <{i}> & 公司") for i in range(3)]
    approved_form(projects[0], "budget", {"implementation_cost": "50.00"})
    for i, project in enumerate(projects[:2]):
        CostEntry.objects.create(
            project=project,
            category="implementation",
            date=date(2025, 3, 3),
            amount=D(f"{i + 1}.25"),
            entered_by=user,
        )
    month = data.parse_month("2025-03")
    # when the spreadsheet is built
    files, _summary = build_files(month, formats=("xlsx",))
    book = load_workbook(io.BytesIO(files["xlsx"]))
    detail = book["项目明细"]
    rows = list(detail.iter_rows(min_row=2, values_only=True))[:-1]
    # then each detail row holds the row's figures, empty cells where there is no budget
    for row, got in zip(data.iter_rows(month), rows, strict=True):
        expected = [
            row.number,
            row.name,
            row.department,
            row.stage,
            *row.month,
            row.month_total,
            row.cumulative,
            row.budget,
            row.variance,
            row.variance_pct,
        ]
        assert [D(str(v)) if isinstance(v, int | float) else v for v in got] == expected
    assert book["汇总"].freeze_panes == "A2"
