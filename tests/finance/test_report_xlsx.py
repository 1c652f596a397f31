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


def test_report_workbook_layout_and_exact_money(org, make_project, approved_form):
    # given amounts whose 16-digit float text is not their own (99999.99 → 99999.99000000001),
    # a name with XML specials, spaces at both ends and a control character, and a zero budget
    user = org["finance"]
    odd = make_project(name=" 甲 <b>&\x07乙 ")
    zero = make_project()
    approved_form(zero, "budget", {"implementation_cost": "0.00"})
    budgeted = make_project()
    approved_form(budgeted, "budget", {"implementation_cost": "80.00"})
    lines = ((odd, "99999.99"), (odd, "0.07"), (zero, "12345678.91"), (budgeted, "100.00"))
    for project, amount in lines:
        CostEntry.objects.create(
            project=project,
            category="management",
            date=date(2025, 3, 9),
            amount=D(amount),
            entered_by=user,
        )
    month = data.parse_month("2025-03")
    # when the spreadsheet is built and read back
    files, _summary = build_files(month, formats=("xlsx",))
    book = load_workbook(io.BytesIO(files["xlsx"]))
    # then the sheets come in order, each with a frozen, bold, filled, centred header
    assert book.sheetnames == ["汇总", "项目明细"]
    detail, summary = book["项目明细"], book["汇总"]
    for sheet in (detail, summary):
        assert sheet.freeze_panes == "A2"
        head = sheet["A1"]
        assert head.font.b and head.fill.fgColor.rgb.endswith("DDEBF7")
        assert head.alignment.horizontal == "center" and head.alignment.wrap_text
    assert detail.column_dimensions["A"].width == 16
    assert detail.column_dimensions["B"].width == 36
    assert detail.column_dimensions["E"].width == 15
    assert summary.column_dimensions["A"].width == 18
    header = [c.value for c in detail[1]]
    assert header[-5:] == ["本月合计", "累计成本", "预算", "偏差", "偏差率(%)"]
    # the name is kept exactly, but for the character XML cannot carry
    rows = {r[1]: r for r in detail.iter_rows(min_row=2, max_row=4, values_only=True)}
    assert " 甲 <b>&乙 " in rows
    management = header.index("过程管理成本")
    assert str(rows[" 甲 <b>&乙 "][management]) == "100000.06"
    # a zero budget has a variance but no percentage; no budget has neither
    zero_row = rows[zero.name]
    assert D(str(zero_row[header.index("偏差")])) == D("12345678.91")
    assert zero_row[header.index("偏差率(%)")] is None
    assert rows[" 甲 <b>&乙 "][header.index("预算")] is None
    assert D(str(rows[budgeted.name][-1])) == D("25.00")
    # money cells are formatted as money, the percentage with two places
    assert detail.cell(row=2, column=management + 1).number_format == "#,##0.00"
    assert detail.cell(row=4, column=header.index("偏差") + 1).number_format == "#,##0.00"
    assert detail.cell(row=4, column=len(header)).number_format == "0.00"
    # the 合计 row is bold; in the summary the grand total's figures are bold money
    total = detail[5]
    assert total[0].value == "合计" and total[0].font.b
    assert total[management].font.b and total[management].number_format == "#,##0.00"
    grand = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "合计")
    assert grand[0].font.b and grand[2].font.b and grand[2].number_format == "#,##0.00"
    assert str(grand[2 + header.index("过程管理成本") - 4].value) == "12445778.97"
    note = [r[0].value for r in summary.iter_rows() if r[0].value][-1]
    assert note.startswith("月份：2025-03；金额单位：元")
