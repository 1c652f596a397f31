"""How stored field values read on paper: ¥1,234.50, 是/否, people and departments by name.

Values come from the form's JSON in the canonical shape of approvals.fields (money as "1234.50",
people and files as ids). References are looked up in bulk, once per document.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from approvals.fields import FieldSpec, is_empty
from core.models import Attachment
from org.models import Department, User
from sipm import values

REF_TYPES = {"user": "users", "users": "users", "department": "departments", "file": "files"}


@dataclass
class References:
    """Names of the users, departments and attachments a form's data points at."""

    users: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    @classmethod
    def load(cls, specs, data: dict) -> "References":
        ids = {"users": set(), "departments": set(), "files": set()}
        _collect(specs, data, ids)
        refs = cls()
        if ids["users"]:
            refs.users = {u.pk: str(u) for u in User.objects.filter(pk__in=ids["users"])}
        if ids["departments"]:
            refs.departments = dict(
                Department.objects.filter(pk__in=ids["departments"]).values_list("pk", "name")
            )
        if ids["files"]:
            refs.files = {
                a.pk: _file_label(a) for a in Attachment.objects.filter(pk__in=ids["files"])
            }
        return refs


def _collect(specs, data: dict, ids: dict) -> None:
    for spec in specs:
        value = data.get(spec.name)
        if is_empty(value):
            continue
        if spec.type == "rows" and isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    _collect(spec.columns, row, ids)
        elif spec.type in REF_TYPES:
            bucket = ids[REF_TYPES[spec.type]]
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    bucket.add(item)


def _file_label(attachment) -> str:
    size = attachment.size or 0
    if size >= 1024 * 1024:
        shown = f"{Decimal(size) / (1024 * 1024):.1f} MB"
    else:
        shown = f"{max(1, round(size / 1024))} KB"
    return f"{attachment.original_name}（{shown}）"


money = values.money_text
number = values.number_text


def format_value(spec: FieldSpec, value, refs: References) -> str:
    """The text of a scalar field's value; empty values print as an empty cell."""
    if spec.type == "bool" and value is None:
        return _("否")  # an unticked box is stored as nothing
    if is_empty(value):
        return ""
    t = spec.type
    if t == "money":
        return money(value)
    if t == "rate":
        return f"{value}%"
    if t in ("int", "decimal"):
        return number(value)
    if t == "bool":
        return _("是") if value else _("否")
    if t == "choice":
        return str(dict(spec.choices).get(value, value))
    if t == "user":
        return refs.users.get(value, _("（已删除的用户）"))
    if t == "users":
        return "、".join(refs.users.get(v, _("（已删除的用户）")) for v in value)
    if t == "department":
        return refs.departments.get(value, _("（已删除的部门）"))
    if t == "file":
        return refs.files.get(value, _("（附件不存在）"))
    return str(value)


@dataclass
class FieldCell:
    label: str
    text: str = ""
    wide: bool = False
    # For rows-type fields: the column labels and the formatted rows.
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    numeric_columns: list = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.columns)


WIDE_TYPES = ("textarea", "rows", "users", "file")
NUMERIC_TYPES = ("money", "rate", "int", "decimal")


def field_cell(spec: FieldSpec, value, refs: References) -> FieldCell:
    if spec.type == "rows":
        rows = []
        for row in value or []:
            if isinstance(row, dict):
                rows.append([format_value(col, row.get(col.name), refs) for col in spec.columns])
        return FieldCell(
            label=spec.label,
            wide=True,
            columns=[col.label for col in spec.columns],
            rows=rows,
            numeric_columns=[col.type in NUMERIC_TYPES for col in spec.columns],
        )
    text = format_value(spec, value, refs)
    wide = spec.type in WIDE_TYPES or (spec.type == "text" and len(text) > 24)
    return FieldCell(label=spec.label, text=text, wide=wide)


def field_blocks(cells: list[FieldCell]) -> list[dict]:
    """Lay the fields out as on the paper forms: short fields two to a row, long ones across the
    whole row, and each table field as a table of its own (so it can break across pages with its
    header repeated). Returns blocks {"grid": [[cell, cell?], ...]} and {"table": cell}."""
    blocks: list[dict] = []
    grid: list[list[FieldCell]] = []
    pending: FieldCell | None = None

    def flush_pending():
        nonlocal pending
        if pending:
            grid.append([pending])
            pending = None

    for cell in cells:
        if cell.is_table:
            flush_pending()
            if grid:
                blocks.append({"grid": grid})
                grid = []
            blocks.append({"table": cell})
        elif cell.wide:
            flush_pending()
            grid.append([cell])
        elif pending:
            grid.append([pending, cell])
            pending = None
        else:
            pending = cell
    flush_pending()
    if grid:
        blocks.append({"grid": grid})
    return blocks
