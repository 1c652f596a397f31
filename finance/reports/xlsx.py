"""The monthly report as a real spreadsheet, written in openpyxl's streaming (write-only) mode.

Sheets: 汇总 (department totals and the grand total, as values), 项目明细 (one row per project,
header frozen, money as '#,##0.00', a 合计 row of =SUM formulas under the data).
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..categories import categories
from .data import CATEGORIES, Accumulator, Month, Row

MONEY_FORMAT = "#,##0.00"
PCT_FORMAT = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


def _money_headers():
    return [str(label) for _c, label in categories.choices] + [
        _("本月合计"),
        _("累计成本"),
        _("预算"),
        _("偏差"),
        _("偏差率(%)"),
    ]


class _Styled:
    """One reusable styled cell per column: write-only rows are serialised on append, so a
    cell may be refilled for the next row (avoids a new styled object per cell)."""

    def __init__(self, ws, fmt, font=None):
        self.cell = WriteOnlyCell(ws)
        self.cell.number_format = fmt
        if font is not None:
            self.cell.font = font

    def __call__(self, value):
        if value is None:
            return None
        self.cell.value = value
        return self.cell


def _header(ws, titles):
    cells = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    ws.append(cells)


class XlsxSink:
    def __init__(self, month: Month):
        self.month = month
        self.book = Workbook(write_only=True)
        self.summary = self.book.create_sheet(_("汇总"))
        self.detail = self.book.create_sheet(_("项目明细"))
        self.lead = [_("项目编号"), _("项目名称"), _("部门"), _("阶段")]
        headers = self.lead + _money_headers()
        for ws, widths in ((self.detail, [16, 36, 14, 10]), (self.summary, [18, 10])):
            ws.freeze_panes = "A2"
            for i, width in enumerate(widths, start=1):
                ws.column_dimensions[get_column_letter(i)].width = width
        for i in range(len(self.lead) + 1, len(headers) + 1):
            self.detail.column_dimensions[get_column_letter(i)].width = 15
        for i in range(3, len(headers)):
            self.summary.column_dimensions[get_column_letter(i)].width = 15
        _header(self.detail, headers)
        n_money = len(CATEGORIES) + 4
        self._money = [_Styled(self.detail, MONEY_FORMAT) for _i in range(n_money)]
        self._pct = _Styled(self.detail, PCT_FORMAT)
        self.rows = 0

    def add(self, row: Row):
        money = [*row.month, row.month_total, row.cumulative, row.budget, row.variance]
        self.detail.append(
            [
                row.number,
                row.name,
                row.department,
                row.stage,
                *(cell(v) for cell, v in zip(self._money, money, strict=True)),
                self._pct(row.variance_pct),
            ]
        )
        self.rows += 1

    def _totals_formula_row(self):
        first, last = 2, self.rows + 1
        cells = [WriteOnlyCell(self.detail, value=_("合计"))]
        cells[0].font = BOLD
        cells += [None] * (len(self.lead) - 1)
        for i in range(len(CATEGORIES) + 4):
            col = get_column_letter(len(self.lead) + 1 + i)
            cell = WriteOnlyCell(self.detail, value=f"=SUM({col}{first}:{col}{last})")
            cell.number_format = MONEY_FORMAT
            cell.font = BOLD
            cells.append(cell)
        self.detail.append(cells)

    def _write_summary(self, acc: Accumulator):
        ws = self.summary
        _header(ws, [_("部门"), _("项目数"), *_money_headers()])
        for totals in [*acc.departments.values(), acc.grand]:
            bold = BOLD if totals is acc.grand else None
            values = [
                *totals.month,
                totals.month_total,
                totals.cumulative,
                totals.budget,
                totals.variance,
            ]
            name = WriteOnlyCell(ws, value=totals.name)
            if bold:
                name.font = bold
            cells = [name, totals.projects]
            for value in values:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = MONEY_FORMAT
                if bold:
                    cell.font = bold
                cells.append(cell)
            pct = WriteOnlyCell(ws, value=totals.variance_pct)
            pct.number_format = PCT_FORMAT
            cells.append(pct)
            ws.append(cells)
        ws.append([])
        ws.append(
            [
                _("月份：%(m)s；金额单位：元；偏差 = 累计成本 − 预算（仅计有预算的项目）。")
                % {"m": self.month.label}
            ]
        )

    def finish(self, acc: Accumulator) -> bytes:
        self._totals_formula_row()
        self._write_summary(acc)
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
