"""Field types of the forms: parsing and validation with messages that name the field.

Values are stored in the form's JSON in a canonical shape: money and rates as strings with two
decimals ("1234.50"), dates as ISO strings, people and files as ids, tables as lists of dicts.
"""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Attachment
from org.models import Department, User
from sipm.values import parse_decimal

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
MONEY_MAX = Decimal("999999999999.99")
INT_MAX = 1_000_000_000  # counts and days: far beyond any real value, well inside JSON and SQL
# The largest primary key the database can hold (BigAutoField); a larger id matches nothing.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str = "text"  # text textarea money rate int decimal date bool file user users department rows choice
    required: bool = False
    max_length: int = 500
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    choices: tuple = ()
    columns: tuple["FieldSpec", ...] = field(default_factory=tuple)
    help: str = ""


class FieldError(ValueError):
    pass


def _decimal(raw, spec: FieldSpec, places=2, lo=None, hi=None) -> str:
    try:
        return str(parse_decimal(raw, places=places, lo=lo, hi=hi))
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def _int(raw, lo=None, hi=None) -> int:
    if isinstance(raw, bool):
        raise FieldError(_("请输入整数。"))
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise FieldError(_("请输入整数。"))
    if lo is not None and value < lo:
        raise FieldError(_("不能小于 %(lo)s。") % {"lo": lo})
    if hi is not None and value > hi:
        raise FieldError(_("不能大于 %(hi)s。") % {"hi": hi})
    return value


def _date(raw) -> str:
    try:
        value = date.fromisoformat(str(raw).strip())
    except (TypeError, ValueError):
        raise FieldError(_("请输入有效日期（格式 YYYY-MM-DD）。"))
    if not MIN_DATE <= value <= MAX_DATE:
        raise FieldError(
            _("日期必须在 %(lo)s 到 %(hi)s 之间。")
            % {"lo": MIN_DATE.isoformat(), "hi": MAX_DATE.isoformat()}
        )
    return value.isoformat()


def _model_id(raw, model, what):
    value = _int(raw, lo=1)
    if not model.objects.filter(pk=value).exists():
        raise FieldError(_("%(what)s不存在。") % {"what": what})
    return value


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean_value(spec: FieldSpec, raw):
    """Return the canonical value, or raise FieldError with a message (without the label)."""
    if is_empty(raw):
        return None
    t = spec.type
    if t in ("text", "textarea"):
        if not isinstance(raw, str | int):
            raise FieldError(_("请输入文字。"))
        value = str(raw).strip()
        if len(value) > spec.max_length:
            raise FieldError(_("不能超过 %(n)d 个字。") % {"n": spec.max_length})
        return value or None
    if t == "money":
        hi = spec.max_value if spec.max_value is not None else MONEY_MAX
        lo = spec.min_value if spec.min_value is not None else 0
        return _decimal(raw, spec, 2, lo, hi)
    if t == "rate":
        return _decimal(raw, spec, 2, 0, 100)
    if t == "decimal":
        # Unbounded decimals are capped like money: beyond 28 digits Decimal cannot round them.
        hi = spec.max_value if spec.max_value is not None else MONEY_MAX
        return _decimal(raw, spec, 2, spec.min_value if spec.min_value is not None else 0, hi)
    if t == "int":
        hi = spec.max_value if spec.max_value is not None else INT_MAX
        return _int(raw, spec.min_value if spec.min_value is not None else 0, hi)
    if t == "date":
        return _date(raw)
    if t == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("1", "true", "on", "yes", "是"):
            return True
        if str(raw).lower() in ("0", "false", "off", "no", "否"):
            return False
        raise FieldError(_("请选择是或否。"))
    if t == "choice":
        if raw not in [c[0] for c in spec.choices]:
            raise FieldError(_("请选择有效的选项。"))
        return raw
    if t == "user":
        return _model_id(raw, User, _("用户"))
    if t == "users":
        if not isinstance(raw, list):
            raise FieldError(_("请选择人员。"))
        ids = [_int(v, lo=1) for v in raw]
        known = [i for i in ids if i <= MAX_ID]
        if len(known) != len(ids) or User.objects.filter(pk__in=known).count() != len(set(ids)):
            raise FieldError(_("所选人员不存在。"))
        return sorted(set(ids))
    if t == "department":
        return _model_id(raw, Department, _("部门"))
    if t == "file":
        return _model_id(raw, Attachment, _("附件"))
    if t == "rows":
        return _rows(spec, raw)
    raise FieldError(f"unknown field type {t}")


def _rows(spec: FieldSpec, raw):
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise FieldError(_("表格数据格式不正确。"))
    if len(raw) > 200:
        raise FieldError(_("最多 200 行。"))
    rows = []
    for i, row in enumerate(raw, start=1):
        cleaned = {}
        for col in spec.columns:
            try:
                value = clean_value(col, row.get(col.name))
            except FieldError as exc:
                raise FieldError(
                    _("第 %(i)d 行“%(col)s”：%(msg)s") % {"i": i, "col": col.label, "msg": exc}
                )
            if value is None and col.required:
                raise FieldError(_("第 %(i)d 行“%(col)s”：必填。") % {"i": i, "col": col.label})
            if value is not None:
                cleaned[col.name] = value
        if cleaned:
            rows.append(cleaned)
    return rows or None


def field_message(spec: FieldSpec, message) -> str:
    return _("“%(label)s”：%(msg)s") % {"label": spec.label, "msg": message}


def clean_fields(specs, raw: dict, allowed: AbstractSet[str]):
    """Clean the allowed fields present in `raw`; return (values, errors, ignored names)."""
    values, errors, ignored = {}, {}, []
    by_name = {s.name: s for s in specs}
    for name, value in raw.items():
        spec = by_name.get(name)
        if spec is None or name not in allowed:
            ignored.append(name)
            continue
        try:
            values[name] = clean_value(spec, value)
        except FieldError as exc:
            errors[name] = field_message(spec, exc)
    return values, errors, ignored


def missing_required(specs, data: dict, names) -> dict:
    errors = {}
    for spec in specs:
        if spec.name in names and spec.required and is_empty(data.get(spec.name)):
            errors[spec.name] = field_message(spec, _("必填。"))
    return errors
