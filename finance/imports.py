"""Importing cost lines from an Excel sheet, with a row-by-row report.

The first sheet's first row holds the headers 日期, 费用类别, 金额 and optionally 说明 (in any
order; 发生日期/类别/备注 are accepted too). Every row is checked; a bad row is reported with
its row number, column and a Chinese message, and is not saved. All good rows are saved together
in one transaction with one audit event each: either every good row is in the ledger or (on a
database failure) none is, so an import is never half-written and can simply be run again after
fixing the reported rows (only the fixed rows need to be in the second file).
"""

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sipm.errors import Conflict, InvalidInput
from workcal.calendar import today as shanghai_today

from . import permissions
from .services import _project_for, _save_cost, clean_cost_values, cost_stage_refusal
from .validation import cents

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# field → accepted header texts; the first is the one shown in messages.
HEADERS = {
    "date": ("日期", "发生日期", "date"),
    "category": ("费用类别", "类别", "category"),
    "amount": ("金额", "金额(元)", "金额（元）", "amount"),
    "note": ("说明", "备注", "note"),
}
REQUIRED = ("date", "category", "amount")


@dataclass
class ImportReport:
    file_name: str = ""
    rows: int = 0
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        total = cents(sum((e.amount for e in self.created), start=Decimal("0")))
        return {
            "file_name": self.file_name,
            "rows": self.rows,
            "created": len(self.created),
            "failed": len({e["row"] for e in self.errors}),
            "total_amount": str(total),
            "entries": [e.pk for e in self.created],
            "errors": self.errors,
        }


def _open_rows(upload):
    from openpyxl import load_workbook

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise InvalidInput(
            _("文件过大：最大 %(mb)d MB。") % {"mb": MAX_BYTES // (1024 * 1024)},
            fields={"file": _("文件过大。")},
        )
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        message = _("无法读取文件：请上传 Excel（.xlsx）格式的成本表。")
        raise InvalidInput(message, fields={"file": message})
    sheet = book.worksheets[0]
    return book, sheet.iter_rows(values_only=True)


def _header_map(header) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header or ()):
        text = str(cell or "").strip().lower()
        for name, accepted in HEADERS.items():
            if text in (a.lower() for a in accepted) and name not in found:
                found[name] = index
    missing = [HEADERS[name][0] for name in REQUIRED if name not in found]
    if missing:
        message = _("第 1 行必须是表头，缺少列：%(cols)s。") % {"cols": "、".join(missing)}
        raise InvalidInput(message, fields={"file": message})
    return found


def _cell(row, index):
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = value.strip()
    return value


def cost_entries_import(*, acting_user, project_id, upload) -> dict:
    """Import the rows of an uploaded .xlsx into a project's ledger; returns the report."""
    report = ImportReport(file_name=getattr(upload, "name", "") or "")
    today = shanghai_today()
    project = _project_for(acting_user, project_id, permissions.cost_entry_refusal)
    refusal = cost_stage_refusal(project)
    if refusal:
        raise Conflict(refusal, code="wrong_state")

    book, rows = _open_rows(upload)
    good = []
    try:
        columns = _header_map(next(rows, None))
        for number, row in enumerate(rows, start=2):
            if row is None or all(v in (None, "") for v in row):
                continue
            report.rows += 1
            if report.rows > MAX_ROWS:
                message = _("一次最多导入 %(n)d 行，请分批导入。") % {"n": MAX_ROWS}
                raise InvalidInput(message, fields={"file": message})
            raw = {name: _cell(row, columns.get(name)) for name in HEADERS}
            values, errors = clean_cost_values(today=today, **raw)
            for name, message in errors.items():
                report.errors.append(
                    {"row": number, "column": HEADERS[name][0], "field": name, "message": message}
                )
            if not errors:
                good.append(values)
    finally:
        book.close()
    if report.rows == 0:
        message = _("文件中没有数据行。")
        raise InvalidInput(message, fields={"file": message})

    with transaction.atomic():
        for values in good:
            report.created.append(
                _save_cost(
                    acting_user=acting_user,
                    project=project,
                    values=values,
                    source=f"import:{report.file_name}"[:120],
                )
            )
    return report.as_dict()
